package org.exitbench.train;

/** What an exit branch is trained to predict. */
public enum BranchTarget {

    /**
     * The frozen backbone's predicted class, as a one-hot target with cross-entropy: the BTS-EE lineage's
     * target, which CalexNet's abstract says it replaces (PAPER §2.5 step 3). The default.
     */
    BACKBONE_ARGMAX,

    /** The ground-truth label, one-hot, with cross-entropy. */
    GROUND_TRUTH,

    /**
     * The backbone's full softmax at temperature T, with T²-scaled KL divergence (Hinton distillation; our
     * reading of CalexNet's Eq. 10, T = 4 stated in its README).
     */
    DISTILLATION
}
