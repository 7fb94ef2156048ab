package org.exitbench.deploy.onnx;

import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;

/**
 * The exit test on one row of probabilities, exactly as the DL4J predictor and the workbench's
 * {@code ExitScores} make it: ĉ = the first largest probability, score = that probability (or 1 − the normalised
 * entropy, in double over the float probabilities), exit when score ≥ τ[k][ĉ].
 */
final class ExitDecision {

    private ExitDecision() {
    }

    /** @return the first index of the largest of {@code classes} values from {@code at} */
    static int argmax(float[] p, int at, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[at + c] > p[at + best]) {
                best = c;
            }
        }
        return best;
    }

    /** @return the score the rule compares with the threshold */
    static float score(ExitRule rule, float[] p, int at, int classes) {
        if (rule == ExitRule.ENTROPY) {
            double h = 0;
            for (int c = 0; c < classes; c++) {
                float v = p[at + c];
                if (v > 0f) {
                    h -= v * Math.log(v);
                }
            }
            return (float) (1.0 - Math.min(1.0, Math.max(0.0, h / Math.log(classes))));
        }
        return p[at + argmax(p, at, classes)];
    }

    /** @return whether exit k takes the row */
    static boolean fires(Thresholds thresholds, int k, float[] p, int at, int classes) {
        return thresholds.admits(k, argmax(p, at, classes), score(thresholds.rule(), p, at, classes));
    }

    /** @return how far the row's score lies from its threshold (∞ when the threshold is infinite) */
    static double margin(Thresholds thresholds, int k, float[] p, int at, int classes) {
        double tau = thresholds.row(k)[argmax(p, at, classes)];
        return Double.isInfinite(tau) ? Double.POSITIVE_INFINITY
                : Math.abs(score(thresholds.rule(), p, at, classes) - tau);
    }
}
