package org.exitbench.app.calibration;

import java.util.List;
import java.util.Objects;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DecisionRuleFit;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.experiment.ExitRuleStudy.Kind;
import org.exitbench.experiment.ExitRuleStudy.RuleChoice;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * The Calibration pane's exit decision rule (issue 20): which score the thresholds apply to. Picking a rule fits it
 * on the validation split in the background ({@link DecisionRuleFit}) and then replaces the shared operating
 * point's source and CPM score, so sliders, totals and curves follow the new score as they follow max-softmax.
 * The source as opened is kept, so every rule is fitted from it and max-softmax brings it back.
 */
public final class DecisionRuleModel {

    /** The seed of the learned heads: the same pick gives the same heads. */
    static final long HEAD_SEED = 20;

    private final OperatingPointModel point;
    private final TaskExecutor executor;
    private final ReadOnlyObjectWrapper<RuleChoice> rule = new ReadOnlyObjectWrapper<>(this, "rule",
            new RuleChoice(Kind.MAX_SOFTMAX, false));
    private final ReadOnlyBooleanWrapper fitting = new ReadOnlyBooleanWrapper(this, "fitting");
    private final ReadOnlyBooleanWrapper fittable = new ReadOnlyBooleanWrapper(this, "fittable");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<RunningTask> task = new ReadOnlyObjectWrapper<>(this, "task");
    private CascadeSource base;
    private CascadeSource applied;
    private ExitDecisionRule appliedRule;

