package org.exitbench.app.training;

import java.util.Objects;
import org.exitbench.train.BranchTrainingMode;

/**
 * One exit of the survivors funnel: how many training and validation images reach it, how many it takes, and what
 * its branch learned from. Rows start {@link State#WAITING} and fill in as the run reaches them.
 *
 * @param mode          the training mode
 * @param exit          the exit, 0-based
 * @param vertex        the backbone vertex it reads
 * @param trainTotal    training images in all
 * @param validTotal    validation images in all
 * @param state         where the run is with this exit
 * @param trainedOn     training images the branch learns from (all of them unless boosted); −1 until known
 * @param trainReaching training images the earlier exits leave for this one; −1 until known
 * @param trainExited   of those, how many it takes; −1 until known
 * @param validReaching validation images that reach it (its calibration set); −1 until known
 * @param validExited   of those, how many it takes; −1 until known
 * @param skipReason    why the branch was skipped, or {@code null}
 */
public record FunnelRow(BranchTrainingMode mode, int exit, String vertex, int trainTotal, int validTotal, State state,
        int trainedOn, int trainReaching, int trainExited, int validReaching, int validExited, String skipReason) {

    /** Where the run is with an exit. */
    public enum State {
        /** Not reached yet. */
        WAITING,
        /** Its branch is training. */
        TRAINING,
        /** Trained and calibrated: the counts are final. */
        DONE,
        /** Skipped: too few survivors, or one class only. */
        SKIPPED
    }

    public FunnelRow {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(vertex, "vertex");
        Objects.requireNonNull(state, "state");
    }

    /** @return a row not reached yet */
    static FunnelRow waiting(BranchTrainingMode mode, int exit, String vertex, int trainTotal, int validTotal) {
        return new FunnelRow(mode, exit, vertex, trainTotal, validTotal, State.WAITING, -1, -1, -1, -1, -1, null);
    }

    FunnelRow training(int learnsFrom, int validSamples) {
        return new FunnelRow(mode, exit, vertex, trainTotal, validTotal, State.TRAINING, learnsFrom, trainReaching,
                trainExited, validSamples, validExited, null);
    }

    FunnelRow done(int learnsFrom, int reaching, int exited, int validReach, int validExit, String skipped) {
        return new FunnelRow(mode, exit, vertex, trainTotal, validTotal, skipped == null ? State.DONE
                : State.SKIPPED, learnsFrom, reaching, exited, validReach, validExit, skipped);
    }
}
