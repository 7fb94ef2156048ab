package org.exitbench.calibrate;

import org.exitbench.cascade.ExitRule;

/**
 * The knobs of Class Precision Margin calibration. Only the margin's canonical value is known from the sources
 * (m = 0.20, CalexNet README); every other default is our reconstruction (PAPER §2.6, §5) and one setting away
 * from its alternative.
 *
 * @param margin             m, in [−1, 1]; a negative m raises the bar above the anchor (anchor + |m|, or
 *                           (1 + |m|)·anchor), which the low-loss operating points need on easy data
 * @param marginForm         how m lowers the bar below the anchor
 * @param anchorSource       where the backbone's per-class precision (the anchor) is measured
 * @param minimumSupport     the fewest samples a threshold may admit for a class, at least 1 (default 30, the
 *                           value of a third-party adaptation)
 * @param precisionReference what an exit's precision is measured against
 * @param score              the score thresholded: max softmax (default) or 1 − normalised entropy
 */
public record CpmSettings(double margin, MarginForm marginForm, AnchorSource anchorSource, int minimumSupport,
        PrecisionReference precisionReference, ExitRule score) {

    /** The canonical margin of CalexNet's README. */
    public static final double DEFAULT_MARGIN = 0.20;
    /** The lowest margin: a bar above the anchor, so an exit must be more precise than the backbone. */
    public static final double MIN_MARGIN = -1.0;
    /** The highest margin. */
    public static final double MAX_MARGIN = 1.0;
    /** The default minimum support. */
    public static final int DEFAULT_MINIMUM_SUPPORT = 30;

    /** @throws IllegalArgumentException naming the field when a value is out of range or missing */
    public CpmSettings {
        if (!(margin >= MIN_MARGIN && margin <= MAX_MARGIN)) {
            throw new IllegalArgumentException("margin must be in [" + MIN_MARGIN + ", " + MAX_MARGIN + "], was "
                    + margin);
        }
        if (minimumSupport < 1) {
            throw new IllegalArgumentException("minimumSupport must be at least 1, was " + minimumSupport);
        }
        requireField(marginForm, "marginForm");
        requireField(anchorSource, "anchorSource");
        requireField(precisionReference, "precisionReference");
        requireField(score, "score");
    }

    /** @return m = 0.20, additive, anchored on the full validation set, support 30, ground truth, max softmax */
    public static CpmSettings defaults() {
        return new CpmSettings(DEFAULT_MARGIN, MarginForm.ADDITIVE, AnchorSource.FULL_VALIDATION,
                DEFAULT_MINIMUM_SUPPORT, PrecisionReference.GROUND_TRUTH, ExitRule.MAX_SOFTMAX);
    }

    /** @return a builder holding the {@link #defaults()}, to change the settings by name */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** @return a builder holding these settings, to make a changed copy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters over the six settings; {@link #build()} validates them together. */
    public static final class Builder {
        private double margin;
        private MarginForm marginForm;
        private AnchorSource anchorSource;
        private int minimumSupport;
        private PrecisionReference precisionReference;
        private ExitRule score;

        private Builder(CpmSettings from) {
            margin = from.margin;
            marginForm = from.marginForm;
            anchorSource = from.anchorSource;
            minimumSupport = from.minimumSupport;
            precisionReference = from.precisionReference;
            score = from.score;
        }

        public Builder margin(double value) {
            margin = value;
            return this;
        }

        public Builder marginForm(MarginForm value) {
            marginForm = value;
            return this;
        }

        public Builder anchorSource(AnchorSource value) {
            anchorSource = value;
            return this;
        }

        public Builder minimumSupport(int value) {
            minimumSupport = value;
            return this;
        }

        public Builder precisionReference(PrecisionReference value) {
            precisionReference = value;
            return this;
        }

        public Builder score(ExitRule value) {
            score = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the field when a value is out of range or missing */
        public CpmSettings build() {
            return new CpmSettings(margin, marginForm, anchorSource, minimumSupport, precisionReference, score);
        }
    }

    /** @return the precision bar for {@code anchor} under this margin and form */
    public double bar(double anchor) {
        return marginForm.bar(anchor, margin);
    }

    private static void requireField(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
    }

    @Override
    public String toString() {
        return "CpmSettings[m=" + margin + " " + marginForm + ", anchor " + anchorSource + ", support "
                + minimumSupport + ", vs " + precisionReference + ", score " + score + "]";
    }
}
