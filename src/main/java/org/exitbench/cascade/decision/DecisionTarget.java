package org.exitbench.cascade.decision;

/** What a fitted rule learns to predict about an exit's answer. */
public enum DecisionTarget {
    /** The exit's answer equals the backbone's (default: the cascade then keeps the backbone's answers). */
    BACKBONE,
    /** The exit's answer is right. */
    GROUND_TRUTH
}
