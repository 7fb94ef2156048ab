package org.exitbench.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.exitbench.cascade.OperatingPoint;

/**
 * The one rule for "the best compute saving within an accuracy budget", used wherever an operating point is chosen
 * for a budget: the Calibration pane's <em>Find margin</em> (and so the demo), a sweep's results at each budget, its
 * summary and its report.
 *
 * <p>Of the candidate points, in the order tried (margins increasing), the chosen one
 * <ol>
 *   <li>loses at most the budget, in accuracy points against the backbone on the split it was chosen on
 *       (validation), with a tolerance of {@value #TOLERANCE_POINTS} points, because a loss of exactly the budget
 *       computed as a difference of two ratios may come out a rounding error above it;</li>
 *   <li>saves compute (reduction &gt; 0): a cascade that saves nothing, or costs more than the backbone because its
 *       branches run for nothing, is never better than switching the exits off, which loses nothing;</li>
 *   <li>saves the most; among equal savings the more accurate, then the one tried first (the smaller margin).</li>
 * </ol>
 * When no candidate qualifies the answer is <em>none</em>, and the caller falls back to the backbone alone (no
 * reduction, no loss), which always fits the budget.
 */
public final class AccuracyBudget {

    /** Tolerance on the loss, in accuracy points. */
    public static final double TOLERANCE_POINTS = 1e-9;

    private AccuracyBudget() {
    }

    /**
     * One candidate operating point, in the terms the rule reads.
     *
     * @param lossPoints accuracy lost against the backbone, in percentage points (negative when it gains)
     * @param reduction  the compute reduction, 1 − mean MACs / backbone MACs
     * @param accuracy   the accuracy, for breaking ties
     */
    public record Candidate(double lossPoints, double reduction, double accuracy) {
    }

    /**
     * @param candidates   the points in the order tried
     * @param budgetPoints the most accuracy loss allowed, in points
     * @return the index of the chosen candidate, or empty when none saves compute within the budget (then the
     *         backbone alone is the answer)
     * @throws IllegalArgumentException when the budget is negative, infinite or not a number
     */
    public static Optional<Integer> choose(List<Candidate> candidates, double budgetPoints) {
        checkBudget(budgetPoints);
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (!(c.lossPoints() <= budgetPoints + TOLERANCE_POINTS) || !(c.reduction() > 0)) {
                continue;
            }
            Candidate b = best < 0 ? null : candidates.get(best);
            if (b == null || c.reduction() > b.reduction()
                    || (c.reduction() == b.reduction() && c.accuracy() > b.accuracy())) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    /**
     * @param budgetPoints an accuracy budget, in points
     * @throws IllegalArgumentException when it is negative, infinite or not a number
     */
    public static void checkBudget(double budgetPoints) {
        if (!(budgetPoints >= 0) || Double.isInfinite(budgetPoints)) {
            throw new IllegalArgumentException("the accuracy budget must be 0 or more points, was " + budgetPoints);
        }
    }

    /**
     * The rule over an accuracy-versus-compute curve, its loss read from {@link OperatingPoint#accuracyChange()}.
     *
     * @param points       the curve in the order tried
     * @param budgetPoints the most accuracy loss allowed, in points
     * @return the chosen point, or empty when none saves compute within the budget
     * @throws IllegalArgumentException when the budget is negative, infinite or not a number
     */
    public static Optional<OperatingPoint> largestSavingWithin(List<OperatingPoint> points, double budgetPoints) {
        List<Candidate> candidates = new ArrayList<>(points.size());
        for (OperatingPoint p : points) {
            candidates.add(new Candidate(-100 * p.accuracyChange(), p.computeReduction(), p.accuracy()));
        }
        return choose(candidates, budgetPoints).map(points::get);
    }
}
