package org.exitbench.app.workspace;

import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.io.Questions;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionFile;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;

/**
 * The shown run's saved thresholds and whether the operating point has moved away from them (the dirty flag):
 * hand-tuned thresholds are the one thing the user saves explicitly, so everything that would drop them asks
 * first.
 */
final class SavedThresholds {

    private final OperatingPointModel point;
    private final Questions questions;
    private final Notices notices;
    private final BooleanSupplier runShown;
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private Thresholds saved;
    private CpmSettings savedSettings;

    /**
     * @param point     the operating point whose thresholds are compared with the saved ones
     * @param questions asks what to do with unsaved thresholds
     * @param notices   where a failed save is told
     * @param runShown  whether a run is shown: without one nothing can be unsaved
     */
    SavedThresholds(OperatingPointModel point, Questions questions, Notices notices, BooleanSupplier runShown) {
        this.point = Objects.requireNonNull(point, "point");
        this.questions = Objects.requireNonNull(questions, "questions");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.runShown = Objects.requireNonNull(runShown, "runShown");
        point.resultProperty().addListener((obs, old, now) -> update());
    }

    /** @return whether the shown run's thresholds were changed since they were last saved */
    ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    /** Records what is saved for the run now shown (its tuned thresholds, or its own). */
    void remember(Thresholds thresholds, CpmSettings settings) {
        saved = thresholds;
        savedSettings = settings;
    }

    /** Forgets the saved thresholds: no run is shown. */
    void forget() {
        remember(null, null);
    }

    /**
     * Writes the operating point's thresholds as the run's tuned ones when they differ from the saved ones.
     *
     * @return whether nothing needed writing or it was written; a failure is told as a notice
     */
    boolean saveTuned(Workspace workspace, String runId, BranchTrainingMode mode) {
        Thresholds thresholds = point.thresholds();
        CpmSettings settings = point.settingsProperty().get();
        if (!dirty.get() || runId == null || thresholds == null) {
            return true;
        }
        ExitDecisionRule rule = point.decisionRuleProperty().get();
        if (thresholds.rule() == ExitRule.DERIVED && rule == null) {
            notices.post(Notice.error("Could not save the thresholds", "they compare a decision rule's score, but "
                    + "the rule is no longer known; pick the rule again in the Calibration pane"));
            return false;
        }
        try {
            workspace.saveTunedThresholds(runId, mode, thresholds, settings);
            // A derived rule's thresholds mean nothing without the rule: it is saved beside them (issue 20).
            workspace.saveTunedDecision(runId, mode, thresholds.rule() == ExitRule.DERIVED
                    ? new DecisionFile(rule, thresholds, "saved in the Calibration pane") : null);
        } catch (UncheckedIOException | StoreException e) {
            notices.post(Notice.error("Could not save the thresholds", ErrorText.of(e)));
            return false;
        }
        remember(thresholds, settings);
        update();
        return true;
    }

    /**
     * @param run  the shown run in words ("run 2026-…")
     * @param next what the user is about to do ("close Exitbench")
     * @param save saves everything, when the user asks to
     * @return whether the user is fine with going on: nothing unsaved, saved now, or dropped on purpose
     */
    boolean resolve(String run, String next, BooleanSupplier save) {
        if (!dirty.get()) {
            return true;
        }
        return switch (questions.unsavedChanges("The thresholds of " + run + " were changed by hand and not saved.",
                next)) {
            case SAVE -> save.getAsBoolean();
            case DISCARD -> true;
            case CANCEL -> false;
        };
    }

    /** Compares the operating point's latest result with the saved thresholds. */
    void update() {
        OperatingPointResult result = point.resultProperty().get();
        dirty.set(saved != null && runShown.getAsBoolean() && result != null && !result.source().synthetic()
                && !(result.thresholds().equals(saved) && result.settings().equals(savedSettings)));
    }
}
