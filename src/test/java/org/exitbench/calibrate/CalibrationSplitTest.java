package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The calibration split: stratified, seeded, disjoint parts that cover the validation split. */
class CalibrationSplitTest {

    /** 3 classes of 10, 20 and 1 rows, interleaved. */
    private static int[] labels() {
        int[] labels = new int[31];
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 3 == 0 ? 0 : 1;
        }
        labels[30] = 2;
        return labels;
    }

    @Test
    void eachClassGivesItsShareAndThePartsCoverTheSplitOnce() {
        int[] labels = labels();
        CalibrationSplit.Parts parts = CalibrationSplit.of(0.5).split(labels);
        int[] perClass = new int[3];
        for (int r : parts.calibration()) {
            perClass[labels[r]]++;
        }
        // 10 → 5, 20 → 10, and a class of one row stays with early stopping.
        assertArrayEquals(new int[] {5, 10, 0}, perClass);
        boolean[] calibration = parts.calibrationMask();
        boolean[] stopping = parts.stoppingMask();
        for (int i = 0; i < labels.length; i++) {
            assertTrue(calibration[i] ^ stopping[i], "row " + i + " is in exactly one part");
        }
        assertEquals(31, parts.stopping().length + parts.calibration().length);
        int[] sorted = parts.calibration().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, parts.calibration(), "rows ascending");
    }

    @Test
    void theSameSeedGivesTheSamePartsAndAnotherSeedOthers() {
        int[] labels = labels();
        assertEquals(CalibrationSplit.of(0.5).split(labels), new CalibrationSplit(0.5, 17).split(labels));
        assertNotEquals(CalibrationSplit.of(0.5).split(labels), new CalibrationSplit(0.5, 18).split(labels));
    }

    @Test
    void offUsesEveryRowForBothJobs() {
        CalibrationSplit.Parts parts = CalibrationSplit.off().split(labels());
        assertFalse(CalibrationSplit.off().isOn());
        assertEquals(31, parts.stopping().length);
        assertArrayEquals(parts.stopping(), parts.calibration());
    }

    @Test
    void aFractionOutOfRangeIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationSplit.of(0.05));
        assertTrue(e.getMessage().startsWith("calibration fraction must be 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CalibrationSplit.of(0.95));
        assertThrows(IllegalArgumentException.class, () -> CalibrationSplit.of(Double.NaN));
    }
}
