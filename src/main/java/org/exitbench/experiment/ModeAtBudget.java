package org.exitbench.experiment;

import java.util.Objects;
import java.util.Optional;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginBudget;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * A trained mode's cascade at an accuracy budget: the CPM margin that saves the most compute while losing at most
 * the budget on the validation split ({@link MarginBudget}, as the app's <em>Find margin</em> picks it), read on
 * the test split. The training margin is where branches were trained; this is where a user would operate them, and
 * the two can lie far apart (the paper's m = 0.20 loses about 11 points on the bundled sample).
 *
 * @param budgetPoints the most accuracy loss allowed on validation, in percentage points
 * @param margin       the margin chosen, or NaN when no margin saves compute within the budget
 * @param test         the cascade at that margin on the test split; empty when none was chosen
 */
public record ModeAtBudget(double budgetPoints, double margin, Optional<CascadeResult> test) {

    /** The accuracy budget the app's demo and {@code exitbench run} use unless told otherwise, in points. */
    public static final double DEFAULT_BUDGET_POINTS = 2.0;

    public ModeAtBudget {
        Objects.requireNonNull(test, "test");
    }

    /**
     * @param mode         a mode of a run with a cascade
     * @param settings     the CPM settings the margin is searched with (the run's, the margin swept)
     * @param budgetPoints the budget, ≥ 0 points
     * @param cancel       stops the search
     * @throws IllegalArgumentException when the mode has no cascade or the budget is negative
     */
    public static ModeAtBudget of(ExperimentRun.ModeResult mode, CpmSettings settings, double budgetPoints,
            CancellationToken cancel) {
        if (!mode.hasCascade()) {
            throw new IllegalArgumentException("the " + ExperimentConfig.modeName(mode.mode())
                    + " mode trained no branch, so it has no cascade to operate at a budget");
        }
        MarginBudget found = MarginBudget.search(settings, mode.validScores(), mode.costModel(), budgetPoints,
                ProgressListener.NONE, cancel);
        Optional<OperatingPoint> chosen = found.chosen();
        if (chosen.isEmpty()) {
            return new ModeAtBudget(budgetPoints, Double.NaN, Optional.empty());
        }
        CascadeResult test = new CascadeEvaluator(mode.testScores(), mode.costModel())
                .evaluate(chosen.get().thresholds());
        return new ModeAtBudget(budgetPoints, chosen.get().parameter(), Optional.of(test));
    }
}
