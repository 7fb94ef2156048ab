package org.exitbench.app.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import org.exitbench.app.operatingpoint.DisplayText;
import org.junit.jupiter.api.Test;

/** The margin slider and the pane's margin: drags are rounded to 0.01, margins set elsewhere never are. */
class MarginStepsTest {

    private final DoubleProperty slider = new SimpleDoubleProperty(0.20);
    private final DoubleProperty model = new SimpleDoubleProperty();

    @Test
    void aMarginTheSliderIsBuiltForIsShownAsItIsAndNotRoundedBack() {
        model.set(0.005);
        MarginSteps.link(slider, model);
        assertEquals(0.005, model.get(), 0.0);
        assertEquals(0.005, slider.get(), 0.0);
        assertEquals("0.005", DisplayText.margin(model.get()));
    }

    @Test
    void aMarginSetElsewhereKeepsItsThirdDecimal() {
        MarginSteps.link(slider, model);
        model.set(0.015);
        assertEquals(0.015, model.get(), 0.0);
        assertEquals(0.015, slider.get(), 0.0);
        assertEquals("0.015", DisplayText.margin(model.get()));
    }

    @Test
    void aDragMovesTheMarginInStepsOfOneHundredth() {
        MarginSteps.link(slider, model);
        slider.set(0.0349);
        assertEquals(0.03, model.get(), 0.0);
        slider.set(0.2);
        assertEquals(0.2, model.get(), 0.0);
        assertEquals("0.20", DisplayText.margin(model.get()));
    }
}
