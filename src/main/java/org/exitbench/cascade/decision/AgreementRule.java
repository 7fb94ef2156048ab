package org.exitbench.cascade.decision;

import java.util.Objects;
import org.exitbench.cascade.ExitRule;

/**
 * Agreement across exits, combined with any other rule: exit k &gt; 0 keeps the base rule's score only when its
 * answer equals exit k − 1's, and scores 0 otherwise, below every score a branch that agrees can have. So a
 * disagreeing exit never fires under a positive threshold; only τ = 0 or −∞ (an exit that takes everything, which
 * CPM reaches only when every sample of a class qualifies) admits it. The first exit has no previous answer and
 * keeps the base score. Free: a comparison of two class indices.
 *
 * @param base the rule whose score an agreeing exit keeps; not itself an agreement rule
 */
public record AgreementRule(ExitDecisionRule base) implements ExitDecisionRule {

    /** @throws IllegalArgumentException when the base is missing or is itself an agreement rule */
    public AgreementRule {
        Objects.requireNonNull(base, "base");
        if (base instanceof AgreementRule) {
            throw new IllegalArgumentException("agreement is combined with a base rule once, not twice");
        }
    }

    @Override
    public String id() {
        return base.id() + "+agreement";
    }

    @Override
    public ExitRule slot() {
        return ExitRule.DERIVED;
    }

    @Override
    public int exitCount() {
        return base.exitCount();
    }

    @Override
    public float[] scoresAt(DecisionInputs inputs, int exit) {
        float[] out = base.scoresAt(inputs, exit);
        if (exit > 0) {
            for (int i = 0; i < out.length; i++) {
                if (inputs.predicted(exit, i) != inputs.predicted(exit - 1, i)) {
                    out[i] = 0f;
                }
            }
        }
        return out;
    }

    @Override
    public long macs(int exit) {
        return base.macs(exit);
    }
}
