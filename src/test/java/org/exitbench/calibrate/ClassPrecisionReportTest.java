package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.HandMadeScores;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Test;

class ClassPrecisionReportTest {

    private static final double EPS = 1e-12;

    /** The six-sample cascade of CascadeEvaluatorTest (two exits, three classes). */
    private static ExitScores sixSamples() {
        return HandMadeScores.of(3,
                new int[][] {{0, 1, 2, 1, 0, 0}, {1, 1, 0, 0, 2, 1}},
                new float[][] {{0.85f, 0.85f, 0.99f, 0.95f, 0.50f, 0.70f}, {0.90f, 0.70f, 0.50f, 0.90f, 0.60f, 0.55f}},
                new int[] {0, 1, 2, 0, 1, 1},
                new int[] {0, 1, 2, 0, 1, 2});
    }

    private static final Thresholds THRESHOLDS = Thresholds.of(ExitRule.MAX_SOFTMAX,
            new double[][] {{0.8, 0.9, Double.POSITIVE_INFINITY}, {0.6, 0.6, 0.6}});

    private static ClassPrecisionReport report(CpmSettings settings) {
        CascadeEvaluator evaluator = new CascadeEvaluator(sixSamples(),
                new CostModel(new long[] {100, 300}, new long[] {10, 20}, 1000));
        CascadeResult result = evaluator.evaluate(THRESHOLDS);
        return ClassPrecisionReport.of(result, evaluator.survivorStatistics(), THRESHOLDS, settings);
    }

    @Test
    void eachCellShowsAnchorBarPrecisionAndCounts() {
        ClassPrecisionReport r = report(CpmSettings.defaults());
        assertEquals(6, r.cells().size());

        // Exit 0, class 1: sample 3 exits (wrong); samples 1 and 3 are answered 1 by exit 0.
        ClassReport c = r.cell(0, 1);
        assertEquals(0.9, c.threshold());
        assertEquals(2.0 / 3, c.anchorPrecision(), EPS, "backbone answers 1 on samples 1, 4, 5: two right");
        assertEquals(2.0 / 3 - 0.2, c.bar(), EPS);
        assertEquals(0.0, c.exitPrecision(), EPS);
        assertEquals(1, c.exitedCount());
        assertEquals(2, c.survivorCount());
        assertFalse(c.meetsBar());

        // Exit 0, class 0: sample 0 exits (right); exit 0 answers 0 on samples 0, 4, 5.
        ClassReport d = r.cell(0, 0);
        assertEquals(1.0, d.exitPrecision(), EPS);
        assertEquals(3, d.survivorCount());
        assertTrue(d.meetsBar());

        // Exit 1, class 0: the backbone never answers 0 among exit 1's survivors, but the full anchor is 1.
        assertEquals(1.0, r.cell(1, 0).anchorPrecision(), EPS);
        assertEquals(0, r.cell(1, 0).exitedCount());
        assertTrue(Double.isNaN(r.cell(1, 0).exitPrecision()));
    }

    @Test
    void anchorsOnSurvivorsAndPrecisionAgainstBackboneLabelsFollowTheSettings() {
        ClassPrecisionReport r = report(CpmSettings.builder().anchorSource(AnchorSource.SURVIVORS)
                .precisionReference(PrecisionReference.BACKBONE_LABELS).build());
        assertTrue(Double.isNaN(r.cell(1, 0).anchorPrecision()));
        assertEquals(2.0 / 3, r.cell(1, 1).anchorPrecision(), EPS);
        // Exit 1 answers 2 for sample 4, where the backbone says 1.
        assertEquals(0.0, r.cell(1, 2).exitPrecision(), EPS);
        // Exit 0 answers 0 for sample 0, as does the backbone.
        assertEquals(1.0, r.cell(0, 0).exitPrecision(), EPS);
    }
}
