package org.exitbench.app.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.operatingpoint.CurveSet;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.cascade.OperatingPoint;

/**
 * Accuracy against compute saved: CPM over its margin and one global threshold as reference curves (and the same
 * for a comparison score set, dashed), the backbone alone at zero saving, and the current operating point, which
 * moves as thresholds change. Only the current point's coordinates change per update; the curves are replaced
 * only when recomputed. Axes are fixed to the curves' extent (and widened when the current point leaves it), so
 * the chart does not jump while a slider is dragged.
 */
public final class AccuracyComputeChart {

    // Reference curves are not exits, so they use neutral inks, never the exit colours.
    private static final String CPM_INK = "#22303f";
    private static final String GLOBAL_INK = "#8a95a3";
    private static final String COMPARISON_INK = "#9c6b30";
    private static final String BACKBONE_INK = "#5b6675";
    private static final String CURRENT_INK = "#111111";

    private final NumberAxis xAxis = new NumberAxis();
    private final NumberAxis yAxis = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(xAxis, yAxis);
    private final XYChart.Series<Number, Number> cpm = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> global = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> comparisonCpm = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> comparisonGlobal = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> backbone = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> current = new XYChart.Series<>();
    private final XYChart.Data<Number, Number> currentPoint = new XYChart.Data<>(0, 0);
    private final Tooltip currentTooltip = new Tooltip();
    private final FlowPane legend = new FlowPane(14, 4);
    private final VBox root;
    private double[] curveBounds;
    private double[] extent;

    /**
     * @param id    the chart's node id
     * @param split what the numbers are measured on, for the title ("validation", "test")
     */
    public AccuracyComputeChart(String id, String split) {
        chart.setId(id);
        chart.getStyleClass().add("accuracy-compute-chart");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.setTitle("Accuracy vs compute saved · " + split + " split");
        xAxis.setLabel("compute saved (%)");
        yAxis.setLabel("accuracy (%)");
        xAxis.setAutoRanging(false);
        yAxis.setAutoRanging(false);
        xAxis.setForceZeroInRange(false);
        yAxis.setForceZeroInRange(false);
        chart.setMinHeight(200);
        // A fixed preferred size, grown by the layout: measuring axes and tick labels on every layout pass would
        // cost more than the rest of a slider move.
        chart.setPrefSize(320, 260);
        // Series are added in drawing order: curves below, the current point on top.
        chart.getData().addAll(List.of(global, cpm, comparisonGlobal, comparisonCpm, backbone, current));
        SeriesStyle.line(cpm, CPM_INK, false, 2.5);
        SeriesStyle.line(global, GLOBAL_INK, true, 2);
        SeriesStyle.line(comparisonCpm, COMPARISON_INK, false, 2);
        SeriesStyle.line(comparisonGlobal, COMPARISON_INK, true, 1.5);
        SeriesStyle.line(backbone, BACKBONE_INK, false, 0);
        SeriesStyle.line(current, CURRENT_INK, false, 0);
        current.getData().add(currentPoint);
        currentPoint.getNode().getStyleClass().add("current-point");
        currentPoint.getNode().setStyle("-fx-background-color: " + CURRENT_INK + ", white;"
                + " -fx-background-radius: 1em; -fx-padding: 0.5em; -fx-background-insets: 0, 0.22em;");
        Tooltip.install(currentPoint.getNode(), currentTooltip);
        legend.getStyleClass().add("chart-legend-row");
        legend.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(chart, Priority.ALWAYS);
        root = new VBox(2, chart, legend);
        root.getStyleClass().add("accuracy-compute-panel");
        setCurves(null, null);
        setCurrent(Double.NaN, Double.NaN);
    }

    /** Leaves the title to the panel around the chart. */
    public void hideTitle() {
        chart.setTitle(null);
    }

    /** @return the chart with its legend, which is also what PNG export captures */
    public Node node() {
        return root;
    }

    /** @return the chart itself */
    public LineChart<Number, Number> chart() {
        return chart;
    }

