package org.exitbench.calibrate;

/**
 * How CPM's margin m lowers the precision bar below the anchor (the backbone's own precision on the class).
 * The papers name the margin but not its form; both readings fit the fragments (PAPER §2.6), so it is a switch.
 */
public enum MarginForm {

    /** Bar = anchor − m. */
    ADDITIVE,

    /** Bar = (1 − m) · anchor (the form of a third-party adaptation of CPM, PAPER §2.6). */
    MULTIPLICATIVE;

    /** @return the precision bar for {@code anchor} and margin {@code margin}; NaN when the anchor is NaN */
    public double bar(double anchor, double margin) {
        return this == ADDITIVE ? anchor - margin : (1.0 - margin) * anchor;
    }
}
