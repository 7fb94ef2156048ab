package org.exitbench.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Time left from the work each step still has at the measured speed of its kind, on synthetic progress. */
class TimeLeftEstimatorTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSteadyJobCountsDownInRealTimeBetweenReportsAndNeverJumpsUp() {
        TimeLeftEstimator eta = new TimeLeftEstimator();
        eta.plan("a", 100, 1);
        eta.start(0);
        assertTrue(eta.secondsLeft(SECOND / 2).isEmpty(), "nothing measured yet");
        double previous = Double.MAX_VALUE;
        for (long quarter = 4; quarter <= 40; quarter++) {
            long now = quarter * SECOND / 4;
            if (quarter % 4 == 0) {
                eta.progress("a", 10.0 * (quarter / 4), now);
            }
            double left = eta.secondsLeft(now).orElseThrow();
            assertEquals(10 - quarter / 4.0, left, 1e-9, "at " + now / 1e9 + " s");
            assertTrue(left <= previous);
            previous = left;
        }
    }

    @Test
    void aNoisyPaceMovesTheEstimateLittle() {
        TimeLeftEstimator eta = new TimeLeftEstimator();
        eta.plan("a", 1000, 1);
        eta.start(0);
        long now = 0;
        double previous = Double.NaN;
        double largestJump = 0;
        for (int step = 1; step <= 100; step++) {
            now += (step % 2 == 0 ? 8 : 12) * SECOND / 10;
            eta.progress("a", 10.0 * step, now);
            double left = eta.secondsLeft(now).orElseThrow();
            if (step > 10) {
                largestJump = Math.max(largestJump, Math.abs(left - (previous - (step % 2 == 0 ? 0.8 : 1.2))));
            }
            previous = left;
            double truth = (100 - step) * 1.0;
            assertEquals(truth, left, 0.25 * truth + 1.5, "at step " + step);
        }
        // The pace of the last step alone would swing the estimate by ±20 % (about ±18 s) at every report.
        assertTrue(largestJump < 4, "largest jump " + largestJump + " s");
    }

    @Test
    void aKindNotMeasuredYetBorrowsTheSpeedOfTheSameWorkOrScalesByPriors() {
        TimeLeftEstimator eta = new TimeLeftEstimator();
        eta.plan("features", 100, 2);
        eta.plan("exit 1, boosted", 50, 1);
        eta.plan("exit 1, again", 50, 1);
        eta.plan("exit 2", 10, 3);
        eta.start(0);
        eta.progress("features", 100, 10 * SECOND);
        // Features at 0.1 s per unit: exits at 0.05 s (prior 1 / 2) and 0.15 s (prior 3 / 2) per unit.
        assertEquals(50 * 0.05 + 50 * 0.05 + 10 * 0.15, eta.secondsLeft(10 * SECOND).orElseThrow(), 1e-9);
        eta.progress("exit 1, boosted", 50, 20 * SECOND);
        // Exit 1 measured at 0.2 s per unit: the same work in another mode takes that; exit 2 scales from it.
        assertEquals(50 * 0.2 + 10 * 0.6, eta.secondsLeft(20 * SECOND).orElseThrow(), 1e-9);
    }

    @Test
    void finishedAndReusedWorkCostsNothingAndDoesNotSkewTheSpeed() {
        TimeLeftEstimator eta = new TimeLeftEstimator();
        eta.plan("a", 100, 1);
        eta.plan("shared", 100, 1);
        eta.plan("b", 100, 1);
        eta.start(0);
        eta.progress("a", 40, 4 * SECOND);
        eta.finish("a");
        eta.skip("shared", 100);
        assertEquals(100 * 0.1, eta.secondsLeft(4 * SECOND).orElseThrow(), 1e-9, "only b is left");
        eta.replan("b", 20);
        assertEquals(20 * 0.1, eta.secondsLeft(4 * SECOND).orElseThrow(), 1e-9);
    }
}
