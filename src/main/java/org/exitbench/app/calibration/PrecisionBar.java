package org.exitbench.app.calibration;

import javafx.css.PseudoClass;
import javafx.scene.layout.Region;

/**
 * A small horizontal gauge of one exit's precision on one class, from 0 to 1: a fill as long as the precision
 * (in the exit's colour, amber when it falls below CPM's bar), a tick at the bar (anchor − m, or (1 − m) ·
 * anchor) and a fainter tick at the anchor, the backbone's own precision.
 */
final class PrecisionBar extends Region {

    private static final PseudoClass BELOW_BAR = PseudoClass.getPseudoClass("below-bar");

    private final Region fill = new Region();
    private final Region barTick = new Region();
    private final Region anchorTick = new Region();
    private double precision = Double.NaN;
    private double bar = Double.NaN;
    private double anchor = Double.NaN;

    PrecisionBar() {
        getStyleClass().add("precision-bar");
        fill.getStyleClass().add("precision-fill");
        barTick.getStyleClass().add("precision-bar-tick");
        anchorTick.getStyleClass().add("precision-anchor-tick");
        getChildren().addAll(fill, anchorTick, barTick);
    }

    /**
     * @param exitHex   the exit's colour
     * @param precision the exit's precision on the class (NaN: it takes none)
     * @param bar       CPM's bar
     * @param anchor    the anchor precision
     */
    void show(String exitHex, double precision, double bar, double anchor) {
        this.precision = precision;
        this.bar = bar;
        this.anchor = anchor;
        boolean below = isBelowBar(precision, bar);
        pseudoClassStateChanged(BELOW_BAR, below);
        fill.setStyle(below ? "" : "-fx-background-color: " + exitHex + ";");
        requestLayout();
    }

    /** @return whether an exit with this precision misses the bar (an exit that takes nothing misses nothing) */
    static boolean isBelowBar(double precision, double bar) {
        return !Double.isNaN(precision) && !Double.isNaN(bar) && precision < bar - 1e-9;
    }

    /** @return whether the gauge shows the amber "below the bar" state */
    boolean belowBar() {
        return getPseudoClassStates().contains(BELOW_BAR);
    }

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double y = snappedTopInset();
        double w = getWidth() - x - snappedRightInset();
        double h = getHeight() - y - snappedBottomInset();
        double p = Double.isNaN(precision) ? 0 : Math.max(0, Math.min(1, precision));
        fill.resizeRelocate(x, y, snapSizeX(w * p), h);
        place(anchorTick, anchor, x, y, w, h);
        place(barTick, bar, x, y, w, h);
    }

    private static void place(Region tick, double value, double x, double y, double w, double h) {
        tick.setVisible(!Double.isNaN(value));
        if (!Double.isNaN(value)) {
            double at = x + w * Math.max(0, Math.min(1, value));
            tick.resizeRelocate(Math.round(at - 1), y - 2, 2, h + 4);
        }
    }

    @Override
    protected double computePrefHeight(double width) {
        return 8;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 80;
    }
}
