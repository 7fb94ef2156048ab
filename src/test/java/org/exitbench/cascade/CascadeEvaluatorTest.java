package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cascade evaluator, first on a six-sample example worked out by hand, then against a plain reference
 * implementation on synthetic scores.
 */
class CascadeEvaluatorTest {

    private static final double EPS = 1e-12;
    private static final double INF = Double.POSITIVE_INFINITY;

    /*
     * Two exits, three classes. Backbone MACs to exit 0: 100, to exit 1: 300, full: 1000; branch MACs 10 and 20.
     * So leaving at exit 0 costs 100 + 10 = 110, at exit 1 300 + 10 + 20 = 330 (branch 0 ran and did not fire),
     * and at the backbone head 1000 + 10 + 20 = 1030.
     *
     * Thresholds: exit 0 = [0.8, 0.9, +∞], exit 1 = [0.6, 0.6, 0.6].
     *
     * sample label  exit 0      exit 1      backbone   leaves at        answer
     *   0      0    0 @ 0.85    1 @ 0.90       0       exit 0 (≥ 0.8)     0  right
     *   1      1    1 @ 0.85    1 @ 0.70       1       exit 1 (< 0.9)     1  right
     *   2      2    2 @ 0.99    0 @ 0.50       2       backbone (+∞)      2  right
     *   3      0    1 @ 0.95    0 @ 0.90       0       exit 0 (≥ 0.9)     1  wrong
     *   4      1    0 @ 0.50    2 @ 0.60       1       exit 1 (= 0.6)     2  wrong
     *   5      2    0 @ 0.70    1 @ 0.55       1       backbone           1  wrong
     */
    static ExitScores sixSamples() {
        return HandMadeScores.of(3,
                new int[][] {{0, 1, 2, 1, 0, 0}, {1, 1, 0, 0, 2, 1}},
                new float[][] {{0.85f, 0.85f, 0.99f, 0.95f, 0.50f, 0.70f}, {0.90f, 0.70f, 0.50f, 0.90f, 0.60f, 0.55f}},
                new int[] {0, 1, 2, 0, 1, 1},
                new int[] {0, 1, 2, 0, 1, 2});
    }

    static CostModel sixSampleCosts() {
        return new CostModel(new long[] {100, 300}, new long[] {10, 20}, 1000);
    }

