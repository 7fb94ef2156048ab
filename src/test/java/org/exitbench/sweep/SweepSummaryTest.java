package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operating points per budget, the matched-compute gap and the summary, on hand-made curves. */
class SweepSummaryTest {

    private static final double BACKBONE_VALID = 0.90;
    private static final double BACKBONE_TEST = 0.91;

    private static SweepResult.Point point(double margin, double validAccuracy, double validReduction,
                                           double testAccuracy, double testReduction) {
        return new SweepResult.Point(margin, validAccuracy, validReduction, testAccuracy, testReduction,
                List.of(0.5, 0.2, 0.3));
    }

    /** A curve: validation loses 0.5, 1.5, 4 and 10 points for 20, 35, 50 and 70 % less compute. */
    private static List<SweepResult.Point> curve(double testShift) {
        return List.of(point(0.0, 0.895, 0.20, 0.905 + testShift, 0.21),
                point(0.05, 0.885, 0.35, 0.890 + testShift, 0.36),
                point(0.10, 0.860, 0.50, 0.870 + testShift, 0.52),
                point(0.20, 0.800, 0.70, 0.800 + testShift, 0.71));
    }

    private static SweepResult.ModeResult mode(String name, List<SweepResult.Point> curve) {
        return new SweepResult.ModeResult(name, List.of("stage1", "stage2"), List.of(), List.of(100L, 200L), 1.0,
                curve.get(curve.size() - 1), curve, null, null);
    }

    @Test
    void aBudgetIsMetOnValidationAndReportedOnTest() {
        SweepResult.ModeResult m = mode("boosted", curve(0));
        assertEquals(0.0, m.atBudget(1, BACKBONE_VALID, BACKBONE_TEST).margin());
        assertEquals(0.05, m.atBudget(2, BACKBONE_VALID, BACKBONE_TEST).margin());
        SweepResult.Point five = m.atBudget(5, BACKBONE_VALID, BACKBONE_TEST);
        assertEquals(0.10, five.margin());
        assertEquals(0.52, five.testReduction(), "what is reported is the test split's");
        assertEquals(0.87, five.testAccuracy());

        SweepResult.Point none = m.atBudget(0.25, BACKBONE_VALID, BACKBONE_TEST);
        assertTrue(none.isBackboneAlone(), "no margin keeps validation within 0.25 points: switch the exits off");
        assertEquals(0.0, none.testReduction());
        assertEquals(BACKBONE_TEST, none.testAccuracy());
        assertEquals(List.of(0.0, 0.0, 1.0), none.testExitRates());

        // A point within the budget that costs compute (branches evaluated, nothing exits) is no operating point.
        SweepResult.ModeResult costly = mode("boosted", List.of(point(0.0, 0.90, -0.01, 0.91, -0.01)));
        assertTrue(costly.atBudget(1, BACKBONE_VALID, BACKBONE_TEST).isBackboneAlone());
    }

    @Test
    void matchedComputeIsTheMeanGapBetweenTheFrontsOverTheCommonRange() {
        // A better by exactly one point everywhere.
        assertEquals(0.01, SweepSummary.matchedAccuracyDifference(curve(0.01), curve(0)), 1e-12);
        // Over [0.2, 0.4], A leads by 5 points only at 0.2 and trails by 5 points after: the mean is about −5.
        List<SweepResult.Point> a = List.of(point(0, 0, 0, 0.90, 0.2), point(0, 0, 0, 0.80, 0.4));
        List<SweepResult.Point> b = List.of(point(0, 0, 0, 0.85, 0.2), point(0, 0, 0, 0.85, 0.4));
        assertEquals(-0.05, SweepSummary.matchedAccuracyDifference(a, b), 1e-3);
        // A dominated point does not lower the front.
        List<SweepResult.Point> withWorse = new ArrayList<>(a);
        withWorse.add(point(0, 0, 0, 0.50, 0.3));
        assertEquals(SweepSummary.matchedAccuracyDifference(a, b),
                SweepSummary.matchedAccuracyDifference(withWorse, b), 1e-15);
        // Ranges that do not overlap cannot be compared.
        List<SweepResult.Point> far = List.of(point(0, 0, 0, 0.8, 0.6), point(0, 0, 0, 0.7, 0.7));
        assertTrue(Double.isNaN(SweepSummary.matchedAccuracyDifference(a, far)));
    }

