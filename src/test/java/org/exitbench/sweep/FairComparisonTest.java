package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Protocols (a) and (b) and v1's re-calibrated curves per level of an axis, with intervals over shared baselines. */
class FairComparisonTest {

    private static final double BACKBONE_VALID = 0.90;
    private static final double BACKBONE_TEST = 0.91;

    private static SweepResult.Point point(double margin, double validAccuracy, double validReduction,
                                           double testAccuracy, double testReduction) {
        return new SweepResult.Point(margin, validAccuracy, validReduction, testAccuracy, testReduction,
                List.of(0.5, 0.5));
    }

    /**
     * A cascade trained at {@code margin}: validation loses 0.5 points at m = 0 and 4 at m = 0.1, test saves
     * {@code extra} more compute than the plain curve at every point.
     */
    private static SweepResult.ModeResult cascade(String mode, double margin, double extra) {
        List<SweepResult.Point> curve = List.of(point(0.0, 0.895, 0.20, 0.905, 0.21 + extra),
                point(0.1, 0.860, 0.50, 0.870, 0.52 + extra));
        SweepResult.Point trained = margin == 0.0 ? curve.get(0) : curve.get(1);
        return new SweepResult.ModeResult(mode, List.of("stage1"), List.of(), List.of(100L), 1.0, trained, curve,
                null, null);
    }

    @Test
    void aLevelComparesWithinBudgetsByBothProtocolsOverClustersOfSharedBaselines() {
        SweepDefinition d = SweepDefinition.fromJson("""
                {"name": "hand-made",
                 "axes": [{"name": "capacity", "field": "branch.filters", "values": [4, 16]},
                          {"name": "margin", "field": "cpm.margin", "values": [0.0, 0.1]}],
                 "marginAxis": "margin", "modes": ["boosted", "non-boosted"], "baseline": "non-boosted",
                 "seeds": [1, 2, 3], "budgets": [1, 2]}""", null);
        List<SweepConfiguration> configurations = d.configurations("data", null);
        Map<String, SweepResult> results = new HashMap<>();
        for (SweepConfiguration c : configurations) {
            boolean wide = c.labels().get("capacity").equals("16");
            double margin = Double.parseDouble(c.labels().get("margin"));
            for (long seed : d.seeds()) {
                // Wide branches: boosted saves 3, 5 or 7 points more on test (per seed) at the same validation
                // curve; narrow ones: the two modes are the same.
                double extra = wide ? (1 + 2 * seed) / 100.0 : 0;
                results.put(SweepFolder.trialName(c.key(), seed), new SweepResult(c.key(), c.id(), c.labels(),
                        seed, null, JsonNodeFactory.instance.objectNode(), BACKBONE_VALID, BACKBONE_TEST,
                        List.of(cascade("boosted", margin, extra), cascade("non-boosted", margin, 0)), 1.0, "now"));
            }
        }
        FairComparison fair = FairComparison.of(d, configurations, results);
        FairComparison.ModeComparison boosted = fair.modes().get(0);
        FairComparison.Level wide = level(boosted, "16");
        FairComparison.Level narrow = level(boosted, "4");

        for (ClusterInterval budget : wide.recalibratedBudgetReductions()) {
            assertEquals(5.0, budget.mean(), 1e-9);
            assertEquals(3, budget.clusters(), "the two margins of a seed share its baseline: one cluster, not two");
            assertEquals(6, budget.units());
            assertTrue(budget.low() > 0 && budget.low() < 5, budget.interval());
        }
        // (b): the retrained point within 1 or 2 points on validation is the m = 0 cascade of each mode.
        for (ClusterInterval budget : wide.budgetReductions()) {
            assertEquals(5.0, budget.mean(), 1e-9);
            assertEquals(3, budget.clusters());
        }
        for (ClusterInterval budget : narrow.recalibratedBudgetReductions()) {
            assertEquals(0.0, budget.mean(), 1e-12);
        }
        assertEquals(d.budgets().size(), narrow.budgetReductions().size());
        // The margin axis's own levels have no curves to compare along, only re-calibrated budgets.
        assertTrue(boosted.byTrainingMargin().get(0).budgetReductions().isEmpty());
        assertEquals(2, boosted.byTrainingMargin().get(0).recalibratedBudgetReductions().size());
    }

    private static FairComparison.Level level(FairComparison.ModeComparison m, String label) {
        return m.byAxis().stream().filter(l -> l.axis().equals("capacity") && l.label().equals(label))
                .findFirst().orElseThrow();
    }
}
