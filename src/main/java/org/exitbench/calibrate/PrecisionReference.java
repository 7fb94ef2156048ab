package org.exitbench.calibrate;

/**
 * What an exit's precision is measured against when calibrating. The papers do not say (PAPER §2.6); ground
 * truth is our default because the anchor it is compared with is the backbone's precision against ground truth.
 */
public enum PrecisionReference {

    /** A sample counts as right when the exit's answer is its ground-truth label. */
    GROUND_TRUTH,

    /** A sample counts as right when the exit's answer is the backbone's answer (fidelity to the backbone). */
    BACKBONE_LABELS
}