    static Thresholds sixSampleThresholds() {
        return Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {{0.8, 0.9, INF}, {0.6, 0.6, 0.6}});
    }

    @Test
    void sixSampleExampleMatchesTheHandComputation() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        CascadeResult r = evaluator.evaluate(sixSampleThresholds());

        int[] exits = new int[6];
        evaluator.copyExits(exits);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, exits);
        int[] answers = new int[6];
        for (int i = 0; i < 6; i++) {
            answers[i] = evaluator.predictionOf(i);
        }
        assertArrayEquals(new int[] {0, 1, 2, 1, 2, 1}, answers);

        assertEquals(6, r.sampleCount());
        assertEquals(3.0 / 6, r.accuracy(), EPS);
        assertEquals(5.0 / 6, r.backboneAccuracy(), EPS);
        assertEquals(3.0 / 6 - 5.0 / 6, r.accuracyChange(), EPS);
        // (2 × 110 + 2 × 330 + 2 × 1030) / 6 = 490: the two samples leaving at exit 1 also pay for branch 0.
        assertEquals(490.0, r.meanMacs(), EPS);
        assertEquals(1 - 490.0 / 1000, r.computeReduction(), EPS);

        for (int e = 0; e <= 2; e++) {
            assertEquals(2, r.exitedCount(e));
            assertEquals(1.0 / 3, r.exitRate(e), EPS);
            assertEquals(0.5, r.precision(e), EPS, "one of the two samples leaving at " + e + " is right");
        }
        assertEquals(6, r.survivorCount(0));
        assertEquals(4, r.survivorCount(1));
        assertEquals(2, r.survivorCount(2));

        assertArrayEquals(new int[][] {{1, 1, 0}, {0, 0, 0}, {0, 0, 0}}, r.confusionMatrix(0));
        assertArrayEquals(new int[][] {{0, 0, 0}, {0, 1, 1}, {0, 0, 0}}, r.confusionMatrix(1));
        assertArrayEquals(new int[][] {{0, 0, 0}, {0, 0, 0}, {0, 1, 1}}, r.confusionMatrix(2));

        assertEquals(1.0, r.precision(0, 0), EPS);
        assertEquals(0.0, r.precision(0, 1), EPS);
        assertTrue(Double.isNaN(r.precision(0, 2)), "exit 0 never answers class 2");
        assertEquals(1, r.exitedCount(1, 2));
        assertEquals(1.0, r.exitRateOfClass(0, 0), EPS);
        assertEquals(1.0, r.exitRateOfClass(1, 1), EPS);
        assertEquals(1.0, r.exitRateOfClass(2, 2), EPS);
        assertEquals(0.0, r.exitRateOfClass(0, 2), EPS);
        assertEquals(2, r.classTotal(2));
    }

    @Test
    void survivorStatisticsCountWhoReachedEachExitPerClass() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        evaluator.evaluate(sixSampleThresholds());
        SurvivorStatistics s = evaluator.survivorStatistics();

        // Exit 0 sees all six; its predictions are 0, 1, 2, 1, 0, 0.
        assertEquals(3, s.survivorCount(0, 0));
        assertEquals(2, s.survivorCount(0, 1));
        assertEquals(1, s.survivorCount(0, 2));
        // Exit 1 sees samples 1, 2, 4, 5; its predictions there are 1, 0, 2, 1.
        assertEquals(1, s.survivorCount(1, 0));
        assertEquals(2, s.survivorCount(1, 1));
        assertEquals(1, s.survivorCount(1, 2));

        // Backbone answers 0 on samples 0 and 3 (both labelled 0), 1 on 1, 4, 5 (labels 1, 1, 2), 2 on 2.
        assertEquals(1.0, s.backbonePrecision(0), EPS);
        assertEquals(2.0 / 3, s.backbonePrecision(1), EPS);
        assertEquals(1.0, s.backbonePrecision(2), EPS);
        // Among the survivors at exit 1 (1, 2, 4, 5) the backbone never answers 0.
        assertTrue(Double.isNaN(s.backbonePrecisionAmongSurvivors(1, 0)));
        assertEquals(2.0 / 3, s.backbonePrecisionAmongSurvivors(1, 1), EPS);
        // At the backbone head only samples 2 and 5 remain: answers 2 (right) and 1 (wrong).
        assertEquals(0.0, s.backbonePrecisionAmongSurvivors(2, 1), EPS);

        // Exit 0 answers 0 on sample 0 (backbone 0: agrees) and 1 on sample 3 (backbone 0: disagrees).
        assertEquals(1.0, s.agreementWithBackbone(0, 0), EPS);
        assertEquals(0.0, s.agreementWithBackbone(0, 1), EPS);
        assertEquals(1.0, s.agreementWithBackbone(2, 1), EPS, "the backbone head always agrees with itself");
    }

    @Test
    void thresholdsAtPlusInfinityGiveExactlyTheBackboneAndCostTheBranchOverhead() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        CascadeResult r = evaluator.evaluate(Thresholds.never(2, 3));
        assertEquals(r.backboneAccuracy(), r.accuracy(), 0.0);
        assertEquals(5.0 / 6, r.accuracy(), EPS);
        assertEquals(1.0, r.exitRate(2), 0.0);
        assertEquals(-(10.0 + 20.0) / 1000, r.computeReduction(), EPS);

        ExitScores synthetic = SyntheticExitScores.generate(2_000, 3, 10, 7);
        CostModel costs = new CostModel(new long[] {150, 300, 450}, new long[] {7, 9, 11}, 600);
        CascadeResult s = new CascadeEvaluator(synthetic, costs).evaluate(Thresholds.never(3, 10));
        assertEquals(s.backboneAccuracy(), s.accuracy(), 0.0);
        assertEquals(0.0, s.accuracyChange(), 0.0);
        assertEquals(-27.0 / 600, s.computeReduction(), EPS);
    }

    @Test
    void thresholdsAtMinusInfinitySendEverySampleOutAtTheFirstExit() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        CascadeResult r = evaluator.evaluate(Thresholds.always(2, 3));
        assertEquals(6, r.exitedCount(0));
        assertEquals(1.0, r.exitRate(0), 0.0);
        assertEquals(0, r.exitedCount(1) + r.exitedCount(2));
        // Exit 0's answers 0, 1, 2, 1, 0, 0 against labels 0, 1, 2, 0, 1, 2: three right.
        assertEquals(0.5, r.accuracy(), EPS);
        assertEquals(1 - 110.0 / 1000, r.computeReduction(), EPS);
    }

    @Test
    void aSubsetMaskEvaluatesOnlyTheMarkedSamples() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        boolean[] subset = {true, true, false, false, false, true};
        CascadeResult r = evaluator.evaluate(sixSampleThresholds(), subset);

        assertEquals(3, r.sampleCount());
        assertEquals(0, evaluator.exitOf(0));
        assertEquals(1, evaluator.exitOf(1));
        assertEquals(CascadeEvaluator.NOT_EVALUATED, evaluator.exitOf(2));
        assertEquals(-1, evaluator.predictionOf(3));
        assertEquals(2, evaluator.exitOf(5));
        assertEquals(2.0 / 3, r.accuracy(), EPS);
        assertEquals(2.0 / 3, r.backboneAccuracy(), EPS);
        assertEquals((110.0 + 330 + 1030) / 3, r.meanMacs(), EPS);

        boolean[] survivors = new boolean[6];
        evaluator.survivorsAt(1, survivors);
        assertArrayEquals(new boolean[] {false, true, false, false, false, true}, survivors);
        // Of the subset, samples 1 and 5 reach exit 1, which answers 1 for both; sample 3 would too, but is out.
        assertEquals(2, evaluator.survivorStatistics().survivorCount(1, 1));
    }

    @Test
    void anEmptySubsetHasNoRates() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        CascadeResult r = evaluator.evaluate(sixSampleThresholds(), new boolean[6]);
        assertEquals(0, r.sampleCount());
        assertTrue(Double.isNaN(r.accuracy()));
        assertTrue(Double.isNaN(r.computeReduction()));
    }

    @Test
    void evaluationsDoNotAccumulateAcrossCalls() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        CascadeResult first = evaluator.evaluate(sixSampleThresholds());
        evaluator.evaluate(Thresholds.always(2, 3), new boolean[] {true, false, true, false, true, false});
        CascadeResult again = evaluator.evaluate(sixSampleThresholds());
        assertEquals(first.toString(), again.toString());
        for (int e = 0; e <= 2; e++) {
            assertArrayEquals(first.confusionMatrix(e), again.confusionMatrix(e));
        }
    }

    @Test
    void mismatchedShapesAreRefusedWithTheirSizes() {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(), sixSampleCosts());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> evaluator.evaluate(Thresholds.never(3, 3)));
        assertTrue(t.getMessage().contains("3 exits × 3 classes"), t.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> evaluator.evaluate(Thresholds.never(2, 3), new boolean[5]));
        assertTrue(m.getMessage().contains("subset has 5"), m.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> new CascadeEvaluator(sixSamples(), new CostModel(new long[] {1}, new long[] {1}, 2)));
        assertTrue(c.getMessage().contains("1 exits"), c.getMessage());
        assertThrows(IllegalStateException.class, () -> new CascadeEvaluator(sixSamples(), sixSampleCosts())
                .exitOf(0));
    }

    @Test
    void entropyRuleComparesOneMinusNormalisedEntropy() {
        ExitScores scores = sixSamples();
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, sixSampleCosts());
        // Sample 2 at exit 0 has p = (0.005, 0.005, 0.99): the most certain row of exit 0.
        double certainty = scores.score(ExitRule.ENTROPY, 0, 2);
        assertEquals(1.0 - scores.normalisedEntropy(0, 2), certainty, 1e-6);
        Thresholds onlySampleTwo = Thresholds.uniform(ExitRule.ENTROPY, 2, 3, certainty)
                .withRow(1, new double[] {INF, INF, INF});
        evaluator.evaluate(onlySampleTwo);
        int[] exits = new int[6];
        evaluator.copyExits(exits);
        assertArrayEquals(new int[] {2, 2, 0, 2, 2, 2}, exits);
    }

    @Test
    void agreesWithAPlainReferenceCascadeOnRandomThresholds() {
        ExitScores scores = SyntheticExitScores.generate(3_000, 3, 5, 11);
        CostModel costs = new CostModel(new long[] {10, 20, 30}, new long[] {1, 2, 3}, 40);
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, costs);
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            double[][] tau = new double[3][5];
            for (double[] row : tau) {
                for (int c = 0; c < 5; c++) {
                    int pick = random.nextInt(10);
                    row[c] = pick == 0 ? INF : pick == 1 ? Double.NEGATIVE_INFINITY : 0.3 + 0.7 * random.nextDouble();
                }
            }
            ExitRule rule = trial % 2 == 0 ? ExitRule.MAX_SOFTMAX : ExitRule.ENTROPY;
            Thresholds thresholds = Thresholds.of(rule, tau);
            boolean[] subset = new boolean[scores.sampleCount()];
            for (int i = 0; i < subset.length; i++) {
                subset[i] = trial % 3 != 0 || random.nextBoolean();
            }
            CascadeResult r = evaluator.evaluate(thresholds, subset);

            int evaluated = 0;
            int right = 0;
            long macs = 0;
            int[] leaving = new int[4];
            for (int i = 0; i < scores.sampleCount(); i++) {
                if (!subset[i]) {
                    assertEquals(CascadeEvaluator.NOT_EVALUATED, evaluator.exitOf(i));
                    continue;
                }
                int exit = 3;
                for (int k = 0; k < 3; k++) {
                    if (thresholds.admits(k, scores.predicted(k, i), scores.score(rule, k, i))) {
                        exit = k;
                        break;
                    }
                }
                int answer = exit == 3 ? scores.backbonePredicted(i) : scores.predicted(exit, i);
                assertEquals(exit, evaluator.exitOf(i), "trial " + trial + ", sample " + i);
                assertEquals(answer, evaluator.predictionOf(i));
                evaluated++;
                right += answer == scores.label(i) ? 1 : 0;
                macs += costs.costOfExit(exit);
                leaving[exit]++;
            }
            assertEquals(evaluated, r.sampleCount());
            assertEquals((double) right / evaluated, r.accuracy(), EPS);
            assertEquals((double) macs / evaluated, r.meanMacs(), 1e-9);
            for (int e = 0; e <= 3; e++) {
                assertEquals(leaving[e], r.exitedCount(e));
            }
        }
    }
}
