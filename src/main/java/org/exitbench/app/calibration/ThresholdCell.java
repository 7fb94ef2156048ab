package org.exitbench.app.calibration;

import java.util.Locale;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.theme.ExitPalette;
import org.exitbench.calibrate.ClassReport;

/**
 * One cell of the threshold grid, for one exit and one class: a compact slider for τ (with a "never" notch past
 * 1), the value, the exit's precision on the class against CPM's bar, and how many validation images it takes
 * of those that reach it with this answer.
 */
final class ThresholdCell extends VBox {

    private final int exit;
    private final int predictedClass;
    private final String exitHex;
    private final Slider slider = new Slider(0, ThresholdScale.NEVER_POSITION, 1);
    private final Label value = new Label();
    private final PrecisionBar precision = new PrecisionBar();
    private final Label counts = new Label();
    private final Tooltip tooltip = new Tooltip();
    private boolean updating;
    private ClassReport shownReport;
    private String shownClassName;
    private static final PseudoClass NEVER = PseudoClass.getPseudoClass("never");

    ThresholdCell(CalibrationViewModel model, int exit, int exitCount, int predictedClass) {
        this.exit = exit;
        this.predictedClass = predictedClass;
        this.exitHex = ExitPalette.hexOfIndex(exit, exitCount);
        getStyleClass().add("threshold-cell");
        setId("threshold-" + exit + "-" + predictedClass);
        slider.getStyleClass().add("threshold-slider");
        slider.setBlockIncrement(0.01);
        slider.setFocusTraversable(true);
        // The slider's track in the exit's colour: the cell belongs to that exit.
        slider.setStyle("-exit-color: " + exitHex + ";");
        value.getStyleClass().add("threshold-value");
        counts.getStyleClass().add("threshold-counts");
        value.setMinWidth(Region.USE_PREF_SIZE);
        counts.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(slider, Priority.ALWAYS);
        HBox.setHgrow(precision, Priority.ALWAYS);
        slider.setMinWidth(60);
        HBox top = new HBox(4, slider, value);
        top.setAlignment(Pos.CENTER_LEFT);
        HBox bottom = new HBox(6, precision, counts);
        bottom.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(top, bottom);
        setSpacing(2);
        tooltip.setOnShowing(event -> tooltip.setText(describe()));
        Tooltip.install(this, tooltip);

        slider.valueProperty().addListener((obs, old, now) -> {
            if (updating) {
                return;
            }
            model.previewThreshold(exit, predictedClass, ThresholdScale.threshold(now.doubleValue()));
            if (!slider.isValueChanging()) {
                model.commitEdit();
            }
        });
        slider.valueChangingProperty().addListener((obs, was, now) -> {
            if (!updating && !now) {
                model.commitEdit();
            }
        });
    }

    /** @return the slider, for tests */
    Slider slider() {
        return slider;
    }

    /** @return whether the precision gauge is amber */
    boolean belowBar() {
        return precision.belowBar();
    }

    /** Shows the cell's state from the current evaluation. */
    void show(ClassReport report, String className) {
        updating = true;
        try {
            double position = ThresholdScale.position(report.threshold());
            // Never move the slider under the user's pointer: it already shows what they chose.
            if (!slider.isValueChanging() && slider.getValue() != position
                    && ThresholdScale.threshold(slider.getValue()) != report.threshold()) {
                slider.setValue(position);
            }
        } finally {
            updating = false;
        }
        value.setText(DisplayText.threshold(report.threshold()));
        precision.show(exitHex, report.exitPrecision(), report.bar(), report.anchorPrecision());
        counts.setText(DisplayText.count(report.exitedCount()) + "/" + DisplayText.count(report.survivorCount()));
        pseudoClassStateChanged(NEVER,
                report.threshold() == Double.POSITIVE_INFINITY);
        shownReport = report;
        shownClassName = className;
    }

    /** The tooltip's text, written when it is about to show rather than for every cell on every update. */
    private String describe() {
        ClassReport report = shownReport;
        if (report == null) {
            return "";
        }
        return String.format(Locale.ROOT, "Exit %d, answer %s (validation split)%n"
                        + "threshold τ = %s%n"
                        + "takes %s of the %s validation images that reach it with this answer%n"
                        + "precision of those taken: %s%n"
                        + "bar (CPM): %s · anchor (backbone precision): %s%s",
                exit + 1, shownClassName, DisplayText.threshold(report.threshold()),
                DisplayText.count(report.exitedCount()), DisplayText.count(report.survivorCount()),
                DisplayText.probability(report.exitPrecision()), DisplayText.probability(report.bar()),
                DisplayText.probability(report.anchorPrecision()),
                PrecisionBar.isBelowBar(report.exitPrecision(), report.bar()) ? "\nBelow the bar." : "");
    }

    /** @return the cell's exit, 0..K−1 */
    int exit() {
        return exit;
    }

    /** @return the cell's class */
    int predictedClass() {
        return predictedClass;
    }
}
