package org.exitbench.calibrate;

import java.util.Objects;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;

/**
 * Class Precision Margin (CPM) calibration: one exit threshold per exit and predicted class.
 *
 * <p>The rule (our reconstruction, PAPER §2.6 and §5 step 2b; the papers give no formula): for exit k and class
 * c, take the calibration samples still alive at exit k (those the exits before k, with their thresholds
 * already set, did not take) that exit k assigns to c, sort them by score descending and follow the running
 * precision. τ[k][c] is the lowest score whose prefix holds at least {@link CpmSettings#minimumSupport()}
 * samples and reaches the bar, anchor − m or (1 − m)·anchor, where the anchor is the backbone's precision on c.
 * That is the largest qualifying prefix, so the running precision may dip below the bar inside it. When no
 * prefix qualifies (or the backbone never predicts c on the anchor set) τ[k][c] = +∞: exit k never answers c.
 * Prefixes end only where the score changes, since a threshold admits every sample with score ≥ τ.
 *
 * <p>Exits are calibrated in order because the survivors of exit k depend on the thresholds of the exits
 * before it. {@link #calibrateExit} calibrates a single exit on a given survivor set, which is what boosted
 * training calls after training branch k. Stateless and thread-safe; calibration is one pass over a
 * ranking that {@link ExitScores} sorts once and keeps.
 */
public final class CpmCalibrator {

    private final CpmSettings settings;

    public CpmCalibrator(CpmSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings this calibrator applies */
    public CpmSettings settings() {
        return settings;
    }

    /**
     * Calibrates every exit in order on the validation scores.
     *
     * @return thresholds for all exits and classes, compared with {@link CpmSettings#score()}
     */
    public Thresholds calibrate(ExitScores validation) {
        return PrecisionMarginSearch.calibrateAll(validation, settings, false);
    }

    /**
     * Calibrates one exit on the samples that reach it.
     *
     * @param validation the calibration scores (may hold just this one exit, as while training branches)
     * @param exit       the exit to calibrate
     * @param survivors  per sample, whether it reaches this exit; null for every sample
     * @return the exit's thresholds, anchors and bars, and the samples it takes
     */
    public ExitCalibration calibrateExit(ExitScores validation, int exit, boolean[] survivors) {
        return PrecisionMarginSearch.calibrateExit(validation, exit, survivors, settings, false);
    }

    /**
     * Calibrates every exit in order, as {@link #calibrate} does, but keeps the thresholds of the locked classes:
     * a class a person fixed by hand stays where it is at every exit, and the other classes are calibrated around
     * it. The survivors of each exit are those it does not take under the merged thresholds, so the exits after it
     * see what the locked thresholds really leave them.
     *
     * @param validation the calibration scores
     * @param current    the thresholds whose locked classes are kept, compared with {@link CpmSettings#score()}
     * @param locked     per class, whether its thresholds are kept
     * @return the merged thresholds
     * @throws IllegalArgumentException when {@code current} or {@code locked} does not fit the scores, or compares
     *                                  another score than the settings'
     */
    public Thresholds calibrateAround(ExitScores validation, Thresholds current, boolean[] locked) {
        int exits = validation.exitCount();
        int classes = validation.classCount();
        if (current.exitCount() != exits || current.classCount() != classes || locked.length != classes) {
            throw new IllegalArgumentException("thresholds of " + current.exitCount() + " exits × "
                    + current.classCount() + " classes and " + locked.length + " locks do not fit scores of " + exits
                    + " exits × " + classes + " classes");
        }
        if (current.rule() != settings.score()) {
            throw new IllegalArgumentException("the locked thresholds compare " + current.rule() + ", CPM compares "
                    + settings.score());
        }
        double[][] values = current.toArray();
        boolean[] survivors = null;
        for (int k = 0; k < exits; k++) {
            double[] row = calibrateExit(validation, k, survivors).thresholds();
            for (int c = 0; c < classes; c++) {
                if (!locked[c]) {
                    values[k][c] = row[c];
                }
            }
            survivors = remaining(validation, k, values[k], survivors);
        }
        return Thresholds.of(settings.score(), values);
    }

    /** The survivors of exit {@code k} that it does not take under the thresholds {@code row}. */
    private boolean[] remaining(ExitScores scores, int k, double[] row, boolean[] survivors) {
        int n = scores.sampleCount();
        boolean[] next = new boolean[n];
        for (int i = 0; i < n; i++) {
            next[i] = (survivors == null || survivors[i])
                    && !(scores.score(settings.score(), k, i) >= row[scores.predicted(k, i)]);
        }
        return next;
    }

    /**
     * @return per class, the backbone's precision against ground truth over {@code subset} (null: every sample):
     *         CPM's anchors; NaN for a class the backbone never predicts there
     */
    public static double[] backbonePrecision(ExitScores scores, boolean[] subset) {
        return PrecisionMarginSearch.backbonePrecision(scores, subset);
    }
}
