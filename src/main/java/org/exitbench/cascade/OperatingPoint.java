package org.exitbench.cascade;

import java.util.Objects;

/**
 * One point of an accuracy-versus-compute curve: the cascade's accuracy and compute reduction under the
 * thresholds a sweep produced for one parameter value.
 *
 * @param parameter        the swept value (a global threshold, a CPM margin, …)
 * @param computeReduction 1 − mean MACs / full backbone MACs
 * @param accuracy         the cascade's accuracy
 * @param accuracyChange   accuracy − the backbone's accuracy on the same samples
 * @param thresholds       the thresholds that give this point, so a chosen point can be applied
 */
public record OperatingPoint(double parameter, double computeReduction, double accuracy, double accuracyChange,
        Thresholds thresholds) {

    public OperatingPoint {
        Objects.requireNonNull(thresholds, "thresholds");
    }

    /** @return the point of {@code result} for sweep value {@code parameter} */
    public static OperatingPoint of(double parameter, CascadeResult result, Thresholds thresholds) {
        return new OperatingPoint(parameter, result.computeReduction(), result.accuracy(), result.accuracyChange(),
                thresholds);
    }

    /**
     * @return whether this point is at least as good as {@code other} in both reduction and accuracy and
     *         strictly better in one
     */
    public boolean dominates(OperatingPoint other) {
        return computeReduction >= other.computeReduction && accuracy >= other.accuracy
                && (computeReduction > other.computeReduction || accuracy > other.accuracy);
    }
}
