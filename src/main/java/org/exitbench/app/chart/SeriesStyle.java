package org.exitbench.app.chart;

import javafx.collections.ListChangeListener;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;

/**
 * Line styles for chart series set from code (an ink, solid or dashed, a width), kept when the chart recreates the
 * series' node, and legend entries drawn the same way.
 */
public final class SeriesStyle {

    private SeriesStyle() {
    }

    /**
     * Styles a series' line now and whenever its node or data change.
     *
     * @param series the series
     * @param ink    a CSS colour
     * @param dashed whether the line is dashed
     * @param width  the stroke width in pixels; 0 hides the line (points only)
     */
    public static void line(XYChart.Series<Number, Number> series, String ink, boolean dashed, double width) {
        Runnable apply = () -> {
            if (series.getNode() != null) {
                series.getNode().setStyle("-fx-stroke: " + (width == 0 ? "transparent" : ink) + "; -fx-stroke-width: "
                        + width + "px;" + (dashed ? " -fx-stroke-dash-array: 6 5;" : ""));
            }
        };
        series.nodeProperty().addListener((obs, old, now) -> apply.run());
        apply.run();
        series.getData().addListener((ListChangeListener<XYChart.Data<Number, Number>>) change -> apply.run());
    }

    /**
     * @param text   the entry's text
     * @param ink    a CSS colour
     * @param dashed whether the line is dashed
     * @return a legend entry: a short line in the series' style and the text
     */
    public static Label legendItem(String text, String ink, boolean dashed) {
        Line line = new Line(0, 0, 22, 0);
        line.setStyle("-fx-stroke: " + ink + "; -fx-stroke-width: 2.5px;" + (dashed ? " -fx-stroke-dash-array: 5 4;"
                : ""));
        Label label = new Label(text, line);
        label.getStyleClass().add("legend-item");
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }
}
