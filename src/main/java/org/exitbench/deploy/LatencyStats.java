package org.exitbench.deploy;

import java.util.Arrays;

/**
 * Summary of measured latencies.
 *
 * @param samples how many measurements
 * @param meanMs  their mean, in milliseconds
 * @param p50Ms   their median
 * @param p95Ms   their 95th percentile (nearest rank)
 */
public record LatencyStats(int samples, double meanMs, double p50Ms, double p95Ms) {

    /** @param nanos the measurements, in nanoseconds (not modified) */
    public static LatencyStats of(long[] nanos) {
        if (nanos.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long t : sorted) {
            sum += t;
        }
        return new LatencyStats(sorted.length, sum / sorted.length / 1e6, percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.95) / 1e6);
    }

    private static double percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
