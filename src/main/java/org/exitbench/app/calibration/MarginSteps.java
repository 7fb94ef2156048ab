package org.exitbench.app.calibration;

import javafx.beans.property.DoubleProperty;

/**
 * Keeps the margin slider and the pane's margin in step: a drag moves m in steps of 0.01, while a margin
 * set elsewhere (the accuracy budget's 0.005 grid, a workspace reopened with its saved settings) is shown exactly as
 * it is and never rounded back into the model. Only the user's own slider moves are rounded.
 */
final class MarginSteps {

    /** How many steps a drag of the slider has per unit of m: steps of 0.01. */
    static final int STEPS_PER_UNIT = 100;

    private final DoubleProperty slider;
    private final DoubleProperty model;
    private boolean showingModel;

    private MarginSteps(DoubleProperty slider, DoubleProperty model) {
        this.slider = slider;
        this.model = model;
    }

    /**
     * Links a slider's value to the model's margin; the slider shows the model's value at once.
     *
     * @param slider the slider's value property
     * @param model  the pane's margin
     */
    static void link(DoubleProperty slider, DoubleProperty model) {
        MarginSteps steps = new MarginSteps(slider, model);
        slider.addListener((obs, old, now) -> steps.sliderMoved(now.doubleValue()));
        model.addListener((obs, old, now) -> steps.show(now.doubleValue()));
        steps.show(model.get());
    }

    private void sliderMoved(double value) {
        if (!showingModel) {
            model.set(Math.round(value * STEPS_PER_UNIT) / (double) STEPS_PER_UNIT);
        }
    }

    private void show(double value) {
        showingModel = true;
        try {
            slider.set(value);
        } finally {
            showingModel = false;
        }
    }
}