    /**
     * @param primary    the primary score set's curves, or {@code null} while they are being computed
     * @param comparison a comparison score set's curves, or {@code null}
     */
    public void setCurves(CurveSet primary, CurveSet comparison) {
        fill(cpm, primary == null ? List.of() : primary.cpm(), "CPM, m = ", CPM_INK, 3);
        fill(global, primary == null ? List.of() : primary.global(), "global threshold τ = ", GLOBAL_INK, 2.5);
        fill(comparisonCpm, comparison == null ? List.of() : comparison.cpm(),
                comparison == null ? "" : "CPM (" + comparison.name() + "), m = ", COMPARISON_INK, 2.5);
        fill(comparisonGlobal, comparison == null ? List.of() : comparison.global(),
                comparison == null ? "" : "global τ (" + comparison.name() + ") = ", COMPARISON_INK, 2);
        backbone.getData().clear();
        if (primary != null) {
            XYChart.Data<Number, Number> point = new XYChart.Data<>(0.0, 100 * primary.backboneAccuracy());
            backbone.getData().add(point);
            point.getNode().setStyle("-fx-background-color: " + BACKBONE_INK + "; -fx-background-radius: 0;"
                    + " -fx-padding: 0.38em;");
            Tooltip.install(point.getNode(), new Tooltip("Backbone only: " + DisplayText.percent(
                    primary.backboneAccuracy()) + " accuracy, no compute saved"));
        }
        curveBounds = bounds(primary, comparison);
        extent = null;
        legend(primary, comparison);
        fitAxes();
    }

    /**
     * Moves the current operating point.
     *
     * @param computeReduction the fraction of compute saved (NaN hides the point)
     * @param accuracy         the accuracy
     */
    public void setCurrent(double computeReduction, double accuracy) {
        boolean shown = !Double.isNaN(computeReduction) && !Double.isNaN(accuracy);
        currentPoint.getNode().setVisible(shown);
        if (!shown) {
            return;
        }
        currentPoint.setXValue(100 * computeReduction);
        currentPoint.setYValue(100 * accuracy);
        currentTooltip.setText("Current thresholds: " + DisplayText.percent(accuracy) + " accuracy, "
                + DisplayText.percent(computeReduction) + " compute saved");
        fitAxes();
    }

    /** @return the current point's position in percent: {compute saved, accuracy} */
    public double[] currentPosition() {
        return new double[] {currentPoint.getXValue().doubleValue(), currentPoint.getYValue().doubleValue()};
    }

    private void fill(XYChart.Series<Number, Number> series, List<OperatingPoint> points, String parameterName,
            String ink, double radiusPx) {
        List<XYChart.Data<Number, Number>> data = new ArrayList<>(points.size());
        for (OperatingPoint p : points) {
            if (!Double.isNaN(p.accuracy()) && !Double.isNaN(p.computeReduction())) {
                data.add(new XYChart.Data<>(100 * p.computeReduction(), 100 * p.accuracy(), p));
            }
        }
        series.getData().setAll(data);
        for (XYChart.Data<Number, Number> d : series.getData()) {
            OperatingPoint p = (OperatingPoint) d.getExtraValue();
            d.getNode().setStyle("-fx-background-color: " + ink + "; -fx-background-radius: " + radiusPx
                    + "px; -fx-padding: " + radiusPx + "px;");
            Tooltip.install(d.getNode(), new Tooltip(parameterName + String.format(Locale.ROOT, "%.3f", p.parameter())
                    + ": " + DisplayText.percent(p.accuracy()) + " accuracy, "
                    + DisplayText.percent(p.computeReduction()) + " compute saved"));
        }
    }