    @Test
    void theSummaryPairsModesByConfigurationAndSeed() {
        SweepDefinition d = SweepDefinition.fromJson("""
                {"name": "hand-made",
                 "axes": [{"name": "filters", "field": "branch.filters", "values": [4, 16]},
                          {"name": "exits", "field": "exitPoints", "values": [["stage1"], ["stage1", "stage2"]]}],
                 "seeds": [1, 2], "budgets": [1, 2, 5]}""", null);
        List<SweepConfiguration> configurations = d.configurations("data", null);
        Map<String, SweepResult> results = new HashMap<>();
        for (SweepConfiguration c : configurations) {
            for (long seed : d.seeds()) {
                // Boosted: the same validation curve, one point more accurate on test.
                results.put(SweepFolder.trialName(c.key(), seed), new SweepResult(c.key(), c.id(), c.labels(), seed,
                        null, JsonNodeFactory.instance.objectNode(), BACKBONE_VALID, BACKBONE_TEST,
                        List.of(mode("boosted", curve(0.01)), mode("non-boosted", curve(0))), 2.0, "now"));
            }
        }
        SweepConfiguration failing = configurations.get(3);
        results.put(SweepFolder.trialName(failing.key(), 2), new SweepResult(failing.key(), failing.id(),
                failing.labels(), 2, "IllegalArgumentException: broken", JsonNodeFactory.instance.objectNode(),
                Double.NaN, Double.NaN, List.of(), 0.5, "now"));

        SweepSummary s = SweepSummary.of(d, configurations, results);
        assertEquals(8, s.trials());
        assertEquals(7, s.finished());
        assertEquals(1, s.failed());
        SweepSummary.Comparison c = s.comparison("boosted").orElseThrow();
        assertEquals(7, c.trials().size());

        Map<String, PairedStatistics> overall = new HashMap<>();
        c.overall().forEach(m -> overall.put(m.metric().id(), m.statistics()));
        PairedStatistics two = overall.get("reduction_at_2");
        assertEquals(7, two.ties(), "the same validation curve chooses the same margins: no difference");
        assertEquals(0.0, two.mean(), 1e-12);
        PairedStatistics matched = overall.get("matched_accuracy");
        assertEquals(7, matched.wins());
        assertEquals(4, matched.units());
        assertEquals(1.0, matched.mean(), 1e-9);
        assertEquals(1.0, matched.ciLow(), 1e-9, "every configuration gains exactly one point");
        assertEquals(0.125, matched.signTestP(), 1e-12, "4 of 4 configurations: 2 · (1/2)^4");
        assertEquals(1.0, overall.get("trained_accuracy").mean(), 1e-9);

        // Per axis value: two configurations each.
        SweepSummary.Level sixteen = c.levels().stream().filter(l -> l.axis().equals("filters")
                && l.label().equals("16")).findFirst().orElseThrow();
        assertEquals(2, sixteen.metrics().get(0).statistics().units());
        assertEquals(3, sixteen.metrics().stream().filter(m -> m.metric().id().equals("matched_accuracy"))
                .findFirst().orElseThrow().statistics().pairs(), "c04 seed 2 failed");

        SweepSummary.BestReduction best = s.best().stream().filter(b -> b.mode().equals("boosted")
                && b.budget() == 2).findFirst().orElseThrow();
        assertSame(configurations.get(0), best.configuration(), "ties go to the first configuration");
        assertEquals(0.36, best.testReduction(), 1e-12);
        assertEquals(100 * (BACKBONE_TEST - 0.90), best.testDrop(), 1e-9);
    }
}
