package org.exitbench.calibrate;

/**
 * Where CPM measures its anchor, the backbone's per-class precision. Whether BTS-EE re-measured it on each
 * branch's survivors is unknown; CalexNet's "cascade-aware CPM" calibrates on the survivor subset, which
 * implies the earlier pipeline did not (PAPER §2.6, §3.1).
 */
public enum AnchorSource {

    /** On the full calibration (validation) set, once for all exits: our reading of BTS-EE v1 (the default). */
    FULL_VALIDATION,

    /** On the samples that reach the exit being calibrated (cascade-aware, CalexNet style). */
    SURVIVORS
}
