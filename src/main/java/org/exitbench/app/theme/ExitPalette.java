package org.exitbench.app.theme;

import java.util.List;
import javafx.scene.paint.Color;

/**
 * The one place where exit colours are defined. Every view draws exit {@code k} in {@link #exitColor(int)}
 * (curves, stacked bars, gallery borders, confusion headers) and the backbone's final head in
 * {@link #backboneColor()}, so a colour means the same exit everywhere.
 *
 * <p>The exit colours are the first four of Okabe and Ito's palette, chosen to stay distinguishable for
 * colour-blind viewers and on washed-out projectors. Stylesheets see the same colours as the looked-up
 * colours {@code -exit-1} … {@code -exit-4}, {@code -backbone} and {@code -wrong-mark}
 * (see {@link #lookedUpColors()}).
 */
public final class ExitPalette {

    /** Exit 1 (earliest) to exit 4: blue, orange, bluish green, reddish purple. */
    private static final List<String> EXIT_HEX = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7");
    /** The backbone's own final classifier: neutral grey. */
    private static final String BACKBONE_HEX = "#8A8A8A";
    /** The corner mark on a wrongly classified image. */
    private static final String WRONG_HEX = "#D62728";

    private ExitPalette() {
    }

    /** @return how many exits have a colour of their own */
    public static int exitCount() {
        return EXIT_HEX.size();
    }

    /**
     * @param exit the exit number, 1 for the earliest
     * @return its colour as {@code #RRGGBB}
     * @throws IllegalArgumentException when {@code exit} is outside 1..{@link #exitCount()}
     */
    public static String exitHex(int exit) {
        if (exit < 1 || exit > EXIT_HEX.size()) {
            throw new IllegalArgumentException("exit must be in 1.." + EXIT_HEX.size() + ", was " + exit);
        }
        return EXIT_HEX.get(exit - 1);
    }

    /** @see #exitHex(int) */
    public static Color exitColor(int exit) {
        return Color.web(exitHex(exit));
    }

    /**
     * The colour of an exit counted from 0, as the cascade engine counts them, in a cascade of {@code exitCount}
     * branches; index {@code exitCount} is the backbone head. Beyond {@link #exitCount()} branches the colours
     * repeat, so tooltips and labels must name the exit as well.
     *
     * @param exitIndex 0..exitCount, the last being the backbone head
     * @param exitCount K, the number of branches
     * @return the colour as {@code #RRGGBB}
     */
    public static String hexOfIndex(int exitIndex, int exitCount) {
        if (exitIndex < 0 || exitIndex > exitCount) {
            throw new IllegalArgumentException("exit index must be in 0.." + exitCount + ", was " + exitIndex);
        }
        return exitIndex == exitCount ? BACKBONE_HEX : EXIT_HEX.get(exitIndex % EXIT_HEX.size());
    }

    /** @see #hexOfIndex(int, int) */
    public static Color colorOfIndex(int exitIndex, int exitCount) {
        return Color.web(hexOfIndex(exitIndex, exitCount));
    }

    public static String backboneHex() {
        return BACKBONE_HEX;
    }

    public static Color backboneColor() {
        return Color.web(BACKBONE_HEX);
    }

    public static String wrongHex() {
        return WRONG_HEX;
    }

    public static Color wrongColor() {
        return Color.web(WRONG_HEX);
    }

    /**
     * @return the palette as CSS looked-up colour definitions ({@code -exit-1: #0072B2; … -backbone: …;
     *         -wrong-mark: …;}), for a root node's inline style, so stylesheets use these colours without
     *         repeating them
     */
    public static String lookedUpColors() {
        StringBuilder css = new StringBuilder();
        for (int exit = 1; exit <= EXIT_HEX.size(); exit++) {
            css.append("-exit-").append(exit).append(": ").append(exitHex(exit)).append("; ");
        }
        css.append("-backbone: ").append(BACKBONE_HEX).append("; ");
        css.append("-wrong-mark: ").append(WRONG_HEX).append(";");
        return css.toString();
    }
}
