package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paired statistics on hand-made differences whose answers are known. */
class PairedStatisticsTest {

    private static Map<String, List<Double>> oneSeedEach(double... differences) {
        Map<String, List<Double>> units = new LinkedHashMap<>();
        for (int i = 0; i < differences.length; i++) {
            units.put("c" + i, List.of(differences[i]));
        }
        return units;
    }

    @Test
    void meanStandardDeviationAndStudentIntervalOverConfigurations() {
        PairedStatistics s = PairedStatistics.of(oneSeedEach(1, 2, 3, 4, 5), 0);
        assertEquals(3.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), s.standardDeviation(), 1e-12);
        // t(0.975, 4) = 2.776445105; half width = t · s / √n.
        double half = 2.776445105 * Math.sqrt(2.5) / Math.sqrt(5);
        assertEquals(3 - half, s.ciLow(), 1e-8);
        assertEquals(3 + half, s.ciHigh(), 1e-8);
        assertEquals(5, s.pairs());
        assertEquals(5, s.units());
        assertEquals(5, s.wins());
        assertEquals(5, s.unitWins());
        // All five configurations better: two-sided sign test p = 2 · (1/2)^5.
        assertEquals(0.0625, s.signTestP(), 1e-12);
        assertEquals("+3.00 [+1.04, +4.96]", s.interval());
    }

    @Test
    void theStudentQuantileMatchesTables() {
        assertEquals(12.706204736, PairedStatistics.tQuantile(1), 1e-6);
        assertEquals(2.262157163, PairedStatistics.tQuantile(9), 1e-8);
        assertEquals(1.998340543, PairedStatistics.tQuantile(63), 1e-8);
    }

    @Test
    void theSignTestIsTheExactBinomial() {
        // 9 wins, 1 loss: P(X ≤ 1) = 11/1024 on each side.
        assertEquals(22.0 / 1024, PairedStatistics.signTest(9, 1), 1e-12);
        assertEquals(1.0, PairedStatistics.signTest(3, 3), 1e-12);
        assertEquals(1.0, PairedStatistics.signTest(0, 0), 0, "all tied: no evidence either way");
        assertEquals(2.0 / 65536, PairedStatistics.signTest(0, 16), 1e-15);
    }

    @Test
    void differencesWithinTheToleranceAreTiesAndLeaveTheSignTest() {
        PairedStatistics s = PairedStatistics.of(oneSeedEach(0.05, -0.05, 1.0, -2.0, 0.1), 0.1);
        assertEquals(1, s.wins());
        assertEquals(1, s.losses());
        assertEquals(3, s.ties(), "±0.05 and exactly the tolerance are ties");
        assertEquals(1.0, s.signTestP(), 1e-12, "one win against one loss");
    }

    @Test
    void seedsOfOneConfigurationAreAveragedBeforeTheyCount() {
        Map<String, List<Double>> units = new LinkedHashMap<>();
        units.put("a", List.of(1.0, 3.0));
        units.put("b", List.of(-1.0, -1.0));
        units.put("c", List.of(2.0, Double.NaN));
        PairedStatistics s = PairedStatistics.of(units, 0);
        assertEquals(5, s.pairs(), "the NaN difference is left out");
        assertEquals(3, s.wins());
        assertEquals(2, s.losses());
        assertEquals(3, s.units());
        assertEquals(2, s.unitWins());
        assertEquals(1, s.unitLosses());
        assertEquals((2.0 - 1.0 + 2.0) / 3, s.mean(), 1e-12, "means of 2, −1 and 2");
        // Seed spread: SD of {1, 3} = √2, of {−1, −1} = 0; c has one seed left and does not count.
        assertEquals(Math.sqrt(2) / 2, s.seedSpread(), 1e-12);
    }

    @Test
    void oneConfigurationHasNoInterval() {
        PairedStatistics s = PairedStatistics.of(oneSeedEach(2.5), 0);
        assertEquals(2.5, s.mean(), 0);
        assertTrue(Double.isNaN(s.ciLow()) && Double.isNaN(s.ciHigh()) && Double.isNaN(s.standardDeviation()));
        assertEquals("+2.50", s.interval());
        assertTrue(Double.isNaN(PairedStatistics.of(Map.of(), 0).mean()));
        assertEquals("—", PairedStatistics.of(Map.of(), 0).interval());
    }
}
