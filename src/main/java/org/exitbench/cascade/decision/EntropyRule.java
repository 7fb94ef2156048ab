package org.exitbench.cascade.decision;

import org.exitbench.cascade.ExitRule;

/** BranchyNet's rule: 1 − the normalised entropy of the branch's softmax (its own slot, {@link ExitRule#ENTROPY}). */
public record EntropyRule() implements ExitDecisionRule {

    /** The one instance needed. */
    public static final EntropyRule INSTANCE = new EntropyRule();

    @Override
    public String id() {
        return "entropy";
    }

    @Override
    public ExitRule slot() {
        return ExitRule.ENTROPY;
    }

    @Override
    public int exitCount() {
        return 0;
    }

    @Override
    public float[] scoresAt(DecisionInputs inputs, int exit) {
        requireExit(inputs, exit);
        float[] out = new float[inputs.samples()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (1.0 - normalisedEntropy(inputs, exit, i));
        }
        return out;
    }

    /** Entropy in double over the float probabilities, divided by ln C and clamped to [0, 1], as ExitScores does. */
    static double normalisedEntropy(DecisionInputs inputs, int exit, int sample) {
        float[] p = inputs.exitProbabilities()[exit];
        int c = inputs.classes();
        double h = 0;
        for (int j = 0, at = sample * c; j < c; j++) {
            float v = p[at + j];
            if (v > 0f) {
                h -= v * Math.log(v);
            }
        }
        return Math.min(1.0, Math.max(0.0, h / Math.log(c)));
    }

    @Override
    public long macs(int exit) {
        return 0;
    }
}
