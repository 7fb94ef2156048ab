package org.exitbench.report;

import java.util.List;

/**
 * The one place where the workbench's colours are defined, as {@code #RRGGBB}: the app's views (through
 * {@code app.theme.ExitPalette}, which turns them into JavaFX colours) and the HTML/SVG reports draw exit {@code k}
 * in {@link #exitHex(int)} and the backbone's final head in {@link #backboneHex()}, so a colour means the same exit
 * everywhere.
 *
 * <p>The colours are Okabe and Ito's palette, chosen to stay distinguishable for colour-blind viewers and on
 * washed-out projectors. Exits take its first four; chart series (configurations, training modes) take all six in
 * order ({@link #seriesHex(int)}).
 */
public final class ExitPalette {

    /** Okabe and Ito: blue, orange, bluish green, reddish purple, sky blue, vermillion. */
    private static final List<String> OKABE_ITO = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
            "#D55E00");
    /** Exit 1 (earliest) to exit 4. */
    private static final List<String> EXIT_HEX = OKABE_ITO.subList(0, 4);
    /** The backbone's own final classifier: neutral grey. */
    private static final String BACKBONE_HEX = "#8A8A8A";
    /** The corner mark on a wrongly classified image. */
    private static final String WRONG_HEX = "#D62728";
    /** Reference lines in report charts (the backbone's accuracy, zero). */
    private static final String REFERENCE_HEX = "#777777";

    private ExitPalette() {
    }

    /** @return how many exits have a colour of their own */
    public static int exitCount() {
        return EXIT_HEX.size();
    }

    /**
     * @param exit the exit number, 1 for the earliest
     * @return its colour
     * @throws IllegalArgumentException when {@code exit} is outside 1..{@link #exitCount()}
     */
    public static String exitHex(int exit) {
        if (exit < 1 || exit > EXIT_HEX.size()) {
            throw new IllegalArgumentException("exit must be in 1.." + EXIT_HEX.size() + ", was " + exit);
        }
        return EXIT_HEX.get(exit - 1);
    }

    /**
     * The colour of an exit counted from 0, as the cascade engine counts them, in a cascade of {@code exitCount}
     * branches; index {@code exitCount} is the backbone head. Beyond {@link #exitCount()} branches the colours
     * repeat, so tooltips and labels must name the exit as well.
     *
     * @param exitIndex 0..exitCount, the last being the backbone head
     * @param exitCount K, the number of branches
     * @return the colour
     */
    public static String hexOfIndex(int exitIndex, int exitCount) {
        if (exitIndex < 0 || exitIndex > exitCount) {
            throw new IllegalArgumentException("exit index must be in 0.." + exitCount + ", was " + exitIndex);
        }
        return exitIndex == exitCount ? BACKBONE_HEX : EXIT_HEX.get(exitIndex % EXIT_HEX.size());
    }

    /**
     * @param series a chart series counted from 0
     * @return its colour; the six colours repeat beyond six series
     */
    public static String seriesHex(int series) {
        return OKABE_ITO.get(Math.floorMod(series, OKABE_ITO.size()));
    }

    public static String backboneHex() {
        return BACKBONE_HEX;
    }

    public static String wrongHex() {
        return WRONG_HEX;
    }

    /** @return the colour of reference lines in report charts */
    public static String referenceHex() {
        return REFERENCE_HEX;
    }
}
