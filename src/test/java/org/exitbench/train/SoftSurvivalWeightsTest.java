package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.junit.jupiter.api.Test;

/** CalexNet-style soft weights (our reconstruction of Eq. 13) on a hand example. */
class SoftSurvivalWeightsTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void weightIsTheProductOfTheEarlierExitsStayProbabilities() {
        // Two exits, two classes, three samples. Exit 0 predicts class 0 with 0.9, class 1 with 0.6, class 0 with
        // 0.55; exit 1 predicts class 1 with 0.8, class 1 with 0.7, class 0 with 0.95.
        float[] exit0 = {0.9f, 0.1f, 0.4f, 0.6f, 0.55f, 0.45f};
        float[] exit1 = {0.2f, 0.8f, 0.3f, 0.7f, 0.95f, 0.05f};
        ExitScores scores = ExitScores.fromProbabilities(new float[][] {exit0, exit1}, new int[] {0, 1, 0},
                new int[] {0, 1, 0}, 2);
        double beta = 0.1;
        double[] tau0 = {0.8, Double.POSITIVE_INFINITY};
        double[] tau1 = {0.9, 0.75};
        double[] w = {1, 1, 1};
        SoftSurvivalWeights.applyExit(w, scores, 0, ExitRule.MAX_SOFTMAX, tau0, beta);
        SoftSurvivalWeights.applyExit(w, scores, 1, ExitRule.MAX_SOFTMAX, tau1, beta);
        // w(x) = Π_j (1 − σ((s_j − τ_{j,ĉ_j}) / β)), written out per sample.
        double w0 = (1 - sigmoid((0.9 - 0.8) / beta)) * (1 - sigmoid((0.8 - 0.75) / beta));
        double w1 = 1.0 /* class 1 never exits at exit 0 */ * (1 - sigmoid((0.7 - 0.75) / beta));
        double w2 = (1 - sigmoid((0.55 - 0.8) / beta)) * (1 - sigmoid((0.95 - 0.9) / beta));
        assertEquals(w0, w[0], 1e-6);
        assertEquals(w1, w[1], 1e-6);
        assertEquals(w2, w[2], 1e-6);
    }

    @Test
    void infiniteThresholdsAndExtremeScoresStayFinite() {
        assertEquals(1.0, SoftSurvivalWeights.stayProbability(0.99, Double.POSITIVE_INFINITY, 0.05));
        assertEquals(0.0, SoftSurvivalWeights.stayProbability(0.01, Double.NEGATIVE_INFINITY, 0.05));
        assertEquals(0.5, SoftSurvivalWeights.stayProbability(0.7, 0.7, 0.05), 1e-12);
        assertEquals(0.0, SoftSurvivalWeights.stayProbability(1.0, 0.0, 1e-6), 1e-300);
        assertEquals(1.0, SoftSurvivalWeights.stayProbability(0.0, 1.0, 1e-6), 1e-12);
    }
}
