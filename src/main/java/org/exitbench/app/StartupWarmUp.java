package org.exitbench.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.operatingpoint.ScoreSet;
import org.exitbench.calibrate.ClassPrecisionReport;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.BackboneFile;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.BundledRun;
import org.exitbench.workspace.WorkspaceDocument;

/**
 * Runs, on a background thread while the JavaFX toolkit starts and the window opens, the code a first launch runs
 * next to show its operating point: JSON documents read and written (the workspace, the shipped run's metrics and
 * configuration), the backbone's metadata, the shipped run's scores read, sorted and evaluated as a cascade. It only
 * reads the bundled sample and writes nothing. Loading and compiling those classes (Jackson alone is several hundred)
 * is most of what that path costs the first time; done here, in parallel, it is gone from the JavaFX thread's and the
 * run-opening task's way. DL4J and ND4J are not touched: the first operating point needs neither.
 */
final class StartupWarmUp implements Runnable {

    private static final System.Logger LOG = System.getLogger(StartupWarmUp.class.getName());

    private final Path sample;

    /** @param sample the bundled sample dataset folder (it may be missing: then little is warmed) */
    StartupWarmUp(Path sample) {
        this.sample = sample;
    }

    /** Starts the warm-up on a daemon thread of its own. */
    static void start(Path sample) {
        Thread thread = new Thread(new StartupWarmUp(sample), "exitbench-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            JsonDocuments.fromBytes(JsonDocuments.toBytes(WorkspaceDocument.TYPE,
                    WorkspaceDocument.create("warm-up", sample)), sample, WorkspaceDocument.TYPE,
                    WorkspaceDocument.class);
            Optional<BundledRun> bundled = BundledRun.besides(sample);
            Path backbone = sample.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
            if (Files.isRegularFile(backbone)) {
                BackboneFile.readMetadata(backbone);
            }
            if (bundled.isPresent()) {
                evaluate(ExperimentRun.load(bundled.get().folder()));
            }
        } catch (RuntimeException | LinkageError e) {
            // Only a warm-up: whatever fails here fails again, and is reported, where the app really does it.
            LOG.log(System.Logger.Level.DEBUG, "Start-up warm-up stopped early", e);
        }
    }

    private static void evaluate(ExperimentRun run) {
        Optional<BranchTrainingMode> mode = RunCascadeSource.defaultPrimary(run);
        if (mode.isEmpty()) {
            return;
        }
        RunCascadeSource source = RunCascadeSource.of(run, mode.get(), null, null, true);
        ScoreSet primary = source.source().primary();
        CascadeEvaluator evaluator = new CascadeEvaluator(primary.validation(), source.source().costModel());
        Thresholds thresholds = source.source().initialThresholds().orElseThrow();
        CascadeResult validation = evaluator.evaluate(thresholds);
        ClassPrecisionReport.of(validation, evaluator.survivorStatistics(), thresholds,
                run.config().cpmSettings());
        new CascadeEvaluator(primary.test(), source.source().costModel()).evaluate(thresholds);
    }
}
