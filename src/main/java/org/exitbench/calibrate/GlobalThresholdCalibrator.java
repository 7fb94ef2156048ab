package org.exitbench.calibrate;

import java.util.Objects;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;

/**
 * One threshold per exit, the same for every class: the SDN / MSDNet style of exit rule, for comparison with
 * CPM. With {@link org.exitbench.cascade.ExitRule#ENTROPY} as the score it is BranchyNet's entropy rule (see
 * {@link EntropyThresholds}).
 *
 * <p>Those papers sweep the threshold by hand or set it from a compute budget; to compare like with like, this
 * calibrator picks it with CPM's own criterion applied to all classes pooled (our choice): the lowest score
 * whose prefix of survivors, sorted by score, holds the minimum support and is right at a rate of at least
 * anchor − m (or (1 − m)·anchor), the anchor being the backbone's accuracy on the full validation set or on the
 * survivors. For a hand-picked global value use {@link Thresholds#uniform}, and for a curve over values
 * {@link org.exitbench.cascade.ThresholdSweep}. Stateless and thread-safe.
 */
public final class GlobalThresholdCalibrator {

    private final CpmSettings settings;

    /** @param settings the margin, its form, the anchor source, support, reference and score; as for CPM */
    public GlobalThresholdCalibrator(CpmSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings this calibrator applies */
    public CpmSettings settings() {
        return settings;
    }

    /** @return thresholds with one value per exit (repeated across classes), calibrated exit by exit */
    public Thresholds calibrate(ExitScores validation) {
        return PrecisionMarginSearch.calibrateAll(validation, settings, true);
    }

    /**
     * Calibrates one exit on the samples that reach it.
     *
     * @param survivors per sample, whether it reaches this exit; null for every sample
     */
    public ExitCalibration calibrateExit(ExitScores validation, int exit, boolean[] survivors) {
        return PrecisionMarginSearch.calibrateExit(validation, exit, survivors, settings, true);
    }
}
