package org.exitbench.cascade;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The non-dominated points of an accuracy-versus-compute-reduction curve (both to be maximised). */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * @param points any operating points; NaN coordinates are ignored
     * @return the points no other point dominates, by increasing compute reduction (and so decreasing
     *         accuracy); of points with equal coordinates the first given is kept
     */
    public static List<OperatingPoint> of(List<OperatingPoint> points) {
        List<OperatingPoint> sorted = new ArrayList<>();
        for (OperatingPoint p : points) {
            if (!Double.isNaN(p.computeReduction()) && !Double.isNaN(p.accuracy())) {
                sorted.add(p);
            }
        }
        // Best reduction first; among equal reductions the best accuracy first. A point is then on the front
        // exactly when its accuracy beats every point before it. The sort is stable, so the first of equals wins.
        sorted.sort(Comparator.comparingDouble(OperatingPoint::computeReduction).reversed()
                .thenComparing(Comparator.comparingDouble(OperatingPoint::accuracy).reversed()));
        List<OperatingPoint> front = new ArrayList<>();
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        for (OperatingPoint p : sorted) {
            if (p.accuracy() > bestAccuracy) {
                front.add(p);
                bestAccuracy = p.accuracy();
            }
        }
        java.util.Collections.reverse(front);
        return List.copyOf(front);
    }
}
