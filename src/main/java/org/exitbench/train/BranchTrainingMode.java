package org.exitbench.train;

/** Which samples each exit branch learns from. */
public enum BranchTrainingMode {

    /**
     * BTS-EE (PAPER §2.5): branch k trains on the samples that branches 1..k−1, already calibrated, did not
     * exit; its own exits are then removed from the training and validation survivors.
     */
    BOOSTED,

    /** The baseline of BTS-EE's comparison: every branch trains on all training samples. */
    NON_BOOSTED,

    /**
     * CalexNet's cascade-aligned weighting, our reconstruction of its Eq. 13 (PAPER §3.1): every training sample
     * stays, weighted by the product of the earlier branches' smooth non-exit probabilities.
     */
    SOFT
}
