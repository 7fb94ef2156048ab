package org.exitbench.cascade.decision;

import org.exitbench.cascade.ExitRule;

/** Today's default: the branch's largest softmax probability (its own slot, {@link ExitRule#MAX_SOFTMAX}). */
public record MaxSoftmaxRule() implements ExitDecisionRule {

    /** The one instance needed. */
    public static final MaxSoftmaxRule INSTANCE = new MaxSoftmaxRule();

    @Override
    public String id() {
        return "max-softmax";
    }

    @Override
    public ExitRule slot() {
        return ExitRule.MAX_SOFTMAX;
    }

    @Override
    public int exitCount() {
        return 0;
    }

    @Override
    public float[] scores(DecisionInputs inputs) {
        int k = inputs.exitCount();
        int c = inputs.classes();
        float[] out = new float[Math.multiplyExact(inputs.samples(), k)];
        for (int e = 0; e < k; e++) {
            float[] p = inputs.exitProbabilities()[e];
            for (int i = 0; i < inputs.samples(); i++) {
                out[i * k + e] = p[i * c + inputs.predicted(e, i)];
            }
        }
        return out;
    }

    @Override
    public long macs(int exit) {
        return 0;
    }
}
