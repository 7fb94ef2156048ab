package org.exitbench.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A 95 % interval for the mean of paired differences that are not independent: differences that share a cluster
 * (several boosted cascades compared with the same non-boosted branches) are first averaged, and the interval is
 * Student's t over the cluster means with (clusters − 1) degrees of freedom. A t-interval over 64 configurations
 * that share 32 baselines counts each baseline's noise twice and is too narrow (issue 17); with few clusters this
 * one is honestly wide (t = 4.30 for three), where a bootstrap over three clusters would pretend to know more.
 *
 * @param mean     the mean of the cluster means: each independent baseline weighs the same
 * @param low      the lower bound; NaN with fewer than two clusters
 * @param high     the upper bound; NaN likewise
 * @param units    the differences
 * @param clusters the clusters they fall into
 * @param wins     differences above the tolerance
 * @param losses   differences below minus the tolerance
 * @param ties     the rest
 */
public record ClusterInterval(double mean, double low, double high, int units, int clusters, int wins, int losses,
                              int ties) {

    /**
     * @param byCluster per cluster, its differences (NaN entries are dropped, then empty clusters)
     * @param tolerance differences within ± this are ties
     */
    public static ClusterInterval of(Map<String, List<Double>> byCluster, double tolerance) {
        PairedStatistics s = PairedStatistics.of(byCluster, tolerance);
        return new ClusterInterval(s.mean(), s.ciLow(), s.ciHigh(), s.pairs(), s.units(), s.wins(), s.losses(),
                s.ties());
    }

    /** Groups differences by a cluster key, keeping first-seen order. */
    public static final class Builder {
        private final Map<String, List<Double>> byCluster = new LinkedHashMap<>();

        /** Adds one difference to its cluster. */
        public Builder add(String cluster, double value) {
            byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(value);
            return this;
        }

        /** @return the interval at this tolerance */
        public ClusterInterval build(double tolerance) {
            return of(byCluster, tolerance);
        }
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

    /** @return "−0.42 [−0.61, −0.20]", "+0.3 [one cluster: no interval]", or "—" when there is nothing */
    public String interval() {
        if (units == 0) {
            return "—";
        }
        if (!hasInterval()) {
            return String.format(Locale.ROOT, "%+.2f [one cluster: no interval]", mean);
        }
        return String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", mean, low, high);
    }

    /** @return "3 / 10 / 2" */
    public String wlt() {
        return wins + " / " + losses + " / " + ties;
    }
}
