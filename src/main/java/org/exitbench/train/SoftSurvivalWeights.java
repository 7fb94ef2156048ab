package org.exitbench.train;

import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;

/**
 * The sample weights of {@link BranchTrainingMode#SOFT}, our reconstruction of CalexNet's Eq. 13 (PAPER §3.1):
 * {@code w_k(x) = Π_{j<k} (1 − σ((s_j(x) − τ_{j,ĉ_j(x)}) / β))}, where {@code s_j} is exit j's score,
 * {@code ĉ_j} its predicted class and {@code τ} its calibrated threshold. A sample far above an earlier
 * threshold (surely taken) weighs almost 0, one far below weighs almost 1, and β sets how soft the boundary is.
 * A class that never exits (τ = +∞) leaves the weight unchanged; one that always exits (τ = −∞) zeroes it.
 */
public final class SoftSurvivalWeights {

    private SoftSurvivalWeights() {
    }

    /**
     * Multiplies each weight by the probability that exit {@code exit} does not take the sample.
     *
     * @param weights    one weight per sample of {@code scores}, updated in place
     * @param scores     scores holding the exit
     * @param exit       the exit's index in {@code scores}
     * @param rule       the score compared with the thresholds
     * @param thresholds τ per predicted class
     * @param softness   β, positive
     */
    public static void applyExit(double[] weights, ExitScores scores, int exit, ExitRule rule, double[] thresholds,
                                 double softness) {
        if (weights.length != scores.sampleCount()) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries, the scores "
                    + scores.sampleCount() + " samples");
        }
        for (int i = 0; i < weights.length; i++) {
            double tau = thresholds[scores.predicted(exit, i)];
            weights[i] *= stayProbability(scores.score(rule, exit, i), tau, softness);
        }
    }

    /**
     * @return 1 − σ((score − τ)/β) = σ((τ − score)/β), computed without overflow; 1 for τ = +∞, 0 for τ = −∞
     */
    public static double stayProbability(double score, double tau, double softness) {
        if (tau == Double.POSITIVE_INFINITY) {
            return 1.0;
        }
        if (tau == Double.NEGATIVE_INFINITY) {
            return 0.0;
        }
        double x = (tau - score) / softness;
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
