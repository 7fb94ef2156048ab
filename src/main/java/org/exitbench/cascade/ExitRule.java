package org.exitbench.cascade;

/**
 * The score an exit compares with its threshold. All rules read "exit when score ≥ τ", so a larger threshold
 * is always stricter, +∞ never exits and −∞ always exits, whichever rule is in force.
 */
public enum ExitRule {

    /** Score = the branch's largest softmax probability (SDN, MSDNet, and CPM's confidence in our reconstruction). */
    MAX_SOFTMAX,

    /**
     * Score = 1 − the normalised entropy of the branch's softmax (BranchyNet exits when the entropy is at most
     * t; that is the threshold τ = 1 − t here, see {@code EntropyThresholds}).
     */
    ENTROPY,

    /**
     * Score = what an {@link org.exitbench.cascade.decision.ExitDecisionRule} computes for the exit (calibrated
     * confidence, a learned exit-decision head, agreement with the previous exit), in [0, 1]. The scores carry it
     * only once the rule is attached ({@link ExitScores#withDerivedScores}); the rule and its parameters travel
     * beside the thresholds, which alone do not say how to compute it.
     */
    DERIVED
}
