package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The oracle exit policy on hand-made scores: where each sample leaves, its accuracy and cost. */
class OracleExitPolicyTest {

    // Two exits, 4 samples, 3 classes. Labels 0, 1, 2, 0; the backbone predicts 0, 1, 1, 0 (wrong on sample 2).
    private static final int[][] PREDICTED = {{0, 2, 1, 1}, {1, 1, 2, 0}};
    private static final int[] BACKBONE = {0, 1, 1, 0};
    private static final int[] LABELS = {0, 1, 2, 0};
    // Exit 0 after 100 MACs with a 10-MAC branch, exit 1 after 300 with a 20-MAC branch, backbone 1000.
    private static final CostModel COSTS = new CostModel(new long[] {100, 300}, new long[] {10, 20}, 1000);

    private static ExitScores scores() {
        float[][] confidence = {{0.9f, 0.9f, 0.9f, 0.9f}, {0.9f, 0.9f, 0.9f, 0.9f}};
        return HandMadeScores.of(3, PREDICTED, confidence, BACKBONE, LABELS);
    }

    @Test
    void theRightOracleLeavesAtTheFirstCorrectExit() {
        OracleExitPolicy.Result r = OracleExitPolicy.evaluate(scores(), COSTS, OracleExitPolicy.Criterion.GROUND_TRUTH,
                null);
        // Sample 0 at exit 0 (110), 1 at exit 1 (330), 2 at exit 1 (330, right where the backbone is wrong),
        // 3 at exit 1 (330).
        assertEquals(1.0, r.accuracy(), 1e-12);
        assertEquals(1 - (110 + 330 + 330 + 330) / 4.0 / 1000, r.computeReduction(), 1e-12);
        assertArrayEquals(new double[] {0.25, 0.75, 0.0}, r.exitRates(), 1e-12);
    }

    @Test
    void theAgreeingOracleKeepsTheBackbonesAccuracy() {
        OracleExitPolicy.Result r = OracleExitPolicy.evaluate(scores(), COSTS, OracleExitPolicy.Criterion.BACKBONE,
                null);
        // Sample 0 at exit 0; 1 at exit 1; 2 (backbone says 1) at exit 0; 3 at exit 1.
        assertEquals(0.75, r.accuracy(), 1e-12);
        assertEquals(1 - (110 + 330 + 110 + 330) / 4.0 / 1000, r.computeReduction(), 1e-12);
    }

    @Test
    void aSampleNoExitGetsRightRunsTheWholeBackbone() {
        boolean[] onlyLast = {false, false, false, true};
        int[][] wrong = {{1, 2, 1, 1}, {1, 1, 2, 2}};
        float[][] confidence = {{0.9f, 0.9f, 0.9f, 0.9f}, {0.9f, 0.9f, 0.9f, 0.9f}};
        ExitScores s = HandMadeScores.of(3, wrong, confidence, BACKBONE, LABELS);
        OracleExitPolicy.Result r = OracleExitPolicy.evaluate(s, COSTS, OracleExitPolicy.Criterion.GROUND_TRUTH,
                onlyLast);
        assertEquals(1, r.samples());
        assertEquals(1.0 - 1030.0 / 1000, r.computeReduction(), 1e-12, "backbone plus both branches");
        assertEquals(1.0, r.accuracy(), 1e-12, "the backbone is right on sample 3");
        assertThrows(IllegalArgumentException.class, () -> OracleExitPolicy.evaluate(s, COSTS,
                OracleExitPolicy.Criterion.BACKBONE, new boolean[4]));
    }
}
