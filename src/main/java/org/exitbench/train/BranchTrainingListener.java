package org.exitbench.train;

/**
 * Receives branch training events: every epoch of every branch, and each branch's outcome (trained or skipped).
 * Called on the training thread; implementations that update a UI must hand the event over themselves.
 */
public interface BranchTrainingListener {

    /** A listener that ignores every event. */
    BranchTrainingListener NONE = new BranchTrainingListener() { };

    /** Called after every epoch, including those of cross-fitting copies. */
    default void onEpoch(BranchEpoch epoch) {
    }

    /** Called when a branch is finished: trained and calibrated, or skipped with a reason. */
    default void onBranch(BranchOutcome outcome) {
    }
}
