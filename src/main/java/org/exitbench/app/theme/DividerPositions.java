package org.exitbench.app.theme;

import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.geometry.Orientation;
import javafx.scene.control.SplitPane;

/**
 * Places a split pane's dividers where a view wants them once the pane has its real size. A split pane laid out
 * while still small (before the window has its size, or while hidden) clamps its dividers to its items' minimum
 * widths and keeps the clamped positions, so positions set at construction are lost.
 */
public final class DividerPositions {

    private DividerPositions() {
    }

    /**
     * Sets {@code positions} now and again the first time {@code split} is shown at a length (its width, or its
     * height when vertical) of at least {@code minLength} pixels; after that the user's dragging decides.
     */
    public static void placeWhenShown(SplitPane split, double minLength, double... positions) {
        split.setDividerPositions(positions);
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            double length = split.getOrientation() == Orientation.VERTICAL ? split.getHeight() : split.getWidth();
            if (split.isVisible() && length >= minLength && split.getScene() != null) {
                once[0] = () -> { };
                Platform.runLater(() -> split.setDividerPositions(positions));
            }
        };
        split.widthProperty().addListener((obs, old, now) -> once[0].run());
        split.heightProperty().addListener((obs, old, now) -> once[0].run());
        split.visibleProperty().addListener((obs, old, now) -> once[0].run());
    }

    /**
     * Sets {@code positions} now, in the next pulse, and again after the next change of the pane's size: for a split
     * pane whose items were just replaced or which was just moved to another parent, whose next layouts may clamp
     * the positions to its items' minimum sizes at a size it is about to leave (the matrix over the gallery was
     * left 72 px tall at 1480 × 920 when Analysis went back to three columns).
     */
    public static void placeAfterRearranging(SplitPane split, double... positions) {
        split.setDividerPositions(positions);
        Platform.runLater(() -> split.setDividerPositions(positions));
        InvalidationListener once = new InvalidationListener() {
            @Override
            public void invalidated(Observable observable) {
                split.widthProperty().removeListener(this);
                split.heightProperty().removeListener(this);
                Platform.runLater(() -> split.setDividerPositions(positions));
            }
        };
        split.widthProperty().addListener(once);
        split.heightProperty().addListener(once);
    }
}
