package org.exitbench.app.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Slider positions and thresholds: 0..1 on the track, "never" (+∞) on a notch past its end. */
class ThresholdScaleTest {

    @Test
    void neverSitsOnTheNotchAndTheNotchMeansNever() {
        assertEquals(ThresholdScale.NEVER_POSITION, ThresholdScale.position(Double.POSITIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, ThresholdScale.threshold(ThresholdScale.NEVER_POSITION));
        assertEquals(Double.POSITIVE_INFINITY, ThresholdScale.threshold(1.04));
        assertEquals(1.0, ThresholdScale.threshold(1.02), "just past 1 is still the track's end");
    }

    @Test
    void theTrackIsRoundedToThousandthsAndClamped() {
        assertEquals(0.873, ThresholdScale.threshold(0.87312));
        assertEquals(0.0, ThresholdScale.threshold(-0.2));
        assertEquals(0.0, ThresholdScale.position(Double.NEGATIVE_INFINITY));
        assertEquals(0.5, ThresholdScale.position(0.5));
    }
}
