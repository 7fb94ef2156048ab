package org.exitbench.app.analysis;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The speedup under the Analysis pane's chart ({@link AnalysisView#speedupSlot()}): the live theoretical figure, the
 * stored theoretical / simulated / measured figures with latencies, machine and date, the note on their thresholds,
 * and the "Measure speedup" button.
 */
public final class SpeedupView {

    private final VBox root = new VBox(2);

    /** @param model the slot's state */
    public SpeedupView(SpeedupViewModel model) {
        Label title = new Label("Speedup · batch 1");
        title.getStyleClass().add("panel-title");
        title.setMinWidth(0);
        title.setWrapText(true);
        title.setMinHeight(Region.USE_PREF_SIZE);
        Button measure = new Button("Measure speedup");
        measure.setId("measureSpeedup");
        measure.getStyleClass().add("small-button");
        measure.setMinWidth(Region.USE_PREF_SIZE);
        measure.setTooltip(new Tooltip("Export this cascade at the current thresholds and time it against the whole "
                + "backbone, one test image at a time; the result is kept in the run folder"));
        measure.disableProperty().bind(model.canMeasureProperty().not());
        measure.setOnAction(event -> model.measure());
        CheckBox alsoOnnx = new CheckBox("+ ONNX Runtime");
        alsoOnnx.setId("speedupAlsoOnnx");
        alsoOnnx.setMinWidth(Region.USE_PREF_SIZE);
        alsoOnnx.setTooltip(new Tooltip("Also export the cascade as one cascade.onnx (exits as If nodes) and time it "
                + "with ONNX Runtime on the same images, beside DL4J"));
        alsoOnnx.selectedProperty().bindBidirectional(model.alsoOnnxProperty());
        alsoOnnx.disableProperty().bind(model.measuringProperty());
        // The title alone on its line and the actions in a flow: in a narrow column neither is cut.
        title.setMaxWidth(Double.MAX_VALUE);
        FlowPane actions = new FlowPane(10, 4, alsoOnnx, measure);
        actions.setAlignment(Pos.CENTER_LEFT);
        root.getChildren().addAll(title, actions,
                line("speedupTheoretical", model.theoreticalProperty(), null),
                line("speedupFigures", model.figuresProperty(), "speedup-figures"),
                line("speedupLatency", model.latencyProperty(), "muted"),
                line("speedupOnnx", model.onnxFiguresProperty(), "speedup-figures"),
                line("speedupContext", model.contextProperty(), "muted"),
                line("speedupThresholdNote", model.thresholdNoteProperty(), "muted"),
                line("speedupStatus", model.statusProperty(), "muted"));
        root.setId("speedupView");
        root.getStyleClass().add("speedup-view");
    }

    /** @return the view, for {@link AnalysisView#speedupSlot()} */
    public Node node() {
        return root;
    }

    private static Label line(String id, ReadOnlyStringProperty text, String styleClass) {
        Label label = new Label();
        label.setId(id);
        if (styleClass != null) {
            label.getStyleClass().add(styleClass);
        }
        label.setWrapText(true);
        label.setMinWidth(0);
        // Its full height at the width it gets: otherwise a wrapped line ends in an ellipsis.
        label.setMinHeight(Region.USE_PREF_SIZE);
        label.textProperty().bind(text);
        label.visibleProperty().bind(text.isNotEmpty());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }
}
