package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.Progress;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;

class ThresholdSweepTest {

    private static CascadeEvaluator evaluator() {
        return new CascadeEvaluator(SyntheticExitScores.generate(4_000, 3, 10, 5),
                new CostModel(new long[] {100, 200, 300}, new long[] {3, 3, 3}, 400));
    }

    @Test
    void lowerGlobalThresholdsNeverSaveLessCompute() {
        double[] values = {Double.POSITIVE_INFINITY, 0.99, 0.9, 0.8, 0.6, 0.4, 0.0};
        List<Progress> reports = new ArrayList<>();
        List<OperatingPoint> points = ThresholdSweep.overGlobalThreshold(evaluator(), ExitRule.MAX_SOFTMAX, values,
                reports::add, CancellationToken.NEVER);
        assertEquals(values.length, points.size());
        assertEquals(-9.0 / 400, points.get(0).computeReduction(), 1e-12);
        assertEquals(0.0, points.get(0).accuracyChange(), 0.0);
        assertEquals(1 - 103.0 / 400, points.get(values.length - 1).computeReduction(), 1e-12,
                "τ = 0 lets every sample out at the first exit");
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i).computeReduction() >= points.get(i - 1).computeReduction());
            assertEquals(values[i], points.get(i).parameter());
            assertEquals(values[i], points.get(i).thresholds().get(2, 9));
        }
        assertEquals(values.length, reports.size());
        assertEquals(1.0, reports.get(values.length - 1).fraction());
        assertTrue(ParetoFront.of(points).size() >= 2);
    }

    @Test
    void stopsWhenCancelled() {
        CancellationToken cancel = new CancellationToken();
        ProgressListener cancelAfterFirst = p -> cancel.cancel();
        assertThrows(CancelledException.class, () -> ThresholdSweep.overGlobalThreshold(evaluator(),
                ExitRule.MAX_SOFTMAX, new double[] {0.9, 0.8, 0.7}, cancelAfterFirst, cancel));
    }

    @Test
    void evenlySpacedIncludesBothEnds() {
        assertArrayEquals(new double[] {0.5, 0.75, 1.0}, ThresholdSweep.evenlySpaced(0.5, 1.0, 3), 1e-15);
    }
}
