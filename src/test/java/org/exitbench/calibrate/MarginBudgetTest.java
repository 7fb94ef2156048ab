package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.Thresholds;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;

/** The accuracy budget: the most compute saved within a loss of at most so many points on validation. */
class MarginBudgetTest {

    private static OperatingPoint point(double margin, double reduction, double change) {
        return new OperatingPoint(margin, reduction, 0.9 + change, change, Thresholds.never(1, 2));
    }

    @Test
    void picksTheLargestSavingWithinTheBudgetEvenWhenTheCurveIsNotMonotone() {
        List<OperatingPoint> points = List.of(point(0.00, 0.10, -0.002), point(0.01, 0.30, -0.015),
                point(0.02, 0.25, -0.012), point(0.03, 0.45, -0.030), point(0.04, 0.35, -0.019));
        assertEquals(0.04, AccuracyBudget.largestSavingWithin(points, 2.0).orElseThrow().parameter());
        assertEquals(0.01, AccuracyBudget.largestSavingWithin(points, 1.5).orElseThrow().parameter());
        assertEquals(0.00, AccuracyBudget.largestSavingWithin(points, 0.2).orElseThrow().parameter(),
                "a loss of exactly the budget is within it");
        assertTrue(AccuracyBudget.largestSavingWithin(points, 0.1).isEmpty());
    }

    @Test
    void searchesEveryMarginOnTheValidationScoresAndMeasuresThePapersPoint() {
        CascadeSource source = SyntheticCascadeSource.withoutImages(4_000, 1_000, 3, 5, 11);
        CpmSettings settings = CpmSettings.builder().marginForm(MarginForm.MULTIPLICATIVE).build();
        MarginBudget found = MarginBudget.search(settings, source.primary().validation(), source.costModel(), 3.0,
                ProgressListener.NONE, CancellationToken.NEVER);

        OperatingPoint chosen = found.chosen().orElseThrow();
        assertTrue(-100 * chosen.accuracyChange() <= 3.0 + 1e-9, "within budget: " + chosen);
        CascadeEvaluator evaluator = new CascadeEvaluator(source.primary().validation(), source.costModel());
        for (OperatingPoint p : MarginSweep.overMargin(settings, MarginBudget.margins(), source.primary().validation(),
                evaluator,
                ProgressListener.NONE, CancellationToken.NEVER)) {
            if (-100 * p.accuracyChange() <= 3.0) {
                assertTrue(p.computeReduction() <= chosen.computeReduction() + 1e-12, "m = " + p.parameter()
                        + " saves more within budget than the chosen m = " + chosen.parameter());
            }
        }
        assertEquals(new CpmCalibrator(settings.toBuilder().margin(chosen.parameter()).build()).calibrate(
                source.primary().validation()), chosen.thresholds(), "the chosen thresholds are CPM at that margin");
        assertEquals(-1.0, found.tightest().parameter());
        assertEquals(MarginBudget.PAPER_MARGIN, found.paper().parameter());
        Thresholds paper = new CpmCalibrator(settings.toBuilder().margin(0.20).marginForm(MarginForm.ADDITIVE).build())
                .calibrate(source.primary().validation());
        assertEquals(paper, found.paper().thresholds(), "the paper's point is m = 0.20 additive, whatever the form");
    }

    @Test
    void theSearchCoversCpmsWholeRangeIncludingNegativeMargins() {
        double[] margins = MarginBudget.margins();
        assertEquals(CpmSettings.MIN_MARGIN, margins[0]);
        assertEquals(CpmSettings.MAX_MARGIN, margins[margins.length - 1]);
        assertEquals(401, margins.length);
        assertTrue(Arrays.stream(margins).anyMatch(m -> m == -0.02), "margins are rounded to the step");
        assertTrue(Arrays.stream(margins).anyMatch(m -> m == 0.0));
    }

    /**
     * Issue 17: a budget that m = 0 already overshoots is met by a negative margin (a bar above the anchor), which a
     * search over m ≥ 0 never tried.
     */
    @Test
    void aBudgetBelowTheLossAtMarginZeroIsMetByANegativeMargin() {
        CascadeSource source = SyntheticCascadeSource.withoutImages(4_000, 1_000, 3, 5, 11);
        CpmSettings settings = CpmSettings.builder().marginForm(MarginForm.ADDITIVE).build();
        CascadeEvaluator evaluator = new CascadeEvaluator(source.primary().validation(), source.costModel());
        Thresholds atZero = new CpmCalibrator(settings.toBuilder().margin(0.0).build())
                .calibrate(source.primary().validation());
        double lossAtZero = -100 * evaluator.evaluate(atZero).accuracyChange();
        List<OperatingPoint> negative = MarginSweep.overMargin(settings,
                Arrays.stream(MarginBudget.margins()).filter(m -> m < 0).toArray(), source.primary().validation(),
                evaluator, ProgressListener.NONE, CancellationToken.NEVER);
        OperatingPoint saving = negative.stream().filter(p -> p.computeReduction() > 0)
                .filter(p -> -100 * p.accuracyChange() < lossAtZero).findFirst()
                .orElseThrow(() -> new AssertionError("the synthetic scores have no negative margin that saves "
                        + "compute for less loss than m = 0 (" + lossAtZero + " points)"));
        double budget = -100 * saving.accuracyChange();

        MarginBudget found = MarginBudget.search(settings, source.primary().validation(), source.costModel(), budget,
                ProgressListener.NONE, CancellationToken.NEVER);

        OperatingPoint chosen = found.chosen().orElseThrow();
        assertTrue(chosen.parameter() < 0, "m = 0 loses " + lossAtZero + " points, over the budget " + budget
                + "; chosen " + chosen);
        assertTrue(chosen.computeReduction() >= saving.computeReduction() - 1e-12, chosen + " vs " + saving);
    }

    @Test
    void aNegativeBudgetIsRefused() {
        CascadeSource source = SyntheticCascadeSource.withoutImages(300, 100, 2, 3, 5);
        assertThrows(IllegalArgumentException.class, () -> MarginBudget.search(CpmSettings.defaults(),
                source.primary().validation(), source.costModel(), -1, ProgressListener.NONE,
                CancellationToken.NEVER));
    }
}
