package org.exitbench.calibrate;

import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;

/**
 * BranchyNet-style entropy exits: exit k fires when the normalised entropy of its softmax is at most t_k.
 *
 * <p>{@link Thresholds} always read "exit when score ≥ τ", so entropy thresholds are stored with
 * {@link ExitRule#ENTROPY}, whose score is 1 − normalised entropy, and τ = 1 − t. The evaluator's hot loop
 * then needs no second comparison, and sliders keep one direction (higher is stricter) for both rules. The
 * score is rounded to float, so a sample whose entropy equals t within float precision may fall either side.
 */
public final class EntropyThresholds {

    private EntropyThresholds() {
    }

    /**
     * @param maxEntropy t_k per exit: the largest normalised entropy (in [0, 1]) at which exit k still fires;
     *                   −∞ never fires, +∞ always fires
     * @param classCount C
     * @return thresholds with {@link ExitRule#ENTROPY}, the same for every class of an exit
     */
    public static Thresholds of(double[] maxEntropy, int classCount) {
        double[][] rows = new double[maxEntropy.length][classCount];
        for (int k = 0; k < maxEntropy.length; k++) {
            java.util.Arrays.fill(rows[k], toThreshold(maxEntropy[k]));
        }
        return Thresholds.of(ExitRule.ENTROPY, rows);
    }

    /** @return τ = 1 − t for the entropy bound t (−∞ and +∞ swap, as 1 − t does) */
    public static double toThreshold(double maxEntropy) {
        return 1.0 - maxEntropy;
    }

    /**
     * @return the entropy bound t = 1 − τ of exit {@code exit} and class {@code predictedClass}
     * @throws IllegalArgumentException when the thresholds do not use {@link ExitRule#ENTROPY}
     */
    public static double maxEntropy(Thresholds thresholds, int exit, int predictedClass) {
        if (thresholds.rule() != ExitRule.ENTROPY) {
            throw new IllegalArgumentException("these thresholds compare " + thresholds.rule()
                    + ", not entropy");
        }
        return 1.0 - thresholds.get(exit, predictedClass);
    }

    /**
     * Calibrates one entropy bound per exit with the pooled precision-margin criterion of
     * {@link GlobalThresholdCalibrator}.
     *
     * @param settings margin, form, anchor source, support and reference; its score is replaced by entropy
     */
    public static Thresholds calibrate(ExitScores validation, CpmSettings settings) {
        CpmSettings entropy = settings.toBuilder().score(ExitRule.ENTROPY).build();
        return new GlobalThresholdCalibrator(entropy).calibrate(validation);
    }
}
