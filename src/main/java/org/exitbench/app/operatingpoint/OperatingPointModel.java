package org.exitbench.app.operatingpoint;

import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.exitbench.calibrate.ClassPrecisionReport;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.decision.DecisionFile;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;

/**
 * The shared, observable operating point: the cascade's inputs, the current thresholds, the CPM settings the
 * calibration table reports against, and the {@link OperatingPointResult} of evaluating those thresholds once
 * on the validation and once on the test split. Panes change thresholds only through this object and draw only
 * from its result, so one evaluation feeds every chart, table and gallery.
 *
 * <p>Requests are coalesced: {@link #requestThresholds} only records the latest thresholds and asks the
 * {@link UpdateScheduler} for one update; any number of requests before it runs cost one evaluation (in the
 * app, at most one per frame). One evaluation of both splits, the survivor statistics and the table takes
 * about 2.5 ms at 90,000 samples per split (bench/run-operating-point-bench.sh), so it runs on the UI thread:
 * a worker thread would add a frame of latency and a copy of the results for nothing.
 *
 * <p>Use from the UI thread only; the evaluators it owns are not thread-safe.
 */
public final class OperatingPointModel {

    private final UpdateScheduler scheduler;
    private final ReadOnlyObjectWrapper<CascadeSource> source = new ReadOnlyObjectWrapper<>(this, "source");
    private final ObjectProperty<CpmSettings> settings = new SimpleObjectProperty<>(this, "settings",
            CpmSettings.defaults());
    private final ReadOnlyObjectWrapper<OperatingPointResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final StringProperty preparing = new SimpleStringProperty(this, "preparing", "");
    private final ObjectProperty<ExitDecisionRule> decisionRule = new SimpleObjectProperty<>(this, "decisionRule");
    private final ObjectProperty<DecisionFile> savedDecision = new SimpleObjectProperty<>(this, "savedDecision");
    private CascadeEvaluator validationEvaluator;
    private CascadeEvaluator testEvaluator;
    private Thresholds requested;
    private boolean updatePending;
    private long revision;

    /** @param scheduler when coalesced updates run: {@link PulseScheduler} in the app */
    public OperatingPointModel(UpdateScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        settings.addListener((obs, old, now) -> {
            if (now == null) {
                settings.set(old);
            } else if (requested != null) {
                scheduleUpdate();
            }
        });
    }

    /**
     * Replaces the cascade's inputs and evaluates at once: with the source's own thresholds, or else CPM
     * calibrated on its validation scores with the current settings.
     *
     * @param newSource the inputs, or {@code null} to clear the operating point
     */
    public void setSource(CascadeSource newSource) {
        updatePending = false;
        if (newSource == null) {
            validationEvaluator = null;
            testEvaluator = null;
            requested = null;
            result.set(null);
            source.set(null);
            return;
        }
        validationEvaluator = new CascadeEvaluator(newSource.primary().validation(), newSource.costModel());
        testEvaluator = new CascadeEvaluator(newSource.primary().test(), newSource.costModel());
        requested = newSource.initialThresholds().orElseGet(() ->
                new CpmCalibrator(settings.get()).calibrate(newSource.primary().validation()));
        source.set(newSource);
        evaluate();
    }

    /** @return the cascade's inputs, or {@code null} before there are any */
    public ReadOnlyObjectProperty<CascadeSource> sourceProperty() {
        return source.getReadOnlyProperty();
    }

    /**
     * @return the CPM settings (margin, its form, anchor source, minimum support) that the calibration table's
     *         bars follow and "reset to CPM" applies; a change re-evaluates the table; never {@code null}
     */
    public ObjectProperty<CpmSettings> settingsProperty() {
        return settings;
    }

    /**
     * @return what is being done to give the operating point its inputs ("Extracting features: 35 %"), which the
     *         panes show instead of "no cascade yet"; empty when nothing is under way
     */
    public StringProperty preparingProperty() {
        return preparing;
    }

    /**
     * @return the derived exit decision rule (issue 20) whose score the source's thresholds compare, set by the
     *         Calibration pane's rule picker with the source it fitted; {@code null} when they compare max-softmax or
     *         entropy. Saving tuned thresholds saves it with them, and measuring a speedup exports it.
     */
    public ObjectProperty<ExitDecisionRule> decisionRuleProperty() {
        return decisionRule;
    }

    /**
     * @return a rule and thresholds saved with the shown run, to be put back by the rule picker once the run's
     *         source is shown (it then clears this); {@code null} when there is none to put back
     */
    public ObjectProperty<DecisionFile> savedDecisionProperty() {
        return savedDecision;
    }

    /** @return the latest evaluation, or {@code null} while there is no source */
    public ReadOnlyObjectProperty<OperatingPointResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /**
     * @return the thresholds most recently requested, which the next evaluation will use (edits build on these,
     *         not on the last result, so two edits within one frame both count); {@code null} without a source
     */
    public Thresholds thresholds() {
        return requested;
    }

    /**
     * Asks for {@code thresholds} to become the operating point. The evaluation runs when the scheduler says
     * (in the app, in the next frame); later requests before then replace this one.
     *
     * @throws IllegalStateException    without a source
     * @throws IllegalArgumentException when the thresholds' shape does not fit the source's scores
     */
    public void requestThresholds(Thresholds thresholds) {
        Objects.requireNonNull(thresholds, "thresholds");
        CascadeSource current = source.get();
        if (current == null) {
            throw new IllegalStateException("there are no scores to apply thresholds to yet");
        }
        if (thresholds.exitCount() != current.exitCount() || thresholds.classCount() != current.classCount()) {
            throw new IllegalArgumentException("the thresholds are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, but the scores of " + current.name() + " have "
                    + current.exitCount() + " exits × " + current.classCount() + " classes");
        }
        requested = thresholds;
        scheduleUpdate();
    }

    /** Runs a pending update now instead of in the next frame; does nothing when none is pending. */
    public void flush() {
        if (updatePending) {
            updatePending = false;
            evaluate();
        }
    }

    private void scheduleUpdate() {
        if (!updatePending) {
            updatePending = true;
            scheduler.schedule(this::flush);
        }
    }

    private void evaluate() {
        Thresholds thresholds = requested;
        CpmSettings current = settings.get();
        CascadeResult validation = validationEvaluator.evaluate(thresholds);
        ClassPrecisionReport table = ClassPrecisionReport.of(validation, validationEvaluator.survivorStatistics(),
                thresholds, current);
        CascadeResult test = testEvaluator.evaluate(thresholds);
        int[] testExits = new int[test.sampleCount()];
        testEvaluator.copyExits(testExits);
        result.set(new OperatingPointResult(source.get(), thresholds, current, validation, table, test, testExits,
                ++revision));
    }
}
