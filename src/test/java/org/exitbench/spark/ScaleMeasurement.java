package org.exitbench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.Backbone;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.TrialExecutor;

/**
 * The measurements behind docs/scale.md: one sweep in process (1 and 2 threads) and on a local standalone cluster
 * (1 and 2 workers of one core), with wall times, the overhead per trial and the load average. Not a test: run by
 * hand with the test class path, {@code java … org.exitbench.spark.ScaleMeasurement <out.md> <work folder>
 * [cluster-only|ratios]}
 * (the class path must be absolute: the executors start in their workers' folders).
 */
public final class ScaleMeasurement {

    private ScaleMeasurement() {
    }

    static SweepDefinition eight() {
        return definition("[1, 2]");
    }

    static SweepDefinition definition(String seeds) {
        return SweepDefinition.fromJson(("""
                {"name": "scale",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "lr", "field": "training.learningRate", "values": [0.01, 0.02, 0.03, 0.05]}],
                 "seeds": SEEDS, "margins": [0.0, 0.05, 0.2]}""").replace("SEEDS", seeds), "scale");
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path work = Path.of(args[1]);
        SweepRunner runner = SampleBackbone.workspace().sweepRunner();
        List<String> rows = new ArrayList<>();
        rows.add("| where | trials | wall s (all) | of which preparation s | trials s | s per trial | load before → after |");
        rows.add("|---|---|---|---|---|---|---|");
        // Warm the feature cache and the JIT once, so every row below reuses the same cache.
        runner.run(definition("[99]"), request(work.resolve("warm"), 1), ProgressListener.NONE,
                CancellationToken.NEVER);
        if (args.length >= 3 && args[2].equals("ratios")) {
            ratios(out, work, runner, rows);
            return;
        }
        if (args.length < 3 || !args[2].equals("cluster-only")) {
            rows.add(measure("in process, 1 thread", runner, work.resolve("p1"), 1));
            write(out, rows);
            rows.add(measure("in process, 2 threads", runner, work.resolve("p2"), 2));
            write(out, rows);
        }
        for (int workers = 1; workers <= 2; workers++) {
            String load = loadAverage();
            long started = System.nanoTime();
            try (StandaloneCluster cluster = new StandaloneCluster(work.resolve("cluster" + workers), workers, "1g",
                    Duration.ofSeconds(300))) {
                double startSeconds = (System.nanoTime() - started) / 1e9;
                rows.add(String.format(Locale.ROOT, "| standalone cluster start, %d worker(s) | | %.1f | | | | %s |",
                        workers, startSeconds, load));
                SweepRunner onCluster = runner.on(new SparkTrialExecutor(cluster.masterUrl(),
                        cluster.driverSettings(workers)));
                rows.add(measure("standalone, " + workers + " worker(s) × 1 core", onCluster,
                        work.resolve("s" + workers), 1));
                write(out, rows);
            }
        }
        rows.add("");
        rows.add("Measured " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores.");
        write(out, rows);
    }

    /**
     * Everything in one run on one cluster (started once, two one-core workers), so that on a shared machine the
     * rows see about the same load and their ratios mean something: the sweep in process (1 and 2 threads) and on 1
     * and 2 executors, then the sample's feature cache built from nothing in process and on 1 and 2 executors.
     */
    private static void ratios(Path out, Path work, SweepRunner runner, List<String> rows) throws Exception {
        String load = loadAverage();
        long started = System.nanoTime();
        try (StandaloneCluster cluster = new StandaloneCluster(work.resolve("cluster"), 2, "1g",
                Duration.ofSeconds(300))) {
            rows.add(String.format(Locale.ROOT, "| standalone cluster start, 2 workers | | %.1f | | | | %s → %s |",
                    (System.nanoTime() - started) / 1e9, load, loadAverage()));
            write(out, rows);
            rows.add(measure("in process, 1 thread", runner, work.resolve("p1"), 1));
            write(out, rows);
            rows.add(measure("standalone, 1 executor × 1 core", runner.on(new SparkTrialExecutor(cluster.masterUrl(),
                    cluster.driverSettings(1))), work.resolve("s1"), 1));
            write(out, rows);
            rows.add(measure("standalone, 2 executors × 1 core", runner.on(new SparkTrialExecutor(
                    cluster.masterUrl(), cluster.driverSettings(2))), work.resolve("s2"), 1));
            write(out, rows);
            rows.add(measure("in process, 2 threads", runner, work.resolve("p2"), 2));
            write(out, rows);

            rows.add("");
            rows.add("| feature cache from nothing (15,000 images) | wall s | load before → after |");
            rows.add("|---|---|---|");
            Backbone backbone = ExperimentPipeline.readBackbone(SampleBackbone.file())
                    .withExitPoints(new ExitPoints(List.of("stage1", "stage2")));
            rows.add(timed("in process (read, fingerprint, extract, save; OMP_NUM_THREADS=1)", () -> {
                Dataset dataset = DatasetReaders.read(SampleBackbone.SAMPLE);
                FeatureCache.build(backbone, dataset, new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE,
                        FeatureExtractor.DEFAULT_BATCH_SIZE), ProgressListener.NONE, CancellationToken.NEVER)
                        .save(work.resolve("cache-here"));
            }));
            write(out, rows);
            for (int executors = 1; executors <= 2; executors++) {
                int n = executors;
                TrialExecutor.CacheRequest request = new TrialExecutor.CacheRequest(SampleBackbone.SAMPLE,
                        SampleBackbone.file(), backbone, List.of(1), work.resolve("caches" + n).toUri().toString(),
                        0);
                rows.add(timed("standalone, " + n + " executor(s) × 1 core (describe, 6 shards, join, write)",
                        () -> SparkFeatureCache.build(cluster.masterUrl(), cluster.driverSettings(n), request,
                                ProgressListener.NONE, CancellationToken.NEVER)));
                write(out, rows);
            }
        }
        rows.add("");
        rows.add("Measured " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores.");
        write(out, rows);
    }

    private static String timed(String where, Runnable work) {
        String before = loadAverage();
        long started = System.nanoTime();
        work.run();
        return String.format(Locale.ROOT, "| %s | %.1f | %s → %s |", where, (System.nanoTime() - started) / 1e9,
                before, loadAverage());
    }

    private static String measure(String where, SweepRunner runner, Path folder, int threads) {
        String before = loadAverage();
        SweepRunner.Outcome outcome = runner.run(eight(), request(folder, threads), ProgressListener.NONE,
                CancellationToken.NEVER);
        // A second run has nothing to train: its time is the preparation and the reports alone.
        SweepRunner.Outcome resumed = runner.run(eight(), request(folder, threads), ProgressListener.NONE,
                CancellationToken.NEVER);
        double trialsSeconds = outcome.seconds() - resumed.seconds();
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f | %s → %s |", where, outcome.ran(),
                outcome.seconds(), resumed.seconds(), trialsSeconds, trialsSeconds / outcome.ran(), before,
                loadAverage());
    }

    private static SweepRunner.Request request(Path folder, int threads) {
        return new SweepRunner.Request(SampleBackbone.SAMPLE, SampleBackbone.file(), folder, threads);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void write(Path out, List<String> rows) throws IOException {
        Files.write(out, rows);
    }
}
