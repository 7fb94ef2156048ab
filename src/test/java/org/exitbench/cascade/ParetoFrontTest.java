package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    private static final Thresholds ANY = Thresholds.never(1, 2);

    private static OperatingPoint point(double parameter, double reduction, double accuracy) {
        return new OperatingPoint(parameter, reduction, accuracy, accuracy - 0.9, ANY);
    }

    @Test
    void keepsOnlyNonDominatedPointsByIncreasingReduction() {
        List<OperatingPoint> points = List.of(
                point(1, 0.10, 0.90),
                point(2, 0.30, 0.88),
                point(3, 0.20, 0.87),   // dominated by 2
                point(4, 0.50, 0.80),
                point(5, 0.30, 0.85),   // dominated by 2 (same reduction, lower accuracy)
                point(6, 0.05, 0.89),   // dominated by 1
                point(7, 0.40, Double.NaN),
                point(8, 0.10, 0.90));  // equal to 1: the first is kept
        List<OperatingPoint> front = ParetoFront.of(points);
        assertEquals(List.of(1.0, 2.0, 4.0), front.stream().map(OperatingPoint::parameter).toList());
        assertTrue(points.get(1).dominates(points.get(2)));
        assertFalse(points.get(0).dominates(points.get(7)));
    }
}
