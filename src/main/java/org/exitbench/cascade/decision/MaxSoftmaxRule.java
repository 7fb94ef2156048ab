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
    public float[] scoresAt(DecisionInputs inputs, int exit) {
        requireExit(inputs, exit);
        int c = inputs.classes();
        float[] p = inputs.exitProbabilities()[exit];
        float[] out = new float[inputs.samples()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[i * c + inputs.predicted(exit, i)];
        }
        return out;
    }

    @Override
    public long macs(int exit) {
        return 0;
    }
}
