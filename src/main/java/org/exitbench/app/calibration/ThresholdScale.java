package org.exitbench.app.calibration;

/**
 * Maps a threshold to a slider position and back. Scores lie in [0, 1], so the slider's track covers 0..1, and a
 * notch beyond its end stands for +∞, "never": the exit never answers that class. (A threshold of exactly 1
 * still admits scores of 1.0, so "never" needs a place of its own.) Positions are rounded to thousandths, which
 * keeps saved thresholds readable.
 */
public final class ThresholdScale {

    /** The slider's maximum: the "never" notch. */
    public static final double NEVER_POSITION = 1.06;
    /** Positions beyond this snap to "never". */
    static final double NEVER_FROM = 1.03;

    private ThresholdScale() {
    }

    /** @return where {@code threshold} sits on the slider: +∞ at the notch, −∞ and values below 0 at 0 */
    public static double position(double threshold) {
        if (threshold == Double.POSITIVE_INFINITY) {
            return NEVER_POSITION;
        }
        return Math.max(0.0, Math.min(1.0, threshold));
    }

    /** @return the threshold a slider at {@code position} means: +∞ past {@link #NEVER_FROM}, else rounded */
    public static double threshold(double position) {
        if (position > NEVER_FROM) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.round(Math.max(0.0, Math.min(1.0, position)) * 1000) / 1000.0;
    }
}
