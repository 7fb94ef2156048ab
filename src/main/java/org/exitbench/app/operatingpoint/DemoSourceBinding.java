package org.exitbench.app.operatingpoint;

import java.util.Objects;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableValue;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.data.Dataset;

/**
 * Until trained branches exist, gives the operating point {@linkplain SyntheticCascadeSource synthetic demo
 * scores} for the open dataset, so the Calibration and Analysis panes can be explored at once. A source from a
 * trained run is never replaced: the binding only acts while the operating point is empty or synthetic.
 *
 * <p>The scores are made in the background (generation, the score rankings galleries and calibration sort by,
 * and the starting CPM thresholds), then handed to the operating point on the UI thread.
 */
public final class DemoSourceBinding {

    /** The seed of the demo scores: the same dataset always gets the same demo. */
    public static final long SEED = 42;
    /**
     * The margin the demo starts at while the settings are still the defaults. The canonical m = 0.20 sends
     * nearly every synthetic image out at exit 1 (their first exit is about 69 % accurate, within 0.20 of the
     * backbone's 90 %), which shows nothing of a cascade; at 0.02 the first two exits share the work.
     */
    public static final double DEMO_MARGIN = 0.02;

    private static final System.Logger LOG = System.getLogger(DemoSourceBinding.class.getName());

    private final OperatingPointModel point;
    private final TaskExecutor executor;
    private final ObservableValue<Dataset> dataset;
    private final ObservableBooleanValue allowed;
    private long ticket;

    /**
     * @param dataset  the open dataset, followed from now on
     * @param point    the operating point to fill
     * @param executor makes the scores
     */
    public DemoSourceBinding(ObservableValue<Dataset> dataset, OperatingPointModel point, TaskExecutor executor) {
        this(dataset, new SimpleBooleanProperty(true), point, executor);
    }

    /**
     * @param dataset  the open dataset, followed from now on
     * @param allowed  whether demo scores may be shown: false while a real cascade exists or is being made (the
     *                 panes then say what is happening); a synthetic source is removed when it turns false
     * @param point    the operating point to fill
     * @param executor makes the scores
     */
    public DemoSourceBinding(ObservableValue<Dataset> dataset, ObservableBooleanValue allowed,
            OperatingPointModel point, TaskExecutor executor) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
        dataset.addListener((obs, old, now) -> follow());
        allowed.addListener((obs, old, now) -> follow());
        follow();
    }

    private void follow() {
        CascadeSource current = point.sourceProperty().get();
        if (current != null && !current.synthetic()) {
            return;
        }
        long mine = ++ticket;
        Dataset dataset = this.dataset.getValue();
        if (dataset == null || !allowed.get()) {
            point.setSource(null);
            return;
        }
        if (point.settingsProperty().get().equals(CpmSettings.defaults())) {
            point.settingsProperty().set(CpmSettings.builder().margin(DEMO_MARGIN).build());
        }
        CpmSettings settings = point.settingsProperty().get();
        executor.submit("Making " + SyntheticCascadeSource.NAME + " for " + dataset.name(), (progress, cancel) -> {
            progress.report("Generating scores", 0, 2);
            CascadeSource source = SyntheticCascadeSource.forDataset(dataset, SEED);
            cancel.throwIfCancelled();
            progress.report("Sorting scores and calibrating", 1, 2);
            ExitScores test = source.primary().test();
            for (int k = 0; k < test.exitCount(); k++) {
                test.ranking(ExitRule.MAX_SOFTMAX, k);
            }
            return source.withThresholds(new CpmCalibrator(settings).calibrate(source.primary().validation()));
        }, TaskCallbacks.of(source -> {
            CascadeSource now = point.sourceProperty().get();
            if (mine == ticket && allowed.get() && (now == null || now.synthetic())) {
                point.setSource(source);
            }
        }, failure -> {
            if (mine == ticket) {
                // The panes say that there is no cascade and what would give one; the reason goes to the log.
                LOG.log(System.Logger.Level.INFO, "No demo scores for " + dataset.name() + ": "
                        + failure.getMessage());
                CascadeSource now = point.sourceProperty().get();
                if (now == null || now.synthetic()) {
                    point.setSource(null);
                }
            }
        }, () -> { }));
    }
}
