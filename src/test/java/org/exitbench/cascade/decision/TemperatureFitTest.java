package org.exitbench.cascade.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemperatureFitTest {

    /**
     * Labels drawn from softmax(z / T0) while the branch reports softmax(z): the fit must find T0 at each exit,
     * whether the branch is over-confident (T0 &gt; 1) or under-confident (T0 &lt; 1).
     */
    @Test
    void recoversTheTemperatureTheLabelsWereDrawnAt() {
        int n = 20_000;
        int c = 10;
        double[] truth = {2.5, 0.5};
        SplittableRandom random = new SplittableRandom(11);
        float[][] exits = new float[2][n * c];
        int[][] labels = new int[2][n];
        double[] z = new double[c];
        double[] tempered = new double[c];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    z[j] = SyntheticOutputs.gaussian(random) * 2;
                    tempered[j] = z[j] / truth[k];
                }
                SyntheticOutputs.write(z, exits[k], i * c);
                labels[k][i] = draw(tempered, random);
            }
        }
        DecisionInputs inputs = DecisionInputs.of(exits, c);
        for (int k = 0; k < 2; k++) {
            double fitted = TemperatureFit.fit(inputs.firstExits(k + 1), labels[k], null).temperatures()[k];
            assertEquals(truth[k], fitted, truth[k] * 0.06, "exit " + k);
        }
        TemperatureRule rule = TemperatureFit.fit(inputs.firstExits(1), labels[0], null);
        float[] scores = rule.scores(inputs.firstExits(1));
        for (int i = 0; i < 100; i++) {
            float max = 0;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, exits[0][i * c + j]);
            }
            assertTrue(scores[i] < max, "an over-confident branch's tempered confidence is lower, sample " + i);
        }
    }

    @Test
    void refusesTemperaturesOutsideTheBoundsAndEmptyFits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TemperatureRule(new double[] {1, Double.NaN}));
        assertTrue(e.getMessage().startsWith("temperatures[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TemperatureRule(new double[] {1000}));
        DecisionInputs inputs = DecisionInputs.of(new float[][] {{0.5f, 0.5f}}, 2);
        assertThrows(IllegalArgumentException.class,
                () -> TemperatureFit.fit(inputs, new int[] {0}, new boolean[] {false}));
    }

    private static int draw(double[] logits, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        double u = random.nextDouble() * sum;
        for (int j = 0; j < logits.length; j++) {
            u -= Math.exp(logits[j] - max);
            if (u <= 0) {
                return j;
            }
        }
        return logits.length - 1;
    }
}
