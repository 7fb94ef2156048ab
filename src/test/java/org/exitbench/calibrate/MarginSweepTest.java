package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.ParetoFront;
import org.exitbench.cascade.SyntheticExitScores;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;

class MarginSweepTest {

    @Test
    void widerMarginsNeverSaveLessComputeWithOneExit() {
        // With a single exit and a fixed anchor, a wider margin lowers the bar, so the largest qualifying prefix
        // can only grow: thresholds fall and more samples exit.
        ExitScores validation = SyntheticExitScores.generate(5_000, 1, 10, 1);
        ExitScores test = SyntheticExitScores.generate(5_000, 1, 10, 2);
        CascadeEvaluator evaluator = new CascadeEvaluator(test, new CostModel(new long[] {200}, new long[] {10}, 500));
        double[] margins = {0.0, 0.05, 0.1, 0.2, 0.4, 1.0};
        CpmSettings settings = CpmSettings.defaults();
        List<OperatingPoint> points = MarginSweep.overMargin(settings, margins, validation, evaluator,
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(margins.length, points.size());
        for (int i = 0; i < points.size(); i++) {
            OperatingPoint p = points.get(i);
            assertEquals(margins[i], p.parameter());
            assertEquals(new CpmCalibrator(settings.toBuilder().margin(margins[i]).build()).calibrate(validation),
                    p.thresholds());
            if (i > 0) {
                assertTrue(p.computeReduction() >= points.get(i - 1).computeReduction(), "margin " + margins[i]);
            }
        }
        assertTrue(points.get(margins.length - 1).computeReduction() > points.get(0).computeReduction());
        List<OperatingPoint> front = ParetoFront.of(points);
        assertTrue(front.size() >= 2, "accuracy is traded for compute along the sweep");
    }

    @Test
    void stopsWhenCancelled() {
        ExitScores scores = SyntheticExitScores.generate(500, 2, 4, 3);
        CascadeEvaluator evaluator = new CascadeEvaluator(scores,
                new CostModel(new long[] {1, 2}, new long[] {0, 0}, 3));
        CancellationToken cancel = new CancellationToken();
        cancel.cancel();
        assertThrows(CancelledException.class, () -> MarginSweep.overMargin(CpmSettings.defaults(),
                new double[] {0.1}, scores, evaluator, ProgressListener.NONE, cancel));
    }
}