    private void legend(CurveSet primary, CurveSet comparison) {
        legend.getChildren().clear();
        if (primary != null) {
            legend.getChildren().add(SeriesStyle.legendItem("CPM over margin m" + (comparison == null ? ""
                    : " (" + primary.name() + ")"), CPM_INK, false));
            legend.getChildren().add(SeriesStyle.legendItem("one global threshold", GLOBAL_INK, true));
        }
        if (comparison != null) {
            legend.getChildren().add(SeriesStyle.legendItem("CPM (" + comparison.name() + ")", COMPARISON_INK,
                    false));
            legend.getChildren().add(SeriesStyle.legendItem("global (" + comparison.name() + ")", COMPARISON_INK,
                    true));
        }
        Region square = new Region();
        square.getStyleClass().add("legend-swatch");
        square.setStyle("-fx-background-color: " + BACKBONE_INK + ";");
        Label backboneItem = new Label("backbone only", square);
        Region ring = new Region();
        ring.getStyleClass().addAll("legend-swatch", "legend-ring");
        ring.setStyle("-fx-background-color: " + CURRENT_INK + ", white; -fx-background-insets: 0, 0.2em;"
                + " -fx-background-radius: 1em;");
        Label currentItem = new Label("current thresholds", ring);
        for (Label label : List.of(backboneItem, currentItem)) {
            label.getStyleClass().add("legend-item");
            label.setMinWidth(Region.USE_PREF_SIZE);
            legend.getChildren().add(label);
        }
        if (primary == null) {
            Label computing = new Label("reference curves: computing…");
            computing.getStyleClass().add("muted");
            legend.getChildren().add(computing);
        }
    }

    /** @return {minX, maxX, minY, maxY} in percent over every curve and the backbone point, or null */
    private static double[] bounds(CurveSet primary, CurveSet comparison) {
        if (primary == null) {
            return null;
        }
        double[] b = {0, 0, 100 * primary.backboneAccuracy(), 100 * primary.backboneAccuracy()};
        for (CurveSet set : comparison == null ? List.of(primary) : List.of(primary, comparison)) {
            for (List<OperatingPoint> curve : List.of(set.cpm(), set.global())) {
                for (OperatingPoint p : curve) {
                    if (!Double.isNaN(p.accuracy()) && !Double.isNaN(p.computeReduction())) {
                        // A curve's far end where (almost) no image leaves early costs the branches and saves
                        // less than nothing; it is not worth a fifth of the axis, so the axis starts at 0 and that
                        // end runs off its left edge. The current point still widens the axis when it lies there.
                        b[1] = Math.max(b[1], 100 * p.computeReduction());
                        b[2] = Math.min(b[2], 100 * p.accuracy());
                        b[3] = Math.max(b[3], 100 * p.accuracy());
                    }
                }
            }
        }
        return b;
    }

    private void fitAxes() {
        // The extent only grows while the curves stay: the axes change when the point leaves them, not on
        // every move (new tick labels would cost a CSS and layout pass per frame).
        if (extent == null) {
            extent = curveBounds == null ? null : curveBounds.clone();
        }
        if (currentPoint.getNode().isVisible()) {
            double x = currentPoint.getXValue().doubleValue();
            double y = currentPoint.getYValue().doubleValue();
            if (extent == null) {
                extent = new double[] {Math.min(0, x), Math.max(0, x), y, y};
            } else {
                extent[0] = Math.min(extent[0], x);
                extent[1] = Math.max(extent[1], x);
                extent[2] = Math.min(extent[2], y);
                extent[3] = Math.max(extent[3], y);
            }
        }
        double[] b = extent == null ? new double[] {0, 50, 50, 100} : extent;
        fit(xAxis, b[0], b[1], true);
        fit(yAxis, b[2], b[3], false);
    }

    /**
     * Sets {@code axis} to a range with round ends around [min, max] and about six ticks; with {@code zeroFloor}
     * it starts at 0 unless a value lies below it (compute saved: the backbone alone sits at 0, nothing saves less).
     */
    private static void fit(NumberAxis axis, double min, double max, boolean zeroFloor) {
        double span = Math.max(max - min, 2);
        double unit = niceStep(span / 6);
        double lower = Math.floor((min - 0.04 * span) / unit) * unit;
        if (zeroFloor && min >= 0) {
            lower = Math.max(0, lower);
        }
        double upper = Math.ceil((max + 0.04 * span) / unit) * unit;
        if (axis.getLowerBound() != lower || axis.getUpperBound() != upper || axis.getTickUnit() != unit) {
            axis.setLowerBound(lower);
            axis.setUpperBound(upper);
            axis.setTickUnit(unit);
        }
    }

    /** @return 1, 2 or 5 times a power of ten, the smallest not below {@code raw} */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
