package org.exitbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainer;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingResult;
import org.exitbench.train.BranchTrainingSettings;
import org.exitbench.train.EpochLength;
import org.exitbench.workspace.Workspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wall time to train and calibrate three boosted branches (the default branch, training settings and CPM) on the
 * sample's feature cache; the goal is under 10 s. The backbone must give three early exits: by default the
 * sample's shipped one (small ResNet 16/32/64/128, exits after stages 1–3). The feature cache is kept in
 * {@code target/bench-workspace}, so only the first run extracts features. Run it with
 * {@code bench/run-branch-bench.sh}.
 *
 * <p>Options: {@code --backbone FILE} (default {@code <sample>/backbone.zip}), {@code --sample DIR} (default
 * {@code sample-data/fashion-mnist}), {@code --repeats N} (default 3), and for the wide branches of report v2
 * (issue 17) {@code --filters N --kernel K} (default: the default branch), {@code --updates U} (updates per epoch;
 * default one pass over the rows, -1 for one pass over the training split as the fair protocol trains).
 */
public final class BranchTrainingBenchmark {

    private static final Path WORKSPACE = Path.of("target", "bench-workspace");

    private BranchTrainingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path backboneFile = null;
        Path sample = Path.of("sample-data", "fashion-mnist");
        int repeats = 3;
        BranchSpec spec = BranchSpec.defaults();
        int filters = spec.filters();
        int kernel = spec.kernel();
        int updates = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backbone" -> backboneFile = Path.of(args[++i]);
                case "--sample" -> sample = Path.of(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--filters" -> filters = Integer.parseInt(args[++i]);
                case "--kernel" -> kernel = Integer.parseInt(args[++i]);
                case "--updates" -> updates = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --backbone FILE, --sample DIR, --repeats N, --filters N, --kernel K, "
                        + "--updates U)");
            }
        }
        Dl4jEngine.initialize();
        System.out.println("# Exitbench branch training benchmark");
        System.out.println("Cores visible: " + Runtime.getRuntime().availableProcessors() + ", OMP_NUM_THREADS="
                + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)") + ", ND4J max threads "
                + Nd4j.getEnvironment().maxThreads() + ", load average " + loadAverage());

        Dataset dataset = DatasetReaders.read(sample, ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
        TrainedBackbone backbone = BackboneFile.load(backboneFile != null ? backboneFile
                : sample.resolve("backbone.zip"), false);
        if (backbone.exitPoints().size() != 3) {
            throw new IllegalArgumentException("the backbone has " + backbone.exitPoints().size()
                    + " early exits; the benchmark times three");
        }
        System.out.println("Backbone: " + backbone.spec().describe() + ", exits " + backbone.exitPoints());
        Workspace workspace = Workspace.at(WORKSPACE);
        long started = System.nanoTime();
        FeatureCache.Result cached = FeatureCache.loadOrBuild(workspace.cacheFolder("sample-"
                + backbone.fingerprint().substring(0, 12)), backbone, dataset, FeatureCacheOptions.defaults(),
                ProgressListener.NONE, CancellationToken.NEVER);
        System.out.printf(Locale.ROOT, "Feature cache: %s (%.1f s)%n", cached.notice(), seconds(started));

        BranchTrainingSettings settings = BranchTrainingSettings.defaults();
        spec = BranchSpec.of(spec.type(), filters, kernel);
        EpochLength epochLength = new EpochLength(updates);
        System.out.println("Settings: " + settings + ", " + epochLength.describe() + " per epoch");
        System.out.println("Branch: " + spec.describe() + "; CPM " + CpmSettings.defaults());
        List<Double> times = new ArrayList<>();
        for (int r = 1; r <= repeats; r++) {
            long t = System.nanoTime();
            BranchTrainingResult result = new BranchTrainer(spec, settings, CpmSettings.defaults(), null, epochLength,
                    CalibrationSplit.off()).train(cached.cache(), ProgressListener.NONE, BranchTrainingListener.NONE,
                            CancellationToken.NEVER);
            double wall = seconds(t);
            times.add(wall);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "run %d: %.2f s", r, wall));
            for (BranchOutcome outcome : result.outcomes()) {
                line.append(String.format(Locale.ROOT, " | %s: %s, %d train samples, %d epochs, %.2f s",
                        outcome.vertex(), outcome.trained() ? "trained" : "skipped", outcome.trainSamples(),
                        outcome.history().size(), outcome.trainingTime().toNanos() / 1e9));
            }
            System.out.println(line);
        }
        times.sort(Comparator.naturalOrder());
        System.out.printf(Locale.ROOT, "Median wall time, train + calibrate 3 boosted branches: %.2f s (goal < 10 s)%n",
                times.get(times.size() / 2));
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
