package org.exitbench.app.chart;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.theme.ExitPalette;

/**
 * A horizontal bar split into one segment per exit, as wide as the share of samples leaving there, in the exit
 * colours (the backbone head in grey, last). Used for the cascade's exit rates in the top bar, the calibration
 * totals and the per-class distribution. Setting new rates only moves segments; no nodes are created.
 */
public final class StackedRateBar extends Region {

    private final List<Region> segments = new ArrayList<>();
    private final Tooltip tooltip = new Tooltip();
    private double[] rates = new double[0];
    private String caption = "";

    public StackedRateBar() {
        getStyleClass().add("stacked-rate-bar");
        tooltip.setOnShowing(event -> tooltip.setText(describe()));
        Tooltip.install(this, tooltip);
    }

    /**
     * @param exitRates the share of samples leaving at each exit, the backbone head last (K + 1 values; NaN
     *                  counts as 0)
     * @param caption   what the rates are of, the tooltip's first line ("test split, 2,500 images")
     */
    public void setRates(double[] exitRates, String caption) {
        int exits = exitRates.length - 1;
        if (segments.size() != exitRates.length) {
            segments.clear();
            getChildren().clear();
            for (int e = 0; e <= exits; e++) {
                Region segment = new Region();
                segment.getStyleClass().add("rate-segment");
                segment.setStyle("-fx-background-color: " + ExitPalette.hexOfIndex(e, exits) + ";");
                segments.add(segment);
                getChildren().add(segment);
            }
        }
        rates = exitRates.clone();
        this.caption = caption;
        requestLayout();
    }

    /** The tooltip's text, written when it is about to show rather than on every update. */
    private String describe() {
        int exits = rates.length - 1;
        StringBuilder text = new StringBuilder(caption);
        for (int e = 0; e <= exits; e++) {
            text.append('\n').append(DisplayText.exitTitle(e, exits)).append(": ")
                    .append(DisplayText.percent(rates[e]));
        }
        return text.toString();
    }

    /** @return the rates last set, backbone head last */
    public double[] rates() {
        return rates.clone();
    }

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double y = snappedTopInset();
        double width = getWidth() - snappedLeftInset() - snappedRightInset();
        double height = getHeight() - snappedTopInset() - snappedBottomInset();
        double total = 0;
        for (double r : rates) {
            total += Double.isNaN(r) ? 0 : r;
        }
        for (int e = 0; e < segments.size(); e++) {
            double share = total > 0 && !Double.isNaN(rates[e]) ? rates[e] / total : 0;
            double w = snapSizeX(width * share);
            segments.get(e).resizeRelocate(x, y, w, height);
            x += w;
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 120;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 14;
    }
}
