package org.exitbench.calibrate;

import java.util.Arrays;
import java.util.Objects;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.ScoreRanking;
import org.exitbench.cascade.Thresholds;

/**
 * The search shared by {@link CpmCalibrator} (one threshold per class) and {@link GlobalThresholdCalibrator}
 * (one per exit, all classes pooled): for each group of candidate samples, walk them by descending score and
 * keep the lowest score at which the prefix still meets the precision bar with enough support.
 */
final class PrecisionMarginSearch {

    /**
     * Slack on the bar so that a prefix meeting it exactly is not refused over rounding in anchor − m (for
     * example 0.9 − 0.2 is 0.7000000000000001 in binary floating point).
     */
    static final double TOLERANCE = 1e-9;

    private PrecisionMarginSearch() {
    }

    /** Calibrates every exit in order, each on the samples the exits before it did not take. */
    static Thresholds calibrateAll(ExitScores validation, CpmSettings settings, boolean pooled) {
        Objects.requireNonNull(validation, "validation");
        boolean[] alive = new boolean[validation.sampleCount()];
        Arrays.fill(alive, true);
        double[][] rows = new double[validation.exitCount()][];
        for (int k = 0; k < validation.exitCount(); k++) {
            ExitCalibration exit = calibrateExit(validation, k, alive, settings, pooled);
            rows[k] = exit.thresholds();
            for (int i = 0; i < alive.length; i++) {
                alive[i] &= !exit.exits(i);
            }
        }
        return Thresholds.of(settings.score(), rows);
    }

    /** Calibrates exit {@code exit} on {@code survivors} (null: every sample). */
    static ExitCalibration calibrateExit(ExitScores validation, int exit, boolean[] survivors, CpmSettings settings,
            boolean pooled) {
        Objects.requireNonNull(validation, "validation");
        Objects.checkIndex(exit, validation.exitCount());
        int n = validation.sampleCount();
        if (survivors != null && survivors.length != n) {
            throw new IllegalArgumentException("survivors has " + survivors.length + " entries, the scores " + n
                    + " samples");
        }
        int classes = validation.classCount();
        boolean[] anchorSet = settings.anchorSource() == AnchorSource.SURVIVORS ? survivors : null;
        double[] anchors = pooled ? repeat(backboneAccuracy(validation, anchorSet), classes)
                : backbonePrecision(validation, anchorSet);
        double[] bars = new double[classes];
        for (int c = 0; c < classes; c++) {
            bars[c] = settings.bar(anchors[c]);
        }
        double[] groupBars = pooled ? new double[] {bars[0]} : bars;
        double[] tau = lowestQualifyingScores(validation, exit, settings, survivors, pooled, groupBars);
        double[] row = pooled ? repeat(tau[0], classes) : tau;
        return new ExitCalibration(exit, settings.score(), row, anchors, bars,
                ExitCalibration.taken(validation, exit, settings.score(), row, survivors));
    }

    /**
     * For each group (a predicted class, or one pooled group), walks the candidates (alive samples) by
     * descending score and returns the lowest score whose prefix holds at least the minimum support and is
     * right at a rate of at least the group's bar: the largest qualifying prefix. +∞ when none qualifies.
     * Prefixes end only where the score changes, because a threshold admits every sample with score ≥ τ: a
     * run of tied scores is taken whole or not at all.
     */
    private static double[] lowestQualifyingScores(ExitScores scores, int exit, CpmSettings settings,
            boolean[] alive, boolean pooled, double[] bars) {
        ExitRule rule = settings.score();
        boolean againstTruth = settings.precisionReference() == PrecisionReference.GROUND_TRUTH;
        int minimumSupport = settings.minimumSupport();
        int groups = bars.length;
        int[] count = new int[groups];
        int[] right = new int[groups];
        double[] tau = new double[groups];
        Arrays.fill(tau, Double.POSITIVE_INFINITY);
        ScoreRanking ranking = scores.ranking(rule, exit);
        int n = ranking.size();
        int r = 0;
        while (r < n) {
            int first = r;
            float value = ranking.score(r);
            for (; r < n && ranking.score(r) == value; r++) {
                int i = ranking.sample(r);
                if (alive == null || alive[i]) {
                    int answer = scores.predicted(exit, i);
                    int g = pooled ? 0 : answer;
                    count[g]++;
                    int truth = againstTruth ? scores.label(i) : scores.backbonePredicted(i);
                    right[g] += answer == truth ? 1 : 0;
                }
            }
            for (int q = first; q < r; q++) {
                int i = ranking.sample(q);
                if (alive == null || alive[i]) {
                    int g = pooled ? 0 : scores.predicted(exit, i);
                    if (count[g] >= minimumSupport && right[g] >= (bars[g] - TOLERANCE) * count[g]) {
                        tau[g] = value;
                    }
                }
            }
        }
        return tau;
    }

    /**
     * @return per class c, the backbone's precision on c (vs ground truth) over {@code subset} (null: all
     *         samples); NaN for a class the backbone never predicts there
     */
    static double[] backbonePrecision(ExitScores scores, boolean[] subset) {
        int classes = scores.classCount();
        int[] predicted = new int[classes];
        int[] right = new int[classes];
        for (int i = 0; i < scores.sampleCount(); i++) {
            if (subset == null || subset[i]) {
                int c = scores.backbonePredicted(i);
                predicted[c]++;
                right[c] += c == scores.label(i) ? 1 : 0;
            }
        }
        double[] precision = new double[classes];
        for (int c = 0; c < classes; c++) {
            precision[c] = predicted[c] == 0 ? Double.NaN : (double) right[c] / predicted[c];
        }
        return precision;
    }

    /** @return the backbone's accuracy over {@code subset} (null: all samples); NaN when it is empty */
    static double backboneAccuracy(ExitScores scores, boolean[] subset) {
        int total = 0;
        int right = 0;
        for (int i = 0; i < scores.sampleCount(); i++) {
            if (subset == null || subset[i]) {
                total++;
                right += scores.backbonePredicted(i) == scores.label(i) ? 1 : 0;
            }
        }
        return total == 0 ? Double.NaN : (double) right / total;
    }

    private static double[] repeat(double value, int times) {
        double[] out = new double[times];
        Arrays.fill(out, value);
        return out;
    }
}
