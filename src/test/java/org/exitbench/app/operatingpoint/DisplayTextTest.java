package org.exitbench.app.operatingpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.exitbench.data.Split;
import org.junit.jupiter.api.Test;

/** Numbers read the same in every pane. */
class DisplayTextTest {

    @Test
    void percentagesAndPoints() {
        assertEquals("87.3 %", DisplayText.percent(0.87312));
        assertEquals("87 %", DisplayText.wholePercent(0.8731));
        assertEquals("\u22121.2 pts", DisplayText.points(-0.0123));
        assertEquals("+0.4 pts", DisplayText.points(0.004));
        assertEquals("±0.0 pts", DisplayText.points(-0.0001));
        assertEquals("—", DisplayText.percent(Double.NaN));
    }

    @Test
    void thresholdsSplitsAndExits() {
        assertEquals("never", DisplayText.threshold(Double.POSITIVE_INFINITY));
        assertEquals("always", DisplayText.threshold(Double.NEGATIVE_INFINITY));
        assertEquals("0.873", DisplayText.threshold(0.87312));
        assertEquals("validation", DisplayText.splitName(Split.VALID));
        assertEquals("exit 2", DisplayText.exitName(1, 3));
        assertEquals("Backbone head", DisplayText.exitTitle(3, 3));
        assertEquals("290.1 M MACs", DisplayText.macs(290_100_000));
    }
}
