package org.exitbench.app.analysis;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.deploy.LatencyStats;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.onnx.OnnxMeasuredSpeedup;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.SpeedupJob;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;

/**
 * The speedup under the Analysis pane's accuracy-vs-compute chart: the theoretical speedup of the current thresholds
 * (backbone MACs / mean MACs on the test split, from the shared operating point's result, so it follows the
 * sliders), and beside it the latest measurement of the shown run and mode saved in the run's
 * {@value MeasuredSpeedup#FILE_NAME}: theoretical, simulated and measured speedups, latencies, machine and date,
 * and whether it was taken at the current thresholds. {@link #measure()} times the cascade at the current thresholds
 * in the background ({@link SpeedupJob}) and adds the result to the run folder.
 */
public final class SpeedupViewModel {

    /** Test images timed by default, evenly spaced over the split: well under a minute on a laptop. */
    public static final int DEFAULT_IMAGES = 300;
    /** Images run before timing by default (JIT, workspaces, oneDNN primitives). */
    public static final int DEFAULT_WARM_UP = 50;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * The run whose cascade is shown.
     *
     * @param runFolder the run folder ({@code runs/<id>})
     * @param mode      the training mode whose cascade the thresholds act on
     */
    public record Target(Path runFolder, BranchTrainingMode mode) {

        public Target {
            Objects.requireNonNull(runFolder, "runFolder");
            Objects.requireNonNull(mode, "mode");
        }

        /** @return the run's id: its folder's name */
        public String runId() {
            return runFolder.getFileName().toString();
        }

        /** @return the mode as measurements name it, e.g. "boosted" */
        public String modeName() {
            return ExperimentConfig.modeName(mode);
        }
    }

    private final OperatingPointModel point;
    private final TaskExecutor executor;
    private final Notices notices;
    private final Supplier<Dataset> openDataset;
    private final ObjectProperty<Target> target = new SimpleObjectProperty<>(this, "target");
    private final ReadOnlyStringWrapper theoretical = new ReadOnlyStringWrapper(this, "theoretical", "");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<MeasuredSpeedup> shown = new ReadOnlyObjectWrapper<>(this, "shown");
    private final ReadOnlyStringWrapper figures = new ReadOnlyStringWrapper(this, "figures", "");
    private final ReadOnlyStringWrapper latency = new ReadOnlyStringWrapper(this, "latency", "");
    private final ReadOnlyStringWrapper context = new ReadOnlyStringWrapper(this, "context", "");
    private final ReadOnlyStringWrapper thresholdNote = new ReadOnlyStringWrapper(this, "thresholdNote", "");
    private final ReadOnlyBooleanWrapper canMeasure = new ReadOnlyBooleanWrapper(this, "canMeasure");
    private final ReadOnlyBooleanWrapper measuring = new ReadOnlyBooleanWrapper(this, "measuring");
    private final BooleanProperty alsoOnnx = new SimpleBooleanProperty(this, "alsoOnnx", false);
    private final ReadOnlyStringWrapper onnxFigures = new ReadOnlyStringWrapper(this, "onnxFigures", "");
    private OnnxMeasuredSpeedup shownOnnx;
    private int images = DEFAULT_IMAGES;
    private int warmUp = DEFAULT_WARM_UP;
    private Thresholds shownThresholds;

