package org.exitbench.train;

/**
 * Whose predictions decide which training samples an exit takes (boosted removal and soft weights).
 *
 * <p>Thresholds are calibrated on validation, but a branch is more confident on the training samples it was fit
 * on, so applying them to its in-sample predictions removes more (and easier) samples than the cascade would take
 * at inference: the "optimism of in-sample filtering" of PAPER §4.
 */
public enum SurvivorFiltering {

    /** The branch's own predictions on its training samples: the paper's procedure as we read it (default). */
    IN_SAMPLE,

    /**
     * Out-of-fold predictions: the training samples are split into folds, a copy of the branch is trained on all
     * folds but one and predicts that one. Costs one extra training per fold and exit; the cascade still uses
     * the branch trained on all samples.
     */
    CROSS_FITTED
}
