package org.exitbench.app.operatingpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javafx.util.StringConverter;

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

    @Test
    void numberFieldsReadEitherDecimalPointAndKeepTheirValueOnNonsense() {
        StringConverter<Double> field = DisplayText.decimal("%.1f", () -> 2.5);
        assertEquals("1.3", field.toString(1.25));
        assertEquals("", field.toString(null));
        assertEquals(0.75, field.fromString(" 0,75 "));
        assertEquals(0.75, field.fromString("0.75"));
        assertEquals(2.5, field.fromString("two"), "text that is not a number keeps the value");
    }

    @Test
    void choicesAreNamedAndNeverTyped() {
        StringConverter<Split> choices = DisplayText.choiceNames(DisplayText::splitName);
        assertEquals("validation", choices.toString(Split.VALID));
        assertEquals("", choices.toString(null));
        assertThrows(UnsupportedOperationException.class, () -> choices.fromString("validation"));
    }
}
