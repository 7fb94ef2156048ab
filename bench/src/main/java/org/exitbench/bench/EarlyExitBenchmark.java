package org.exitbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.experiment.CascadeExport;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;

/**
 * Measured against theoretical speedup of real early exits: exports a run's cascade, then classifies the sample's
 * test split at batch 1 through the whole backbone and through the cascade ({@link SpeedupMeasurement}) and reports
 * mean / p50 / p95 latency, the measured, simulated and theoretical speedups, their ratio (goal: measured ≥ 0.8 ×
 * theoretical) and each branch's time against its MACs. Writes the report as JSON to {@code target/bench/} and the
 * summary into the run folder ({@link MeasuredSpeedup#FILE_NAME}). Run it with {@code bench/run-early-exit-bench.sh},
 * which prepares a run and measures it at one thread and at all cores (threads are fixed when ND4J loads).
 *
 * <p>Options: {@code --prepare} (train a run with {@code --config} and print its folder, nothing else),
 * {@code --run FOLDER}, {@code --mode M} (default boosted), {@code --config FILE} (default: the sample with exits
 * after stages 1–3 and CPM margin 0, multiplicative), {@code --repeats N} (default 2), {@code --warmup N} (default
 * 300), {@code --sample DIR}, {@code --workspace DIR} (default {@code target/bench-workspace}).
 */
public final class EarlyExitBenchmark {

    /** The benchmark report's JSON format. */
    static final JsonDocuments.DocumentType REPORT = JsonDocuments.DocumentType.of("exitbench.early-exit-benchmark", 1);

    /** The operating point measured by default: three exits, CPM at margin 0 (no class loses precision). */
    private static final String DEFAULT_CONFIG = """
            {"exitPoints": ["stage1", "stage2", "stage3"],
             "training": {"modes": ["boosted"]},
             "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""";

    private EarlyExitBenchmark() {
    }

    /**
     * The JSON report.
     *
     * @param runId              the measured run
     * @param mode               its mode
     * @param dataset            the images' dataset
     * @param evaluatorSpeedup   backbone MACs / mean MACs from the workbench's CascadeEvaluator on the run's test
     *                           scores (equals the report's theoretical speedup when the export is faithful)
     * @param evaluatorAccuracy  the cascade's test accuracy in the workbench
     * @param measurement        everything measured
     */
    record Report(String runId, String mode, String dataset, double evaluatorSpeedup, double evaluatorAccuracy,
                  SpeedupMeasurement.Report measurement) {
    }

    public static void main(String[] args) throws IOException {
        boolean prepare = false;
        Path runFolder = null;
        BranchTrainingMode mode = BranchTrainingMode.BOOSTED;
        Path configFile = null;
        int repeats = 2;
        int warmUp = 300;
        Path sample = Path.of("sample-data", "fashion-mnist");
        Path workspace = Path.of("target", "bench-workspace");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--prepare" -> prepare = true;
                case "--run" -> runFolder = Path.of(args[++i]);
                case "--mode" -> mode = ExperimentConfig.parseMode(args[++i]);
                case "--config" -> configFile = Path.of(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--warmup" -> warmUp = Integer.parseInt(args[++i]);
                case "--sample" -> sample = Path.of(args[++i]);
                case "--workspace" -> workspace = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --prepare, "
                        + "--run FOLDER, --mode M, --config FILE, --repeats N, --warmup N, --sample DIR, "
                        + "--workspace DIR)");
            }
        }
        Dl4jEngine.initialize();
        if (prepare || runFolder == null) {
            ExperimentConfig config = (configFile != null ? ExperimentConfig.read(configFile)
                    : ExperimentConfig.fromJson(DEFAULT_CONFIG, null)).withDataset(sample.toString());
            ExperimentRun run = Workspace.at(workspace).pipeline().run(config, ProgressListener.NONE,
                    BranchTrainingListener.NONE, CancellationToken.NEVER);
            runFolder = run.folder();
            if (prepare) {
                System.out.println(runFolder);
                return;
            }
        }
        ExperimentRun run = ExperimentRun.load(runFolder);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Path cascadeFile = out.resolve("cascade-" + run.id() + "-" + ExperimentConfig.modeName(mode) + ".zip");
        CascadeExport.write(run, mode, null, cascadeFile);
        EarlyExitPredictor predictor = EarlyExitPredictor.load(cascadeFile);
        ImageDataset test = DatasetReaders.read(Path.of(run.config().dataset())).split(Split.TEST);

        System.out.println("# Exitbench early-exit benchmark: measured against theoretical speedup, batch 1");
        System.out.println(Dl4jEngine.describe() + ", OMP_NUM_THREADS="
                + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
        System.out.println("Run " + run.id() + ", mode " + ExperimentConfig.modeName(mode) + ", cascade "
                + cascadeFile + " (" + Files.size(cascadeFile) + " bytes), " + test.size() + " test images × "
                + repeats + " after " + warmUp + " warm-up");

        SpeedupMeasurement.Report measured = SpeedupMeasurement.measure(predictor, test, run.config().dataset()
                + ", test split, " + test.size() + " images", new SpeedupMeasurement.Settings(warmUp, repeats),
                ProgressListener.NONE, CancellationToken.NEVER);
        ExperimentRun.ModeResult result = run.mode(mode).orElseThrow();
        CascadeResult workbench = new CascadeEvaluator(result.testScores(), result.costModel())
                .evaluate(result.thresholds());
        double evaluatorSpeedup = workbench.fullBackboneMacs() / workbench.meanMacs();

        System.out.print(measured.describe());
        System.out.printf(Locale.ROOT, "Workbench evaluator on the run's test scores: speedup %.3f, accuracy %.2f %%%n",
                evaluatorSpeedup, 100 * workbench.accuracy());
        Path json = out.resolve("early-exit-" + run.id() + "-" + ExperimentConfig.modeName(mode) + "-"
                + measured.threads() + "t.json");
        JsonDocuments.write(json, REPORT, new Report(run.id(), ExperimentConfig.modeName(mode), run.config().dataset(),
                evaluatorSpeedup, workbench.accuracy(), measured));
        MeasuredSpeedup.save(run.folder(), measured.speedup());
        System.out.println("Report: " + json + "; summary added to " + run.folder().resolve(MeasuredSpeedup.FILE_NAME));
    }
}
