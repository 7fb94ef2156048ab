package org.exitbench.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxMeasuredSpeedup;
import org.exitbench.deploy.onnx.OnnxSpeedup;
import org.exitbench.model.DatasetFingerprint;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;

/**
 * One speedup measurement of a run's cascade at given thresholds, as {@code exitbench export} followed by
 * {@code exitbench speedup --limit n --save-to-run} makes it: the run's cascade of one mode is exported with those
 * thresholds to a temporary file (deleted once loaded; nothing of the run is replaced), timed at batch 1 on evenly
 * spaced test images ({@link SpeedupMeasurement}, which the CLI's command uses too), and the result, which records
 * the thresholds it was taken at, is added to the run folder. The app's Analysis pane runs it at the thresholds on
 * the sliders, off the UI thread, with its own predictor.
 *
 * @param runFolder   the run
 * @param mode        the training mode whose cascade is measured
 * @param thresholds  the thresholds to export
 * @param openDataset the dataset open in the app, used when it is the one the run scored; or {@code null}
 * @param images      test images to time, evenly spaced over the split
 * @param warmUp      images run before timing
 * @param decisionRule the derived exit decision rule the thresholds compare (issue 20), exported with them; null
 *                     when they compare max-softmax or entropy
 */
public record SpeedupJob(Path runFolder, BranchTrainingMode mode, Thresholds thresholds, Dataset openDataset, int images,
                  int warmUp, org.exitbench.cascade.decision.ExitDecisionRule decisionRule) {

    public SpeedupJob {
        Objects.requireNonNull(runFolder, "runFolder");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(thresholds, "thresholds");
        if ((thresholds.rule() == org.exitbench.cascade.ExitRule.DERIVED) != (decisionRule != null)) {
            throw new IllegalArgumentException("thresholds on a derived score need their decision rule, and only "
                    + "they: the thresholds compare " + thresholds.rule() + ", the rule is " + (decisionRule == null
                    ? "missing" : decisionRule.id()));
        }
    }

    /** A measurement at thresholds on max-softmax or entropy. */
    public SpeedupJob(Path runFolder, BranchTrainingMode mode, Thresholds thresholds, Dataset openDataset, int images,
                      int warmUp) {
        this(runFolder, mode, thresholds, openDataset, images, warmUp, null);
    }

    /** @return the rule and thresholds as a decision file, or null for a built-in rule */
    private org.exitbench.cascade.decision.DecisionFile decision() {
        return decisionRule == null ? null : new org.exitbench.cascade.decision.DecisionFile(decisionRule, thresholds,
                "measured in the app");
    }

    /**
     * Exports, measures and saves (the DL4J cascade; see {@link #runBothEngines} for a run on an imported backbone).
     *
     * @return the measurement saved
     */
    public MeasuredSpeedup run(ProgressListener progress, CancellationToken cancel) {
        return measure(false, progress, cancel).dl4j();
    }

    /**
     * Both engines on the same images at the same thresholds, side by side.
     *
     * @param dl4j the DL4J cascade's measurement, saved to the run folder as {@link #run} saves it; null for a run on an
     *             imported backbone
     * @param onnx ONNX Runtime's, of the one-file {@code cascade.onnx} against {@code backbone.onnx} (one thread, as
     *             DL4J's default), saved to the run folder beside the DL4J one ({@link OnnxMeasuredSpeedup})
     */
    public record BothEngines(MeasuredSpeedup dl4j, OnnxMeasuredSpeedup onnx) {
    }

    /**
     * Exports the cascade as a zip and as ONNX, measures both and saves both to the run folder; for a run on an
     * imported ONNX backbone, which DL4J cannot run, ONNX Runtime's alone ({@code dl4j} is then null).
     *
     * @return both measurements
     */
    public BothEngines runBothEngines(ProgressListener progress, CancellationToken cancel) {
        return measure(true, progress, cancel);
    }

    /**
     * Exports, measures and saves: the DL4J cascade, and ONNX Runtime's too when asked; for a run on an imported
     * ONNX backbone, which DL4J cannot run, ONNX Runtime's alone ({@code dl4j} is then null).
     *
     * @return what was measured (and saved)
     */
    public BothEngines measure(boolean onnxToo, ProgressListener progress, CancellationToken cancel) {
        progress.report("Exporting the cascade", 0, 1);
        ExperimentRun run = ExperimentRun.load(runFolder);
        if (importedBackbone(run)) {
            // DL4J cannot run an imported backbone: ONNX Runtime is the only engine to time.
            return new BothEngines(null, measureOnnx(run, null, timedImages(run, progress, cancel), progress, cancel));
        }
        CascadeParts base = CascadeExport.fromRun(run, mode, null);
        CascadeParts parts = decisionRule == null ? base.withThresholds(thresholds) : new CascadeParts(base.backbone(),
                base.exitVertices(), base.branches(), base.pooling(), thresholds, base.provenance(), decisionRule);
        EarlyExitPredictor predictor;
        Path file = null;
        try {
            file = Files.createTempFile("exitbench-speedup-", ".zip");
            CascadeFile.save(parts, file);
            predictor = new EarlyExitPredictor(CascadeFile.load(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary cascade file: " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
        cancel.throwIfCancelled();

        Timed timed = timedImages(run, progress, cancel);
        SpeedupMeasurement.Report report = SpeedupMeasurement.measure(predictor, timed.images(), timed.label(),
                new SpeedupMeasurement.Settings(warmUp, 1), progress, cancel);
        MeasuredSpeedup speedup = report.speedup();
        MeasuredSpeedup.save(runFolder, speedup);
        return new BothEngines(speedup, onnxToo ? measureOnnx(run, parts, timed, progress, cancel) : null);
    }

    /** @return whether the run's backbone is an imported ONNX model */
    public static boolean importedBackbone(ExperimentRun run) {
        return ExperimentPipeline.isOnnx(ExperimentPipeline.backbonePath(run.config()));
    }

    /**
     * Exports the cascade as one cascade.onnx to a temporary folder, times it against backbone.onnx and saves the
     * measurement to the run folder.
     *
     * @param parts the DL4J cascade at the thresholds, or null for a run on an imported backbone
     */
    private OnnxMeasuredSpeedup measureOnnx(ExperimentRun run, CascadeParts parts, Timed timed,
                                            ProgressListener progress, CancellationToken cancel) {
        progress.report("Exporting the cascade as ONNX", 0, 1);
        Path folder = null;
        try {
            folder = Files.createTempDirectory("exitbench-speedup-onnx-").resolve("cascade");
            if (parts == null) {
                if (decisionRule == null) {
                    CascadeExport.writeOnnx(run, mode, null, thresholds, OnnxCascadeExport.Shape.SINGLE, folder);
                } else {
                    CascadeExport.writeOnnxDecided(run, mode, null, decision(), OnnxCascadeExport.Shape.SINGLE,
                            folder);
                }
            } else {
                OnnxCascadeExport.export(parts, timed.images(), OnnxCascadeExport.Shape.SINGLE, folder);
            }
            cancel.throwIfCancelled();
            try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(folder), 1, 1)) {
                OnnxMeasuredSpeedup measured = OnnxMeasuredSpeedup.of(OnnxSpeedup.measure(onnx, timed.images(),
                        timed.label(), warmUp, 1, progress, cancel), onnx.cascade());
                OnnxMeasuredSpeedup.save(runFolder, measured);
                return measured;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary ONNX export: " + e.getMessage(), e);
        } finally {
            deleteTree(folder == null ? null : folder.getParent());
        }
    }

    /** The test images timed and how to name them. */
    private record Timed(ImageDataset images, String label) {
    }

    private Timed timedImages(ExperimentRun run, ProgressListener progress, CancellationToken cancel) {
        Dataset dataset = datasetOf(run, progress, cancel);
        ImageDataset test = dataset.split(Split.TEST);
        if (test.size() == 0) {
            throw new IllegalArgumentException(dataset.name() + " has no test images to time");
        }
        int all = test.size();
        ImageDataset timed = images < all ? test.subset(SpeedupMeasurement.evenlySpaced(all, images)) : test;
        return new Timed(timed, String.format(Locale.ROOT, "%s, test split, %d of %d images", dataset.name(),
                timed.size(), all));
    }

    private static void deleteTree(Path folder) {
        if (folder == null) {
            return;
        }
        try (var walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(SpeedupJob::deleteQuietly);
        } catch (IOException e) {
            // Temporary files left behind cost disk space only.
            folder.toFile().deleteOnExit();
        }
    }

    /** The open dataset when the run scored it (same fingerprint), otherwise the run's, read from where it was. */
    private Dataset datasetOf(ExperimentRun run, ProgressListener progress, CancellationToken cancel) {
        String fingerprint = run.metrics().provenance().datasetFingerprint();
        if (openDataset != null && DatasetFingerprint.of(openDataset).equals(fingerprint)) {
            return openDataset;
        }
        Path path = Path.of(run.config().dataset());
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("the dataset of run " + run.id() + ", " + path + ", does not exist and"
                    + " the open dataset is another one; open the run's dataset to measure on it");
        }
        return DatasetReaders.read(path, ReadOptions.DEFAULTS, progress, cancel);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temporary file left behind costs disk space only; the measurement does not depend on it.
            file.toFile().deleteOnExit();
        }
    }
}