    /**
     * @param point       the shared operating point: its result gives the theoretical speedup and the thresholds
     *                    measured
     * @param executor    runs the measurement
     * @param notices     where failures and results are posted
     * @param openDataset the dataset open in the Data pane, or {@code null}: its test split is timed when it is the
     *                    dataset the run scored, otherwise the run's dataset is read from where the run found it
     */
    public SpeedupViewModel(OperatingPointModel point, TaskExecutor executor, Notices notices,
            Supplier<Dataset> openDataset) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.openDataset = Objects.requireNonNull(openDataset, "openDataset");
        point.resultProperty().addListener((obs, old, now) -> refreshLive());
        target.addListener((obs, old, now) -> reload());
        reload();
    }

    /** @return the run and mode whose measurements are shown; the workbench follows the workspace's shown run */
    public ObjectProperty<Target> targetProperty() {
        return target;
    }

    /**
     * Sets how much is timed by {@link #measure()}.
     *
     * @param testImages test images, evenly spaced over the split (all of them when the split is smaller)
     * @param warmUpImages images run before timing
     */
    public void setAmount(int testImages, int warmUpImages) {
        if (testImages < 1 || warmUpImages < 0) {
            throw new IllegalArgumentException("testImages must be >= 1 and warmUpImages >= 0, were " + testImages
                    + " and " + warmUpImages);
        }
        images = testImages;
        warmUp = warmUpImages;
        refreshLive();
    }

    /** @return "Theoretical at the current thresholds: 1.62× …", or empty without a result */
    public ReadOnlyStringProperty theoreticalProperty() {
        return theoretical.getReadOnlyProperty();
    }

    /** @return why nothing is measured, or what the button does; empty while a measurement is shown */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** @return the latest measurement of the shown run and mode, or {@code null} */
    public ReadOnlyObjectProperty<MeasuredSpeedup> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** @return "theoretical 1.58× · simulated 1.41× · measured 1.32× · measured / theoretical 0.84", or empty */
    public ReadOnlyStringProperty figuresProperty() {
        return figures.getReadOnlyProperty();
    }

    /** @return the backbone's and the cascade's latency, mean / p50 / p95, or empty */
    public ReadOnlyStringProperty latencyProperty() {
        return latency.getReadOnlyProperty();
    }

    /** @return images, threads, machine and date of the shown measurement, or empty */
    public ReadOnlyStringProperty contextProperty() {
        return context.getReadOnlyProperty();
    }

    /** @return whether the shown measurement was taken at the current thresholds, in a sentence; or empty */
    public ReadOnlyStringProperty thresholdNoteProperty() {
        return thresholdNote.getReadOnlyProperty();
    }

    /** @return whether {@link #measure()} can start: a trained run's cascade is shown and nothing is measuring */
    public ReadOnlyBooleanProperty canMeasureProperty() {
        return canMeasure.getReadOnlyProperty();
    }

    /**
     * @return whether {@link #measure()} also exports the cascade as ONNX and times it on ONNX Runtime, beside DL4J,
     *         on the same images
     */
    public BooleanProperty alsoOnnxProperty() {
        return alsoOnnx;
    }

    /**
     * @return the latest ONNX Runtime measurement of the shown run and mode saved in its
     *         {@value OnnxMeasuredSpeedup#FILE_NAME}, e.g. "ONNX Runtime 1.23.2, cascade.onnx: measured 1.52× ·
     *         measured / theoretical 0.95 · …", noting when it was taken at other thresholds; or empty
     */
    public ReadOnlyStringProperty onnxFiguresProperty() {
        return onnxFigures.getReadOnlyProperty();
    }

    /** @return whether a measurement is running */
    public ReadOnlyBooleanProperty measuringProperty() {
        return measuring.getReadOnlyProperty();
    }

    /**
     * Re-reads the measurements of the target's run folder (after {@code exitbench speedup --save-to-run}, say).
     */
    public void reload() {
        Target t = target.get();
        MeasuredSpeedup latest = null;
        OnnxMeasuredSpeedup latestOnnx = null;
        Thresholds at = null;
        String problem = null;
        if (t != null) {
            try {
                latest = latest(MeasuredSpeedup.readAll(t.runFolder()), t.runId(), t.modeName()).orElse(null);
                if (latest != null) {
                    at = latest.thresholdsMeasured(t.runFolder().resolve(MeasuredSpeedup.FILE_NAME)).orElse(null);
                }
                latestOnnx = OnnxMeasuredSpeedup.latest(OnnxMeasuredSpeedup.readAll(t.runFolder()), t.runId(),
                        t.modeName()).orElse(null);
            } catch (StoreException | IllegalArgumentException e) {
                problem = "The saved measurements could not be read: " + ErrorText.of(e);
            }
        }
        shownOnnx = latestOnnx;
        shownThresholds = at;
        shown.set(latest);
        figures.set(latest == null ? "" : figures(latest));
        latency.set(latest == null ? "" : latency(latest));
        context.set(latest == null ? "" : context(latest));
        refreshLive(problem);
    }

    /**
     * Measures the shown run's cascade at the current thresholds on its test split, in the background with progress
     * and Cancel in the task strip, and saves the result to the run folder. Does nothing unless
     * {@link #canMeasureProperty()} holds.
     */
    public void measure() {
        if (!canMeasure.get()) {
            return;
        }
        Target t = target.get();
        OperatingPointResult result = point.resultProperty().get();
        // Thresholds on a derived rule's score (the Calibration pane's rule picker) are exported with their rule.
        SpeedupJob job = new SpeedupJob(t.runFolder(), t.mode(), result.thresholds(), openDataset.get(), images,
                warmUp, result.thresholds().rule() == org.exitbench.cascade.ExitRule.DERIVED
                        ? point.decisionRuleProperty().get() : null);
        measuring.set(true);
        refreshLive();
        boolean both = alsoOnnx.get();
        executor.submit("Measuring the speedup of " + RunCascadeSource.displayName(t.runId(), t.mode()),
                (progress, cancel) -> job.measure(both, progress, cancel),
                TaskCallbacks.of(engines -> {
                    measuring.set(false);
                    reload();
                    // A run on an imported ONNX backbone is timed on ONNX Runtime alone.
                    boolean dl4j = engines.dl4j() != null;
                    notices.post(Notice.info("Speedup measured", String.format(Locale.ROOT, "Run %s · %s%s: measured "
                            + "%.2f× against %.2f× in theory, on %d test images.", t.runId(), t.modeName(),
                            dl4j ? "" : " (ONNX Runtime)", dl4j ? engines.dl4j().measured() : engines.onnx().measured(),
                            dl4j ? engines.dl4j().theoretical() : engines.onnx().theoretical(),
                            dl4j ? engines.dl4j().samples() : engines.onnx().samples())));
                }, error -> {
                    measuring.set(false);
                    refreshLive();
                    notices.post(Notice.error("Could not measure the speedup", ErrorText.of(error)));
                }, () -> {
                    measuring.set(false);
                    refreshLive();
                    notices.post(Notice.info("Speedup measurement cancelled", "Nothing was saved."));
                }));
    }

    /**
     * @return the measurement to show for a run and mode: the most recent of that run and mode (of any thread count)
     */
    static Optional<MeasuredSpeedup> latest(List<MeasuredSpeedup> all, String runId, String mode) {
        return all.stream().filter(m -> m.runId().equals(runId) && m.mode().equals(mode))
                .max(Comparator.comparing(MeasuredSpeedup::measuredAt));
    }

    static String figures(MeasuredSpeedup m) {
        return String.format(Locale.ROOT, "theoretical %.2f× · simulated %.2f× · measured %.2f× · measured / "
                + "theoretical %.2f", m.theoretical(), m.simulated(), m.measured(), m.measuredOverTheoretical());
    }

    /** The saved ONNX Runtime line, with a note when it was measured at other thresholds than {@code current}. */
    static String onnxFigures(OnnxMeasuredSpeedup m, Thresholds current, Path runFolder) {
        Thresholds at;
        try {
            at = m.thresholdsMeasured(runFolder.resolve(OnnxMeasuredSpeedup.FILE_NAME)).orElse(null);
        } catch (IllegalArgumentException e) {
            at = null;
        }
        return m.describe() + (current.equals(at) ? "" : " · measured at other thresholds than the current ones");
    }

    static String latency(MeasuredSpeedup m) {
        return "latency mean / p50 / p95: backbone " + milliseconds(m.backbone()) + " · cascade "
                + milliseconds(m.cascade());
    }

    static String context(MeasuredSpeedup m) {
        return String.format(Locale.ROOT, "%d test images · %d thread%s · %s · %s", m.samples(), m.threads(),
                m.threads() == 1 ? "" : "s", m.machine(), date(m.measuredAt()));
    }

    private static String milliseconds(LatencyStats s) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", s.meanMs(), s.p50Ms(), s.p95Ms());
    }

    private static String date(String isoInstant) {
        try {
            return DATE.format(Instant.parse(isoInstant));
        } catch (DateTimeParseException e) {
            return isoInstant;
        }
    }

    /**
     * The sentence on the thresholds a measurement was taken at, against the current ones.
     *
     * @param measuredAt the thresholds measured, or {@code null} when not recorded
     * @param current    the current thresholds
     */
    static String thresholdNote(Thresholds measuredAt, Thresholds current) {
        if (measuredAt == null) {
            return "Measured outside the workbench (exitbench speedup): its thresholds were not recorded, so they may"
                    + " differ from the current ones.";
        }
        if (measuredAt.equals(current)) {
            return "Measured at the current thresholds (its theoretical figure is over the timed images).";
        }
        return "Measured at other thresholds than the current ones: measure again to time these.";
    }

    private void refreshLive() {
        refreshLive(null);
    }

    private void refreshLive(String problem) {
        OperatingPointResult result = point.resultProperty().get();
        CascadeSource source = result == null ? null : result.source();
        Target t = target.get();
        boolean synthetic = source != null && source.synthetic();
        boolean runShown = source != null && !synthetic && t != null
                && source.name().equals(RunCascadeSource.displayName(t.runId(), t.mode()));
        if (result == null) {
            theoretical.set("");
        } else {
            CascadeResult test = result.test();
            theoretical.set(String.format(Locale.ROOT, "Theoretical at the current thresholds: %.2f× (backbone %s"
                    + " / %s MACs per test image)", test.fullBackboneMacs() / test.meanMacs(),
                    macs(test.fullBackboneMacs()), macs(test.meanMacs())));
        }
        canMeasure.set(runShown && !measuring.get());
        MeasuredSpeedup latest = shown.get();
        thresholdNote.set(latest == null || result == null || !runShown ? ""
                : thresholdNote(shownThresholds, result.thresholds()));
        onnxFigures.set(shownOnnx == null || !runShown ? "" : onnxFigures(shownOnnx, result.thresholds(),
                t.runFolder()));
        if (problem != null) {
            status.set(problem);
        } else if (synthetic) {
            status.set("Synthetic demo scores: there is no trained cascade to measure.");
        } else if (measuring.get()) {
            status.set("Measuring … (progress and Cancel in the task strip)");
        } else if (!runShown) {
            status.set(result == null ? "" : "Open a run to measure its speedup.");
        } else if (latest == null && shownOnnx == null) {
            status.set("Not measured yet: times this cascade against its backbone, one image at a time, on "
                    + images + " test images.");
        } else {
            status.set("");
        }
    }

    private static String macs(double value) {
        return value >= 1e6 ? String.format(Locale.ROOT, "%.1f M", value / 1e6)
                : String.format(Locale.ROOT, "%.0f k", value / 1e3);
    }
}
