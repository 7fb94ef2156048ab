package org.exitbench.app.theme;

import javafx.scene.paint.Color;

/**
 * The exit colours of {@link org.exitbench.report.ExitPalette} as JavaFX colours. Every view draws exit {@code k}
 * in {@link #exitColor(int)} (curves, stacked bars, gallery borders, confusion headers) and the backbone's final
 * head in {@link #backboneColor()}; the HTML reports use the same colours, so a colour means the same exit
 * everywhere. Stylesheets see them as the looked-up colours {@code -exit-1} … {@code -exit-4}, {@code -backbone}
 * and {@code -wrong-mark} (see {@link #lookedUpColors()}).
 */
public final class ExitPalette {

    private ExitPalette() {
    }

    /** @return how many exits have a colour of their own */
    public static int exitCount() {
        return org.exitbench.report.ExitPalette.exitCount();
    }

    /** @see org.exitbench.report.ExitPalette#exitHex(int) */
    public static String exitHex(int exit) {
        return org.exitbench.report.ExitPalette.exitHex(exit);
    }

    /** @see #exitHex(int) */
    public static Color exitColor(int exit) {
        return Color.web(exitHex(exit));
    }

    /** @see org.exitbench.report.ExitPalette#hexOfIndex(int, int) */
    public static String hexOfIndex(int exitIndex, int exitCount) {
        return org.exitbench.report.ExitPalette.hexOfIndex(exitIndex, exitCount);
    }

    /** @see #hexOfIndex(int, int) */
    public static Color colorOfIndex(int exitIndex, int exitCount) {
        return Color.web(hexOfIndex(exitIndex, exitCount));
    }

    public static String backboneHex() {
        return org.exitbench.report.ExitPalette.backboneHex();
    }

    public static Color backboneColor() {
        return Color.web(backboneHex());
    }

    public static String wrongHex() {
        return org.exitbench.report.ExitPalette.wrongHex();
    }

    public static Color wrongColor() {
        return Color.web(wrongHex());
    }

    /**
     * @return the palette as CSS looked-up colour definitions ({@code -exit-1: #0072B2; … -backbone: …;
     *         -wrong-mark: …;}), for a root node's inline style, so stylesheets use these colours without
     *         repeating them
     */
    public static String lookedUpColors() {
        StringBuilder css = new StringBuilder();
        for (int exit = 1; exit <= exitCount(); exit++) {
            css.append("-exit-").append(exit).append(": ").append(exitHex(exit)).append("; ");
        }
        css.append("-backbone: ").append(backboneHex()).append("; ");
        css.append("-wrong-mark: ").append(wrongHex()).append(";");
        return css.toString();
    }
}
