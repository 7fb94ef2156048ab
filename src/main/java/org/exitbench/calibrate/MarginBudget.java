package org.exitbench.calibrate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.ThresholdSweep;
import org.exitbench.cascade.Thresholds;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * The accuracy budget: the CPM margin that saves the most compute while the cascade loses at most a given number of
 * accuracy points on the validation split, as the Calibration pane's <em>Find margin</em> and the demo choose it. It
 * sweeps m over CPM's whole range [{@value #MIN_MARGIN}, {@value #MAX_MARGIN}] in steps of {@value #STEP} with every
 * other CPM setting kept, and picks by {@link AccuracyBudget}'s rule, the one a sweep's summary uses too (the curve is
 * not monotone in m, so every margin is tried). Negative margins are searched because the low-loss points, where a
 * budget of a point or two usually lies, often need a bar above the backbone's own precision (issue 17: an
 * independent reconstruction needed m &lt; 0 on the sample). It also measures the paper's canonical point,
 * m = 0.20 additive, on the same scores, so the pane can say what that would cost.
 *
 * @param budgetPoints the most accuracy loss allowed, in percentage points on the validation split
 * @param chosen       the margin chosen, with its thresholds and validation figures; empty when no margin saves
 *                     compute within the budget (the backbone alone is then the best choice)
 * @param tightest     the point at the lowest margin tried, {@value #MIN_MARGIN} (the fewest exits the sweep tries)
 * @param paper        the paper's m = 0.20 additive on the same scores
 */
public record MarginBudget(double budgetPoints, Optional<OperatingPoint> chosen, OperatingPoint tightest,
        OperatingPoint paper) {

    /** The lowest margin tried: CPM's lowest, a bar above the anchor. */
    public static final double MIN_MARGIN = CpmSettings.MIN_MARGIN;
    /** The largest margin tried: CPM's largest. */
    public static final double MAX_MARGIN = CpmSettings.MAX_MARGIN;
    /** The step between margins tried. */
    public static final double STEP = 0.005;
    /** CalexNet's canonical margin (README), additive in our reading. */
    public static final double PAPER_MARGIN = CpmSettings.DEFAULT_MARGIN;

    public MarginBudget {
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(tightest, "tightest");
        Objects.requireNonNull(paper, "paper");
    }

    /**
     * @param settings     the CPM settings; the margin is swept
     * @param validation   the validation scores
     * @param costs        the cascade's costs
     * @param budgetPoints the most accuracy loss allowed, in points (≥ 0)
     * @throws IllegalArgumentException when the budget is negative or not a number
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static MarginBudget search(CpmSettings settings, ExitScores validation, CostModel costs,
            double budgetPoints, ProgressListener progress, CancellationToken cancel) {
        AccuracyBudget.checkBudget(budgetPoints);
        CascadeEvaluator evaluator = new CascadeEvaluator(validation, costs);
        List<OperatingPoint> points = MarginSweep.overMargin(settings, margins(), validation, evaluator, progress,
                cancel);
        CpmSettings paperSettings = settings.toBuilder().margin(PAPER_MARGIN)
                .marginForm(MarginForm.ADDITIVE).build();
        Thresholds paperThresholds = new CpmCalibrator(paperSettings).calibrate(validation);
        OperatingPoint paper = OperatingPoint.of(PAPER_MARGIN, evaluator.evaluate(paperThresholds), paperThresholds);
        return new MarginBudget(budgetPoints, AccuracyBudget.largestSavingWithin(points, budgetPoints),
                points.get(0), paper);
    }

    /** @return the margins {@link #search} tries, lowest first, {@value #STEP} apart */
    public static double[] margins() {
        double[] margins = ThresholdSweep.evenlySpaced(MIN_MARGIN, MAX_MARGIN,
                (int) Math.round((MAX_MARGIN - MIN_MARGIN) / STEP) + 1);
        // Rounded to a thousandth (the step is a multiple), so the pane shows m = -0.02, not -0.019999999999999796.
        for (int i = 0; i < margins.length; i++) {
            margins[i] = Math.round(margins[i] * 1000) / 1000.0;
        }
        return margins;
    }
}
