package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitScoresTest {

    /** Two samples, four classes, one exit; the backbone's probabilities are given too. */
    private static ExitScores twoSamples() {
        float[] exit0 = {
            0.10f, 0.60f, 0.05f, 0.25f,   // sample 0: 1, then 3, then 0
            0.25f, 0.25f, 0.25f, 0.25f,   // sample 1: uniform, ties go to the lower class
        };
        float[] backbone = {
            0.70f, 0.10f, 0.15f, 0.05f,
            0.00f, 0.00f, 0.00f, 1.00f,
        };
        return ExitScores.fromProbabilities(new float[][] {exit0}, backbone, new int[] {1, 3}, 4);
    }

    @Test
    void keepsPredictionConfidenceEntropyAndTopClassesPerExitAndSample() {
        ExitScores s = twoSamples();
        assertEquals(1, s.exitCount());
        assertEquals(2, s.sampleCount());
        assertEquals(4, s.classCount());
        assertEquals(3, s.topCount());

        assertEquals(1, s.predicted(0, 0));
        assertEquals(0.60f, s.confidence(0, 0));
        assertEquals(1, s.topClass(0, 0, 0));
        assertEquals(3, s.topClass(0, 0, 1));
        assertEquals(0, s.topClass(0, 0, 2));
        assertEquals(0.25f, s.topProbability(0, 0, 1));
        double h = -(0.1 * Math.log(0.1) + 0.6 * Math.log(0.6) + 0.05 * Math.log(0.05) + 0.25 * Math.log(0.25));
        assertEquals(h / Math.log(4), s.normalisedEntropy(0, 0), 1e-6);
        assertEquals(1 - h / Math.log(4), s.score(ExitRule.ENTROPY, 0, 0), 1e-6);
        assertEquals(0.60f, s.score(ExitRule.MAX_SOFTMAX, 0, 0));

        assertEquals(0, s.predicted(0, 1), "a tie goes to the lower class index");
        assertEquals(1.0f, s.normalisedEntropy(0, 1), 1e-6f, "a uniform softmax has entropy 1");
        assertEquals(1, s.topClass(0, 1, 1));
        assertEquals(2, s.topClass(0, 1, 2));

        assertEquals(0, s.backbonePredicted(0));
        assertEquals(3, s.backbonePredicted(1));
        assertTrue(s.hasBackboneProbabilities());
        assertEquals(2, s.backboneTopClass(0, 1));
        assertEquals(0.15f, s.backboneTopProbability(0, 1));
        assertEquals(1, s.label(0));
        assertEquals(3, s.label(1));
    }

    @Test
    void fromBackbonePredictionsKnowsOnlyTheTopBackboneClass() {
        float[] exit0 = {0.9f, 0.1f, 0.1f, 0.9f};
        ExitScores s = ExitScores.fromProbabilities(new float[][] {exit0}, new int[] {1, 0}, new int[] {0, 1}, 2);
        assertFalse(s.hasBackboneProbabilities());
        assertEquals(1, s.backbonePredicted(0));
        assertEquals(1, s.backboneTopClass(0, 0));
        assertEquals(-1, s.backboneTopClass(0, 1));
        assertTrue(Float.isNaN(s.backboneTopProbability(0, 0)));
        assertEquals(2, s.topCount(), "only two classes to rank");
        assertEquals(s.normalisedEntropy(0, 0), s.normalisedEntropy(0, 1), "mirror-image rows");
        assertEquals(1, s.predicted(0, 1));
    }

    @Test
    void rankingOrdersByDescendingScoreWithTiesByIndex() {
        ExitScores s = HandMadeScores.of(2, new int[][] {{0, 1, 0, 1, 0}},
                new float[][] {{0.7f, 0.9f, 0.7f, 0.6f, 0.95f}}, new int[] {0, 0, 0, 0, 0}, new int[] {0, 0, 0, 0, 0});
        ScoreRanking r = s.ranking(ExitRule.MAX_SOFTMAX, 0);
        int[] order = new int[r.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = r.sample(i);
        }
        assertEquals("[4, 1, 0, 2, 3]", java.util.Arrays.toString(order));
        assertEquals(0.95f, r.score(0));
        assertEquals(0.6f, r.score(4));
        assertSame(r, s.ranking(ExitRule.MAX_SOFTMAX, 0), "the ranking is sorted once and kept");
    }

    @Test
    void badInputIsRefusedNamingTheArgumentAndPosition() {
        float[] ok = {0.5f, 0.5f, 0.9f, 0.1f};
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[][] {ok, new float[3]}, new int[] {0, 0},
                        new int[] {0, 0}, 2));
        assertTrue(length.getMessage().startsWith("exitProbabilities[1] has 3 values, expected 4"),
                length.getMessage());

        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[][] {ok}, new int[] {0, 0}, new int[] {0, 2}, 2));
        assertTrue(label.getMessage().startsWith("labels[1] = 2"), label.getMessage());

        IllegalArgumentException backbone = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[][] {ok}, new int[] {-1, 0}, new int[] {0, 1}, 2));
        assertTrue(backbone.getMessage().startsWith("backbonePredictions[0] = -1"), backbone.getMessage());

        IllegalArgumentException logits = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[][] {{0.5f, 0.5f, 0.9f, 0.9f}}, new int[] {0, 0},
                        new int[] {0, 1}, 2));
        assertTrue(logits.getMessage().contains("exitProbabilities[0]: sample 1: probabilities sum to"),
                logits.getMessage());

        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[][] {ok}, new float[] {0.5f, 0.5f, Float.NaN, 1f},
                        new int[] {0, 1}, 2));
        assertTrue(nan.getMessage().startsWith("backboneProbabilities: sample 1, class 0"), nan.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ExitScores.fromProbabilities(new float[0][], new int[0], new int[0], 2));
        assertTrue(none.getMessage().contains("at least one exit"), none.getMessage());
    }

    @Test
    void syntheticScoresAreReproducibleAndImproveWithDepth() {
        ExitScores a = SyntheticExitScores.generate(5_000, 3, 10, 99);
        ExitScores b = SyntheticExitScores.generate(5_000, 3, 10, 99);
        for (int i = 0; i < 5_000; i += 97) {
            assertEquals(a.confidence(1, i), b.confidence(1, i));
            assertEquals(a.label(i), b.label(i));
        }
        double previousAccuracy = 0;
        double previousConfidence = 0;
        for (int k = 0; k < 3; k++) {
            int right = 0;
            double confidence = 0;
            for (int i = 0; i < 5_000; i++) {
                right += a.predicted(k, i) == a.label(i) ? 1 : 0;
                confidence += a.confidence(k, i);
            }
            double accuracy = right / 5_000.0;
            assertTrue(accuracy > previousAccuracy + 0.02, "exit " + k + " accuracy " + accuracy);
            assertTrue(confidence / 5_000 > previousConfidence + 0.02, "exit " + k + " confidence");
            previousAccuracy = accuracy;
            previousConfidence = confidence / 5_000;
        }
        int backboneRight = 0;
        for (int i = 0; i < 5_000; i++) {
            backboneRight += a.backbonePredicted(i) == a.label(i) ? 1 : 0;
        }
        assertTrue(backboneRight / 5_000.0 > previousAccuracy, "the backbone beats every exit");
    }
}
