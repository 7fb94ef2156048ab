package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.exitbench.calibrate.AccuracyBudget.Candidate;
import org.junit.jupiter.api.Test;

/** The one rule for the best compute saving within an accuracy budget, at its edges. */
class AccuracyBudgetTest {

    private static Candidate point(double lossPoints, double reduction) {
        return new Candidate(lossPoints, reduction, 0.9 - lossPoints / 100);
    }

    @Test
    void theLargestSavingWithinTheBudgetWinsEvenWhenTheCurveIsNotMonotone() {
        List<Candidate> curve = List.of(point(0.2, 0.10), point(1.5, 0.30), point(1.2, 0.25), point(3.0, 0.45),
                point(1.9, 0.35));
        assertEquals(Optional.of(4), AccuracyBudget.choose(curve, 2.0));
        assertEquals(Optional.of(1), AccuracyBudget.choose(curve, 1.5));
        assertEquals(Optional.of(3), AccuracyBudget.choose(curve, 3.0));
    }

    @Test
    void aLossOfExactlyTheBudgetIsWithinItDespiteRounding() {
        double lossJustAbove = 100 * (0.91 - 0.89); // 2.0000000000000018
        assertTrue(lossJustAbove > 2.0);
        assertEquals(Optional.of(0), AccuracyBudget.choose(List.of(point(lossJustAbove, 0.2)), 2.0));
        assertEquals(Optional.empty(), AccuracyBudget.choose(List.of(point(2.001, 0.2)), 2.0));
    }

    @Test
    void aPointThatSavesNothingOrCostsMoreIsNeverChosenTheBackboneAloneIsBetter() {
        assertEquals(Optional.empty(), AccuracyBudget.choose(List.of(point(0.0, 0.0), point(-0.1, -0.05)), 1.0),
                "saving nothing at no loss is what switching the exits off already gives");
        assertEquals(Optional.of(1), AccuracyBudget.choose(List.of(point(0.0, -0.02), point(0.5, 0.01)), 1.0));
    }

    @Test
    void equalSavingsGoToTheMoreAccurateThenToTheFirstTried() {
        List<Candidate> tiedOnSaving = List.of(point(1.0, 0.3), point(0.4, 0.3), point(0.8, 0.3));
        assertEquals(Optional.of(1), AccuracyBudget.choose(tiedOnSaving, 2.0), "the more accurate");
        List<Candidate> tiedOnBoth = List.of(point(0.5, 0.1), point(0.4, 0.3), point(0.4, 0.3));
        assertEquals(Optional.of(1), AccuracyBudget.choose(tiedOnBoth, 2.0), "the first tried: the smaller margin");
    }

    @Test
    void aGainInAccuracyIsWithinAnyBudgetAndNoCandidatesMeansNone() {
        assertEquals(Optional.of(0), AccuracyBudget.choose(List.of(point(-0.3, 0.2)), 0.0));
        assertEquals(Optional.empty(), AccuracyBudget.choose(List.of(), 5.0));
    }

    @Test
    void aNegativeOrUndefinedBudgetIsRefused() {
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AccuracyBudget.choose(List.of(point(0, 0.1)), bad));
            assertTrue(e.getMessage().startsWith("the accuracy budget must be 0 or more points"), e.getMessage());
        }
    }
}
