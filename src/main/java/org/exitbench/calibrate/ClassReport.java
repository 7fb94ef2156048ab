package org.exitbench.calibrate;

/**
 * One cell of a per-exit × per-class threshold table: how exit {@code exit} treats class {@code predictedClass}
 * at the current thresholds.
 *
 * @param exit            the exit (0..K−1)
 * @param predictedClass  the class the exit predicts
 * @param threshold       τ[exit][class]
 * @param anchorPrecision the backbone's precision on the class, on the anchor set the settings name
 * @param bar             the precision CPM asks of the exit: anchor − m or (1 − m)·anchor
 * @param exitPrecision   precision of the samples the exit takes with this answer, against the settings'
 *                        reference (ground truth or backbone labels); NaN when it takes none
 * @param exitedCount     how many samples the exit takes with this answer
 * @param survivorCount   how many samples reach the exit and get this answer from it: the pool τ acts on
 */
public record ClassReport(int exit, int predictedClass, double threshold, double anchorPrecision, double bar,
        double exitPrecision, int exitedCount, int survivorCount) {

    /** @return whether the exited samples reach the bar (false when none exit or the bar is undefined) */
    public boolean meetsBar() {
        return exitPrecision >= bar - PrecisionMarginSearch.TOLERANCE;
    }
}
