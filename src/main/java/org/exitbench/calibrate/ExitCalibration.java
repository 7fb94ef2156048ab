package org.exitbench.calibrate;

import java.util.Arrays;
import java.util.Objects;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;

/**
 * The calibration of one exit: its thresholds, what they were derived from, and which calibration samples
 * the exit takes. Boosted training uses {@link #exited()} to remove those samples before the next branch.
 *
 * @param exit       the exit calibrated (0..K−1)
 * @param rule       the score the thresholds are compared with
 * @param thresholds τ per predicted class (+∞: never exit for that class)
 * @param anchors    per class, the precision the bar was derived from (NaN when the backbone never predicts
 *                   the class on the anchor set, which leaves the class without an exit)
 * @param bars       per class, the precision the exit had to reach
 * @param exited     per calibration sample, whether this exit takes it (only survivors can be taken)
 */
public record ExitCalibration(int exit, ExitRule rule, double[] thresholds, double[] anchors, double[] bars,
        boolean[] exited) {

    public ExitCalibration {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(bars, "bars");
        Objects.requireNonNull(exited, "exited");
        thresholds = thresholds.clone();
        anchors = anchors.clone();
        bars = bars.clone();
        exited = exited.clone();
    }

    /**
     * Applies these thresholds to other scores, for example the training split, whose samples boosted training
     * removes the same way as the calibration samples.
     *
     * @param scores    scores holding this exit (possibly under another index, e.g. a one-exit ExitScores)
     * @param exitIndex the exit's index in {@code scores}
     * @param survivors per sample of {@code scores}, whether it reaches this exit; null for every sample
     * @return per sample, whether this exit takes it
     */
    public boolean[] exitedAmong(ExitScores scores, int exitIndex, boolean[] survivors) {
        return taken(scores, exitIndex, rule, thresholds, survivors);
    }

    /** The samples of {@code scores} that exit {@code exitIndex} takes under {@code thresholds}. */
    static boolean[] taken(ExitScores scores, int exitIndex, ExitRule rule, double[] thresholds,
            boolean[] survivors) {
        int n = scores.sampleCount();
        if (scores.classCount() != thresholds.length) {
            throw new IllegalArgumentException("the scores have " + scores.classCount() + " classes, the thresholds "
                    + thresholds.length);
        }
        if (survivors != null && survivors.length != n) {
            throw new IllegalArgumentException("survivors has " + survivors.length + " entries, the scores " + n
                    + " samples");
        }
        boolean[] taken = new boolean[n];
        for (int i = 0; i < n; i++) {
            taken[i] = (survivors == null || survivors[i])
                    && scores.score(rule, exitIndex, i) >= thresholds[scores.predicted(exitIndex, i)];
        }
        return taken;
    }

    /** @return whether this exit takes calibration sample {@code sample} */
    public boolean exits(int sample) {
        return exited[sample];
    }

    /** @return how many calibration samples this exit takes */
    public int exitedCount() {
        int n = 0;
        for (boolean e : exited) {
            n += e ? 1 : 0;
        }
        return n;
    }

    /**
     * @param survivors the survivor mask this exit was calibrated on (null: every sample)
     * @return a new mask of the samples that go on to the next exit: survivors this exit does not take
     */
    public boolean[] remaining(boolean[] survivors) {
        boolean[] next = new boolean[exited.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = (survivors == null || survivors[i]) && !exited[i];
        }
        return next;
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public double[] anchors() {
        return anchors.clone();
    }

    @Override
    public double[] bars() {
        return bars.clone();
    }

    @Override
    public boolean[] exited() {
        return exited.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitCalibration x && x.exit == exit && x.rule == rule && Arrays.equals(x.thresholds, thresholds)
                && Arrays.equals(x.anchors, anchors) && Arrays.equals(x.bars, bars) && Arrays.equals(x.exited, exited);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exit, rule, Arrays.hashCode(thresholds), Arrays.hashCode(anchors), Arrays.hashCode(bars),
                Arrays.hashCode(exited));
    }

    @Override
    public String toString() {
        return "ExitCalibration[exit " + exit + ", thresholds " + Arrays.toString(thresholds) + ", exits "
                + exitedCount() + " of " + exited.length + "]";
    }
}
