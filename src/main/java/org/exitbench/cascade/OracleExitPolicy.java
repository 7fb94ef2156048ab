package org.exitbench.cascade;

import java.util.Arrays;
import java.util.Objects;

/**
 * The ceiling of a trained cascade: an exit policy that knows the answer. Every sample leaves at the first exit
 * whose prediction is right ({@link Criterion#GROUND_TRUTH}), or the first whose prediction equals the backbone's
 * ({@link Criterion#BACKBONE}), and otherwise runs the whole backbone. No threshold rule can exit more samples
 * without changing an answer, so comparing CPM and a global threshold with it tells whether a gap lies in the
 * branches (the ceiling itself is low: capacity, boosting) or in the thresholds (calibration leaves savings on the
 * table). Under {@link Criterion#BACKBONE} the cascade's accuracy is exactly the backbone's; under
 * {@link Criterion#GROUND_TRUTH} it can be higher, since an exit may be right where the backbone is wrong.
 *
 * <p>Costs follow {@link CostModel}: a sample leaving at exit k pays the backbone up to k and branches 0..k.
 */
public final class OracleExitPolicy {

    /** Which answers the oracle accepts. */
    public enum Criterion {
        /** The first exit that predicts the true class. */
        GROUND_TRUTH,
        /** The first exit that agrees with the backbone's prediction. */
        BACKBONE
    }

    /**
     * The oracle's cascade on one split.
     *
     * @param criterion        the answers accepted
     * @param samples          the samples evaluated
     * @param accuracy         the share answered correctly
     * @param computeReduction 1 − mean cost / full backbone MACs
     * @param exitRates        per exit, then the backbone head, the share of samples leaving there
     */
    public record Result(Criterion criterion, int samples, double accuracy, double computeReduction,
                         double[] exitRates) {

        public Result {
            Objects.requireNonNull(criterion, "criterion");
            exitRates = exitRates.clone();
        }

        @Override
        public double[] exitRates() {
            return exitRates.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && r.criterion == criterion && r.samples == samples
                    && Double.compare(r.accuracy, accuracy) == 0
                    && Double.compare(r.computeReduction, computeReduction) == 0
                    && Arrays.equals(r.exitRates, exitRates);
        }

        @Override
        public int hashCode() {
            return Objects.hash(criterion, samples, accuracy, computeReduction) * 31 + Arrays.hashCode(exitRates);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "Oracle[%s, n=%d, accuracy %.4f, reduction %.4f]", criterion,
                    samples, accuracy, computeReduction);
        }
    }

    private OracleExitPolicy() {
    }

    /**
     * @param scores the cascade's scores on a split
     * @param costs  its costs; as many exits as the scores
     * @param subset per sample, whether to evaluate it; null for every sample
     * @throws IllegalArgumentException when the costs or the subset do not fit the scores, or the subset is empty
     */
    public static Result evaluate(ExitScores scores, CostModel costs, Criterion criterion, boolean[] subset) {
        Objects.requireNonNull(criterion, "criterion");
        int exits = scores.exitCount();
        if (costs.exitCount() != exits) {
            throw new IllegalArgumentException("the cost model has " + costs.exitCount() + " exits, the scores "
                    + exits);
        }
        int n = scores.sampleCount();
        if (subset != null && subset.length != n) {
            throw new IllegalArgumentException("subset has " + subset.length + " entries, the scores " + n
                    + " samples");
        }
        long[] cost = new long[exits + 1];
        for (int k = 0; k <= exits; k++) {
            cost[k] = costs.costOfExit(k);
        }
        int[] left = new int[exits + 1];
        int evaluated = 0;
        int correct = 0;
        double macs = 0;
        for (int i = 0; i < n; i++) {
            if (subset != null && !subset[i]) {
                continue;
            }
            int wanted = criterion == Criterion.GROUND_TRUTH ? scores.label(i) : scores.backbonePredicted(i);
            int at = exits;
            for (int k = 0; k < exits; k++) {
                if (scores.predicted(k, i) == wanted) {
                    at = k;
                    break;
                }
            }
            int answer = at == exits ? scores.backbonePredicted(i) : scores.predicted(at, i);
            correct += answer == scores.label(i) ? 1 : 0;
            macs += cost[at];
            left[at]++;
            evaluated++;
        }
        if (evaluated == 0) {
            throw new IllegalArgumentException("the subset holds no sample");
        }
        double[] rates = new double[exits + 1];
        for (int k = 0; k <= exits; k++) {
            rates[k] = (double) left[k] / evaluated;
        }
        return new Result(criterion, evaluated, (double) correct / evaluated,
                1.0 - macs / evaluated / costs.fullBackboneMacs(), rates);
    }
}
