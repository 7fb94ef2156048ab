package org.exitbench.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.operatingpoint.ScoreSet;
import org.exitbench.app.training.ShippedRunReader;
import org.exitbench.calibrate.ClassPrecisionReport;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.BundledRun;
import org.exitbench.workspace.WorkspaceDocument;

/**
 * Runs, on a background thread while the JavaFX toolkit starts and the window opens, the code a first launch runs
 * next to show its operating point, and reads ahead what it will need: JSON documents read and written (the
 * workspace's), then the run shipped beside the sample, read and checked against the sample's backbone
 * ({@link BundledRun#open}), kept for the first launch ({@link ShippedRunReader}), then its cascade evaluated once.
 * Loading and compiling those classes (Jackson alone is several hundred) is most of what that path costs the first
 * time; done here, in parallel, it is gone from the JavaFX thread's and the run-opening task's way, and on a busy
 * machine a second thread also gets a second share of the processors. It only reads the bundled sample and writes
 * nothing. DL4J and ND4J are not touched: the first operating point needs neither.
 */
final class StartupWarmUp implements Runnable, ShippedRunReader {

    private static final System.Logger LOG = System.getLogger(StartupWarmUp.class.getName());

    private final Path sample;
    private final Path backbone;
    /** The shipped run read ahead; {@code null} when reading it failed (it is then read again when asked for). */
    private final CompletableFuture<Optional<BundledRun.Opened>> shipped = new CompletableFuture<>();
    /** Its default cascade, made once ahead; {@code null} when that failed or there is none. */
    private final CompletableFuture<RunCascadeSource> source = new CompletableFuture<>();

    /** @param sample the bundled sample dataset folder (it may be missing: then little is warmed) */
    StartupWarmUp(Path sample) {
        this.sample = sample.toAbsolutePath().normalize();
        this.backbone = this.sample.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
    }

    /**
     * Starts the warm-up on a daemon thread of its own.
     *
     * @return the reader that hands the first launch the shipped run read ahead
     */
    static StartupWarmUp start(Path sample) {
        StartupWarmUp warmUp = new StartupWarmUp(sample);
        Thread thread = new Thread(warmUp, "exitbench-warm-up");
        thread.setDaemon(true);
        thread.start();
        return warmUp;
    }

    @Override
    public void run() {
        try {
            JsonDocuments.fromBytes(JsonDocuments.toBytes(WorkspaceDocument.TYPE,
                    WorkspaceDocument.create("warm-up", sample)), sample, WorkspaceDocument.TYPE,
                    WorkspaceDocument.class);
        } catch (RuntimeException | LinkageError e) {
            // Only a warm-up: whatever fails here fails again, and is reported, where the app really does it.
            LOG.log(System.Logger.Level.DEBUG, "Start-up warm-up stopped early", e);
        }
        Optional<BundledRun.Opened> opened;
        try {
            opened = Files.isRegularFile(backbone) ? BundledRun.open(sample, backbone) : Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading the shipped run ahead failed; it is read again when needed", e);
            shipped.complete(null);
            return;
        }
        shipped.complete(opened);
        try {
            source.complete(opened.map(BundledRun.Opened::run).map(StartupWarmUp::evaluate).orElse(null));
        } catch (RuntimeException | LinkageError e) {
            source.complete(null);
            LOG.log(System.Logger.Level.DEBUG, "Start-up warm-up stopped early", e);
        }
    }

    /** Hands over the cascade made ahead of the run this reader read ahead, waiting for it to be made. */
    @Override
    public Optional<RunCascadeSource> prepared(ExperimentRun run) {
        Optional<BundledRun.Opened> ahead = shipped.getNow(null);
        if (ahead == null || ahead.isEmpty() || ahead.get().run() != run) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(source.join());
        } catch (CompletionException e) {
            return Optional.empty();
        }
    }

    /**
     * Hands over the shipped run read ahead when {@code dataset} and {@code backbone} are the sample's, waiting for
     * the read to finish; reads it now for any other dataset, or when reading it ahead failed (so a failure is
     * reported where the app reads it).
     */
    @Override
    public Optional<BundledRun.Opened> open(Path dataset, Path backbone) {
        if (dataset.toAbsolutePath().normalize().equals(sample)
                && backbone.toAbsolutePath().normalize().equals(this.backbone)) {
            try {
                Optional<BundledRun.Opened> ahead = shipped.join();
                if (ahead != null) {
                    return ahead;
                }
            } catch (CompletionException e) {
                LOG.log(System.Logger.Level.DEBUG, "Reading the shipped run ahead failed", e);
            }
        }
        return BundledRun.open(dataset, backbone);
    }

    /** @return the run's default cascade, made as the first launch shows it, once evaluated; or null */
    private static RunCascadeSource evaluate(ExperimentRun run) {
        Optional<BranchTrainingMode> mode = RunCascadeSource.defaultPrimary(run);
        if (mode.isEmpty()) {
            return null;
        }
        RunCascadeSource source = RunCascadeSource.of(run, mode.get(), null, null, true);
        ScoreSet primary = source.source().primary();
        CascadeEvaluator evaluator = new CascadeEvaluator(primary.validation(), source.source().costModel());
        Thresholds thresholds = source.source().initialThresholds().orElseThrow();
        CascadeResult validation = evaluator.evaluate(thresholds);
        ClassPrecisionReport.of(validation, evaluator.survivorStatistics(), thresholds,
                run.config().cpmSettings());
        new CascadeEvaluator(primary.test(), source.source().costModel()).evaluate(thresholds);
        return source;
    }
}
