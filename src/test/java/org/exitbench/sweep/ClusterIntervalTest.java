package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster interval: shared baselines widen it; one cluster gives none. */
class ClusterIntervalTest {

    @Test
    void differencesThatShareABaselineCountOnceTowardsTheInterval() {
        // Four baselines, each shared by eight differences that move together: effectively four observations.
        Map<String, List<Double>> clustered = new LinkedHashMap<>();
        Map<String, List<Double>> independent = new LinkedHashMap<>();
        double[] baselineNoise = {-1.0, 0.4, 1.2, -0.2};
        int unit = 0;
        for (int b = 0; b < 4; b++) {
            for (int k = 0; k < 8; k++) {
                double v = baselineNoise[b] + 0.01 * k;
                clustered.computeIfAbsent("b" + b, x -> new ArrayList<>()).add(v);
                independent.put("u" + unit++, List.of(v));
            }
        }
        ClusterInterval c = ClusterInterval.of(clustered, 0.1);
        ClusterInterval i = ClusterInterval.of(independent, 0.1);
        assertEquals(i.mean(), c.mean(), 1e-12, "equal cluster sizes: the mean of cluster means is the mean");
        assertEquals(32, c.units());
        assertEquals(4, c.clusters());
        assertTrue(c.high() - c.low() > 1.5 * (i.high() - i.low()),
                "clustered " + c.interval() + " against independent " + i.interval());
        assertFalse(c.above() || c.below(), "the clustered interval includes 0: " + c.interval());
    }

    @Test
    void aClearEffectIsAboveZeroAndOneClusterHasNoInterval() {
        Map<String, List<Double>> byCluster = new LinkedHashMap<>();
        for (int b = 0; b < 6; b++) {
            byCluster.put("b" + b, List.of(1.0 + 0.1 * b, 1.2, Double.NaN));
        }
        ClusterInterval up = ClusterInterval.of(byCluster, 0.1);
        assertTrue(up.above(), up.interval());
        assertEquals(12, up.units(), "NaN differences are dropped");
        assertEquals("12 / 0 / 0", up.wlt());
        ClusterInterval one = ClusterInterval.of(Map.of("only", List.of(0.5, 0.7)), 0.1);
        assertFalse(one.hasInterval());
        assertTrue(one.interval().contains("one cluster"), one.interval());
        assertEquals("—", ClusterInterval.of(Map.of(), 0.1).interval());
    }

    /**
     * A difference whose interval excludes 0 but whose mean is within the tie tolerance is negligible: the verdict
     * says so instead of "holds" (seen with two clusters whose compute differences were +0.43 and +0.47 points,
     * against a tolerance of 0.5).
     */
    @Test
    void aVerdictCountsADifferenceOnlyBeyondTheTolerance() {
        ClusterInterval small = ClusterInterval.of(Map.of("seed 1", List.of(0.43), "seed 2", List.of(0.47)), 0.5);
        assertTrue(small.above(), small.interval());
        assertEquals("holds", FairComparison.verdict(small));
        assertEquals("does not hold (a difference within the tolerance)", FairComparison.verdict(small, 0.5));
        ClusterInterval large = ClusterInterval.of(Map.of("seed 1", List.of(1.3), "seed 2", List.of(1.5),
                "seed 3", List.of(1.4)), 0.5);
        assertEquals("holds", FairComparison.verdict(large, 0.5));
        ClusterInterval against = ClusterInterval.of(Map.of("seed 1", List.of(-1.3), "seed 2", List.of(-1.5),
                "seed 3", List.of(-1.4)), 0.5);
        assertEquals("does not hold", FairComparison.verdict(against, 0.5));
        ClusterInterval none = ClusterInterval.of(Map.of("seed 1", List.of(-1.0), "seed 2", List.of(1.2)), 0.5);
        assertEquals("does not hold (no difference)", FairComparison.verdict(none, 0.5));
    }
}
