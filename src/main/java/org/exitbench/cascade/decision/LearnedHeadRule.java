package org.exitbench.cascade.decision;

import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.ExitRule;

/**
 * A learned exit-decision head per exit ({@link ExitHead}, trained by {@link HeadTrainer}): the score is the head's
 * estimate that the exit's answer can be trusted. The head's dense layers are its cost.
 *
 * @param heads   one head per exit, exit k's reading {@link HeadFeatures#count} features
 * @param target  what the heads were trained to predict
 * @param classes C, the classes the features were built for
 */
public record LearnedHeadRule(List<ExitHead> heads, DecisionTarget target, int classes) implements ExitDecisionRule {

    /** @throws IllegalArgumentException naming the head whose feature count does not fit its exit */
    public LearnedHeadRule {
        Objects.requireNonNull(target, "target");
        if (heads == null || heads.isEmpty()) {
            throw new IllegalArgumentException("heads: one per exit is needed");
        }
        heads = List.copyOf(heads);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, was " + classes);
        }
        for (int k = 0; k < heads.size(); k++) {
            int expected = HeadFeatures.count(classes, k);
            if (heads.get(k).inputs() != expected) {
                throw new IllegalArgumentException("heads[" + k + "] reads " + heads.get(k).inputs()
                        + " features, exit " + (k + 1) + " of a " + classes + "-class cascade has " + expected);
            }
        }
    }

    @Override
    public String id() {
        return "learned-head";
    }

    @Override
    public ExitRule slot() {
        return ExitRule.DERIVED;
    }

    @Override
    public int exitCount() {
        return heads.size();
    }

    @Override
    public float[] scoresAt(DecisionInputs inputs, int exit) {
        requireExit(inputs, exit);
        if (inputs.classes() != classes) {
            throw new IllegalArgumentException("the heads were trained for " + classes + " classes, the inputs have "
                    + inputs.classes());
        }
        ExitHead head = heads.get(exit);
        double[] x = new double[head.inputs()];
        float[] out = new float[inputs.samples()];
        for (int i = 0; i < out.length; i++) {
            HeadFeatures.write(inputs, exit, i, x, 0);
            out[i] = (float) head.score(x, 0);
        }
        return out;
    }

    @Override
    public long macs(int exit) {
        return heads.get(exit).macs();
    }
}