    /**
     * @param point    the shared operating point
     * @param executor runs the fits in the background, or {@code null} to fit at once (tests)
     */
    public DecisionRuleModel(OperatingPointModel point, TaskExecutor executor) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = executor;
        point.sourceProperty().addListener((obs, old, now) -> sourceChanged(now));
        sourceChanged(point.sourceProperty().get());
        point.savedDecisionProperty().addListener((obs, old, now) -> restore(now));
    }

    /**
     * Puts back the rule saved with the shown run's thresholds ({@link DecisionRuleFit#restore}), in the background
     * like a pick; the saved thresholds are the new source's start. The request is cleared once taken.
     */
    private void restore(org.exitbench.cascade.decision.DecisionFile saved) {
        if (saved == null || base == null) {
            return;
        }
        point.savedDecisionProperty().set(null);
        cancel();
        CascadeSource from = base;
        RuleChoice choice;
        try {
            choice = DecisionRuleFit.choiceOf(saved.rule());
        } catch (IllegalArgumentException e) {
            status.set("Could not put back the saved rule: " + e.getMessage());
            return;
        }
        var settings = point.settingsProperty().get();
        TaskCallbacks<DecisionRuleFit.Fitted> callbacks = TaskCallbacks.of(
                fitted -> {
                    apply(from, choice, fitted);
                    if (base == from) {
                        status.set(choice.label() + " and its thresholds as saved with the run");
                    }
                },
                error -> finish("Could not put back the saved rule " + choice.label() + ": " + error.getMessage()),
                () -> finish("Putting back " + choice.label() + " cancelled; still " + rule.get().label()));
        fitting.set(true);
        status.set("Putting back " + choice.label() + " saved with the run…");
        if (executor == null) {
            try {
                callbacks.succeeded(DecisionRuleFit.restore(from, saved.rule(), settings, saved.thresholds(),
                        HEAD_SEED, ProgressListener.NONE, CancellationToken.NEVER));
            } catch (RuntimeException e) {
                callbacks.failed(e);
            }
            return;
        }
        task.set(executor.submit("Putting back exit rule " + choice.label(),
                (progress, cancel) -> DecisionRuleFit.restore(from, saved.rule(), settings, saved.thresholds(),
                        HEAD_SEED, progress, cancel), callbacks));
    }

    /** @return every rule the picker offers: each base rule alone, then with agreement */
    public static List<RuleChoice> choices() {
        return RuleChoice.all();
    }

    /** @return the rule the current thresholds apply to */
    public ReadOnlyObjectProperty<RuleChoice> ruleProperty() {
        return rule.getReadOnlyProperty();
    }

    /** @return whether a fit is running */
    public ReadOnlyBooleanProperty fittingProperty() {
        return fitting.getReadOnlyProperty();
    }

    /** @return whether the source carries the softmax outputs rules beyond max-softmax and entropy need */
    public ReadOnlyBooleanProperty fittableProperty() {
        return fittable.getReadOnlyProperty();
    }

    /** @return what the last fit did or why it failed */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** @return the running fit, for its progress, or {@code null} */
    public ReadOnlyObjectProperty<RunningTask> taskProperty() {
        return task.getReadOnlyProperty();
    }

    /**
     * @return the rule the current source's scores were fitted with, to score images from outside the dataset the
     *         same way; {@code null} for the source as opened
     */
    public ExitDecisionRule appliedRule() {
        return appliedRule;
    }

    /** Fits {@code choice} and applies it; a fit still running is cancelled first. */
    public void choose(RuleChoice choice) {
        Objects.requireNonNull(choice, "choice");
        if (base == null || (choice.equals(rule.get()) && !fitting.get())) {
            return;
        }
        cancel();
        CascadeSource from = base;
        var settings = point.settingsProperty().get();
        TaskCallbacks<DecisionRuleFit.Fitted> callbacks = TaskCallbacks.of(
                fitted -> apply(from, choice, fitted),
                error -> finish("Could not fit " + choice.label() + ": " + error.getMessage()),
                () -> finish("Fitting " + choice.label() + " cancelled; still " + rule.get().label()));
        fitting.set(true);
        status.set("Fitting " + choice.label() + "…");
        if (executor == null) {
            try {
                callbacks.succeeded(DecisionRuleFit.fit(from, choice, settings, HEAD_SEED, ProgressListener.NONE,
                        CancellationToken.NEVER));
            } catch (RuntimeException e) {
                callbacks.failed(e);
            }
            return;
        }
        task.set(executor.submit("Fitting exit rule " + choice.label(),
                (progress, cancel) -> DecisionRuleFit.fit(from, choice, settings, HEAD_SEED, progress, cancel),
                callbacks));
    }

    /** Cancels a running fit; the current rule stays. */
    public void cancel() {
        RunningTask running = task.get();
        if (running != null) {
            running.cancel();
        }
    }

    private void apply(CascadeSource from, RuleChoice choice, DecisionRuleFit.Fitted fitted) {
        task.set(null);
        fitting.set(false);
        if (from != base) {
            // Another source was opened while fitting.
            return;
        }
        applied = fitted.source();
        appliedRule = fitted.rule();
        // Both sources carry the max-softmax and entropy slots, so the one with the derived slot is set while the
        // settings may point at it: the source first for a derived score, the settings first otherwise.
        if (fitted.cpm().score() == ExitRule.DERIVED) {
            point.setSource(applied);
            point.settingsProperty().set(fitted.cpm());
        } else {
            point.settingsProperty().set(fitted.cpm());
            point.setSource(applied);
        }
        rule.set(choice);
        point.decisionRuleProperty().set(fitted.rule().slot() == ExitRule.DERIVED ? fitted.rule() : null);
        long macs = 0;
        for (int k = 0; k < from.exitCount(); k++) {
            macs += fitted.rule().macs(k);
        }
        status.set(choice.label() + " fitted on the validation split" + (macs > 0 ? " (" + macs
                + " MACs over all exits, charged to the branches)" : "") + "; thresholds re-calibrated by CPM");
    }

    private void finish(String message) {
        task.set(null);
        fitting.set(false);
        status.set(message);
    }

    private void sourceChanged(CascadeSource now) {
        if (now != null && now == applied) {
            return;
        }
        cancel();
        base = now;
        applied = now;
        appliedRule = null;
        fittable.set(DecisionRuleFit.canFit(now));
        rule.set(new RuleChoice(Kind.MAX_SOFTMAX, false));
        point.decisionRuleProperty().set(null);
        status.set("");
        var settings = point.settingsProperty().get();
        if (now != null && settings.score() == ExitRule.DERIVED) {
            point.settingsProperty().set(settings.toBuilder().score(ExitRule.MAX_SOFTMAX).build());
        }
    }
}
