package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.HandMadeScores;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Test;

class GlobalThresholdCalibratorTest {

    /*
     * One exit, three classes, all classes pooled. By confidence:
     *   0.95 right (class 0), 0.90 right (class 1), 0.85 wrong (class 2), 0.80 right (class 0),
     *   0.75 wrong (class 1), 0.70 wrong (class 0)
     * Prefix precisions: 1, 1, .667, .75, .6, .5. The backbone gets 5 of 6 right: anchor 0.833.
     */
    private static ExitScores sixSamples() {
        return HandMadeScores.of(3,
                new int[][] {{0, 1, 2, 0, 1, 0}},
                new float[][] {{0.95f, 0.90f, 0.85f, 0.80f, 0.75f, 0.70f}},
                new int[] {0, 1, 0, 0, 1, 1},
                new int[] {0, 1, 0, 0, 2, 1});
    }

    @Test
    void oneThresholdPerExitFromThePooledPrefixPrecision() {
        // Bar 0.833 − 0.1 = 0.733: prefixes of 1, 2 and 4 reach it; the largest ends at 0.80.
        CpmSettings s = CpmSettings.builder().margin(0.1).minimumSupport(1).build();
        ExitCalibration c = new GlobalThresholdCalibrator(s).calibrateExit(sixSamples(), 0, null);
        assertEquals(5.0 / 6, c.anchors()[2], 1e-12);
        assertArrayEquals(new double[] {0.8f, 0.8f, 0.8f}, c.thresholds(), 0.0);
        assertEquals(4, c.exitedCount());

        // Bar 0.833 − 0.3 = 0.533: the prefix of 5 (0.6) is the largest.
        Thresholds looser = new GlobalThresholdCalibrator(s.toBuilder().margin(0.3).build()).calibrate(sixSamples());
        assertArrayEquals(new double[] {0.75f, 0.75f, 0.75f}, looser.row(0), 0.0);
        assertEquals(ExitRule.MAX_SOFTMAX, looser.rule());
    }

    @Test
    void entropyBoundsMapToThresholdsOnOneMinusEntropy() {
        // Two classes: p = (0.9, 0.1) has normalised entropy 0.469, p = (0.6, 0.4) 0.971.
        ExitScores scores = HandMadeScores.of(2, new int[][] {{0, 0}}, new float[][] {{0.9f, 0.6f}},
                new int[] {0, 0}, new int[] {0, 1});
        Thresholds t = EntropyThresholds.of(new double[] {0.5}, 2);
        assertEquals(ExitRule.ENTROPY, t.rule());
        assertEquals(0.5, t.get(0, 1), 1e-15);
        assertEquals(0.5, EntropyThresholds.maxEntropy(t, 0, 0), 1e-15);
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, new CostModel(new long[] {1}, new long[] {0}, 2));
        evaluator.evaluate(t);
        assertEquals(0, evaluator.exitOf(0), "entropy 0.469 ≤ 0.5");
        assertEquals(1, evaluator.exitOf(1), "entropy 0.971 > 0.5");
        assertEquals(Double.POSITIVE_INFINITY, EntropyThresholds.toThreshold(Double.NEGATIVE_INFINITY));
        assertThrows(IllegalArgumentException.class,
                () -> EntropyThresholds.maxEntropy(Thresholds.never(1, 2), 0, 0));
    }

    @Test
    void entropyCalibrationUsesTheSamePooledCriterion() {
        // Sorted by 1 − entropy the order equals the order by confidence here (a single rest probability per
        // row), so the same prefix is chosen, now expressed on the certainty of the sample at 0.80.
        ExitScores scores = sixSamples();
        Thresholds t = EntropyThresholds.calibrate(scores, CpmSettings.builder().margin(0.1)
                .minimumSupport(1).build());
        assertEquals(ExitRule.ENTROPY, t.rule());
        assertEquals(scores.score(ExitRule.ENTROPY, 0, 3), t.get(0, 0), 0.0);
        assertTrue(EntropyThresholds.maxEntropy(t, 0, 0) > 0);
    }
}
