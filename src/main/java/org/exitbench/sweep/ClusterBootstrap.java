package org.exitbench.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A percentile bootstrap interval for the mean of paired differences that are not independent: differences that
 * share a cluster (e.g. several boosted cascades compared with the same non-boosted branches) are resampled
 * together. A t-interval over 64 configurations that share 32 baselines counts each baseline's noise twice and is
 * too narrow (issue 17); resampling whole clusters keeps that dependence.
 *
 * @param mean     the mean over every difference (each one weighs the same)
 * @param low      the 2.5 % percentile of the resampled means; NaN with fewer than two clusters
 * @param high     the 97.5 % percentile; NaN likewise
 * @param units    the differences
 * @param clusters the clusters they fall into
 * @param wins     differences above the tolerance
 * @param losses   differences below minus the tolerance
 * @param ties     the rest
 */
public record ClusterBootstrap(double mean, double low, double high, int units, int clusters, int wins, int losses,
                               int ties) {

    /** Resamples drawn. */
    public static final int RESAMPLES = 4000;
    /** The seed of the resampling, fixed so a report is reproducible. */
    public static final long SEED = 20_260_917L;

    /**
     * @param byCluster per cluster, its differences (NaN entries are dropped, then empty clusters)
     * @param tolerance differences within ± this are ties
     * @return the interval; NaN bounds when there are fewer than two clusters
     */
    public static ClusterBootstrap of(Map<String, List<Double>> byCluster, double tolerance) {
        List<double[]> clusters = new ArrayList<>();
        int wins = 0;
        int losses = 0;
        int ties = 0;
        double sum = 0;
        int units = 0;
        for (List<Double> values : byCluster.values()) {
            double[] kept = values.stream().filter(v -> v != null && !Double.isNaN(v)).mapToDouble(Double::doubleValue)
                    .toArray();
            if (kept.length == 0) {
                continue;
            }
            clusters.add(kept);
            for (double v : kept) {
                sum += v;
                units++;
                if (v > tolerance) {
                    wins++;
                } else if (v < -tolerance) {
                    losses++;
                } else {
                    ties++;
                }
            }
        }
        if (units == 0) {
            return new ClusterBootstrap(Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, 0, 0);
        }
        double mean = sum / units;
        if (clusters.size() == 1) {
            // One cluster says nothing about how its mean would vary: no interval.
            return new ClusterBootstrap(mean, Double.NaN, Double.NaN, units, 1, wins, losses, ties);
        }
        int k = clusters.size();
        double[] clusterSums = new double[k];
        int[] clusterSizes = new int[k];
        for (int c = 0; c < k; c++) {
            clusterSizes[c] = clusters.get(c).length;
            for (double v : clusters.get(c)) {
                clusterSums[c] += v;
            }
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double s = 0;
            int n = 0;
            for (int i = 0; i < k; i++) {
                int c = random.nextInt(k);
                s += clusterSums[c];
                n += clusterSizes[c];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        return new ClusterBootstrap(mean, percentile(means, 0.025), percentile(means, 0.975), units, k, wins, losses,
                ties);
    }

    /** Groups values by a cluster key, keeping first-seen order. */
    public static final class Builder {
        private final Map<String, List<Double>> byCluster = new LinkedHashMap<>();

        /** Adds one difference to its cluster. */
        public Builder add(String cluster, double value) {
            byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(value);
            return this;
        }

        /** @return the interval at this tolerance */
        public ClusterBootstrap build(double tolerance) {
            return of(byCluster, tolerance);
        }
    }

    private static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        double fraction = position - below;
        return sorted[below] * (1 - fraction) + sorted[above] * fraction;
    }

    /** @return whether there is an interval: at least two clusters */
    public boolean hasInterval() {
        return !Double.isNaN(low);
    }

    /** @return whether the interval lies above 0 */
    public boolean above() {
        return low > 0;
    }

    /** @return whether the interval lies below 0 */
    public boolean below() {
        return high < 0;
    }

    /** @return "−0.42 [−0.61, −0.20]" or "—" when there is nothing to show */
    public String interval() {
        if (units == 0) {
            return "—";
        }
        if (Double.isNaN(low)) {
            return String.format(Locale.ROOT, "%+.2f [one cluster: no interval]", mean);
        }
        return String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", mean, low, high);
    }

    /** @return "3 / 10 / 2" */
    public String wlt() {
        return wins + " / " + losses + " / " + ties;
    }
}
