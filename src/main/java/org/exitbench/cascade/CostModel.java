package org.exitbench.cascade;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a sample costs, in multiply-accumulate operations (MACs), depending on where it leaves the cascade.
 *
 * <p>Counting convention (our reconstruction of PAPER §2.8 and §5 step 4; the papers do not state theirs): a
 * sample that leaves at exit k costs the backbone up to exit point k plus <em>every</em> branch evaluated on
 * the way, that is branches 0..k, including the earlier ones that did not fire. A sample that no exit takes
 * costs the full backbone plus all K branches. Compute reduction is then 1 − mean cost / full backbone MACs,
 * so a cascade in which nothing exits has a negative reduction equal to minus the branch overhead.
 *
 * @param backboneMacsToExit MACs of the backbone from the input up to exit point k (cumulative, so
 *                           non-decreasing), one value per exit
 * @param branchMacs         MACs of branch k alone, one value per exit
 * @param fullBackboneMacs   MACs of the whole backbone including its classifier head
 */
public record CostModel(long[] backboneMacsToExit, long[] branchMacs, long fullBackboneMacs) {

    /** @throws IllegalArgumentException naming the field when a value is negative, out of order or missing */
    public CostModel {
        Objects.requireNonNull(backboneMacsToExit, "backboneMacsToExit");
        Objects.requireNonNull(branchMacs, "branchMacs");
        if (backboneMacsToExit.length == 0) {
            throw new IllegalArgumentException("backboneMacsToExit: at least one exit is needed");
        }
        if (branchMacs.length != backboneMacsToExit.length) {
            throw new IllegalArgumentException("branchMacs has " + branchMacs.length + " values, but"
                    + " backboneMacsToExit has " + backboneMacsToExit.length + " (one per exit each)");
        }
        if (fullBackboneMacs <= 0) {
            throw new IllegalArgumentException("fullBackboneMacs must be positive, was " + fullBackboneMacs);
        }
        for (int k = 0; k < backboneMacsToExit.length; k++) {
            if (branchMacs[k] < 0) {
                throw new IllegalArgumentException("branchMacs[" + k + "] is negative: " + branchMacs[k]);
            }
            if (backboneMacsToExit[k] < 0) {
                throw new IllegalArgumentException("backboneMacsToExit[" + k + "] is negative: "
                        + backboneMacsToExit[k]);
            }
            if (k > 0 && backboneMacsToExit[k] < backboneMacsToExit[k - 1]) {
                throw new IllegalArgumentException("backboneMacsToExit[" + k + "] = " + backboneMacsToExit[k]
                        + " is less than backboneMacsToExit[" + (k - 1) + "] = " + backboneMacsToExit[k - 1]
                        + "; the values are cumulative from the input");
            }
            if (backboneMacsToExit[k] > fullBackboneMacs) {
                throw new IllegalArgumentException("backboneMacsToExit[" + k + "] = " + backboneMacsToExit[k]
                        + " exceeds fullBackboneMacs = " + fullBackboneMacs);
            }
        }
        backboneMacsToExit = backboneMacsToExit.clone();
        branchMacs = branchMacs.clone();
    }

    /** @return K, the number of exits */
    public int exitCount() {
        return branchMacs.length;
    }

    /**
     * @param exit 0..K−1 for a branch, K for the backbone head (no exit fired)
     * @return the MACs spent on a sample that leaves there
     */
    public long costOfExit(int exit) {
        Objects.checkIndex(exit, branchMacs.length + 1);
        long branches = 0;
        for (int k = 0; k <= Math.min(exit, branchMacs.length - 1); k++) {
            branches += branchMacs[k];
        }
        long backbone = exit == branchMacs.length ? fullBackboneMacs : backboneMacsToExit[exit];
        return backbone + branches;
    }

    /** @return the MACs of all branches together: the extra cost of a sample that no exit takes */
    public long branchOverhead() {
        long sum = 0;
        for (long m : branchMacs) {
            sum += m;
        }
        return sum;
    }

    @Override
    public long[] backboneMacsToExit() {
        return backboneMacsToExit.clone();
    }

    @Override
    public long[] branchMacs() {
        return branchMacs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CostModel m && m.fullBackboneMacs == fullBackboneMacs
                && Arrays.equals(m.backboneMacsToExit, backboneMacsToExit) && Arrays.equals(m.branchMacs, branchMacs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fullBackboneMacs, Arrays.hashCode(backboneMacsToExit), Arrays.hashCode(branchMacs));
    }

    @Override
    public String toString() {
        return "CostModel[backboneMacsToExit=" + Arrays.toString(backboneMacsToExit) + ", branchMacs="
                + Arrays.toString(branchMacs) + ", fullBackboneMacs=" + fullBackboneMacs + "]";
    }
}
