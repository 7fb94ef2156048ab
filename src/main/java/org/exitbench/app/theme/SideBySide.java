package org.exitbench.app.theme;

import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.layout.Region;

/**
 * Columns that sit side by side while each gets at least its minimum width, and one under another when they do
 * not (large text on a small window): the columns' content is then read in full instead of being cut or pushed
 * past the pane's edge. Side by side, the width beyond the minimums is shared equally.
 */
public final class SideBySide extends Region {

    private final double gap;

    /**
     * @param gap     pixels between the columns, across or down
     * @param columns the columns, left to right (top to bottom when stacked)
     */
    public SideBySide(double gap, Node... columns) {
        this.gap = gap;
        getChildren().addAll(columns);
    }

    /** Replaces the columns. */
    public void setColumns(List<? extends Node> columns) {
        getChildren().setAll(columns);
    }

    /** @return whether the columns fit side by side in {@code width} (unknown width: they do) */
    public boolean sideBySideAt(double width) {
        if (width < 0) {
            return true;
        }
        return width >= horizontalInsets() + gaps() + getManagedChildren().stream()
                .mapToDouble(child -> child.minWidth(-1)).sum();
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return horizontalInsets() + getManagedChildren().stream().mapToDouble(child -> child.minWidth(-1)).max()
                .orElse(0);
    }

    @Override
    protected double computePrefWidth(double height) {
        return horizontalInsets() + gaps() + getManagedChildren().stream()
                .mapToDouble(child -> child.prefWidth(-1)).sum();
    }

    // Never shorter than the content: a squeezed column would cut exactly what this class exists to keep whole.
    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        List<Node> children = getManagedChildren();
        Insets insets = getInsets();
        double inner = width < 0 ? -1 : Math.max(0, width - horizontalInsets());
        if (sideBySideAt(width)) {
            double[] widths = columnWidths(children, inner);
            double tallest = 0;
            for (int i = 0; i < children.size(); i++) {
                tallest = Math.max(tallest, children.get(i).prefHeight(widths[i]));
            }
            return insets.getTop() + tallest + insets.getBottom();
        }
        double total = gaps();
        for (Node child : children) {
            total += child.prefHeight(inner);
        }
        return insets.getTop() + total + insets.getBottom();
    }

    @Override
    protected void layoutChildren() {
        List<Node> children = getManagedChildren();
        Insets insets = getInsets();
        double inner = Math.max(0, getWidth() - horizontalInsets());
        double x = insets.getLeft();
        double y = insets.getTop();
        if (sideBySideAt(getWidth())) {
            double[] widths = columnWidths(children, inner);
            double height = Math.max(0, getHeight() - insets.getTop() - insets.getBottom());
            for (int i = 0; i < children.size(); i++) {
                children.get(i).resizeRelocate(snapPositionX(x), snapPositionY(y), snapSizeX(widths[i]), height);
                x += widths[i] + gap;
            }
            return;
        }
        for (Node child : children) {
            double height = child.prefHeight(inner);
            child.resizeRelocate(snapPositionX(x), snapPositionY(y), snapSizeX(inner), snapSizeY(height));
            y += height + gap;
        }
    }

    /** @return each column's width: its minimum plus an equal share of what is left (its preferred at unknown width) */
    private double[] columnWidths(List<Node> children, double inner) {
        double[] widths = new double[children.size()];
        if (inner < 0) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = children.get(i).prefWidth(-1);
            }
            return widths;
        }
        double spare = inner - gaps();
        for (int i = 0; i < widths.length; i++) {
            widths[i] = children.get(i).minWidth(-1);
            spare -= widths[i];
        }
        double share = widths.length == 0 ? 0 : Math.max(0, spare) / widths.length;
        for (int i = 0; i < widths.length; i++) {
            widths[i] += share;
        }
        return widths;
    }

    private double gaps() {
        return gap * Math.max(0, getManagedChildren().size() - 1);
    }

    private double horizontalInsets() {
        return getInsets().getLeft() + getInsets().getRight();
    }
}
