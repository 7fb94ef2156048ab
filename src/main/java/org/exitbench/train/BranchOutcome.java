package org.exitbench.train;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.exitbench.calibrate.ExitCalibration;

/**
 * What happened at one exit: the branch was trained and calibrated, or skipped with a reason. The counts form the
 * funnel: how many training and validation samples reach each exit and how many it takes. Made by
 * {@link #trained} or {@link #skipped}, which derive the counts from the masks.
 *
 * @param mode          the training mode
 * @param exit          the exit's index among the feature cache's exits (0-based)
 * @param vertex        the backbone vertex the exit reads
 * @param skipReason    why the branch was skipped, or null when it was trained. A skipped branch is left out of
 *                      the cascade entirely, so it costs no MACs
 * @param trainSamples  training samples the branch learned from (all of them unless the mode is boosted)
 * @param trainWeight   their total weight (equal to {@code trainSamples} unless the mode is soft)
 * @param trainReaching training samples that the earlier exits, applied to the training split, leave for this one
 *                      (in-sample or cross-fitted predictions, see {@link SurvivorFiltering}; in-sample for the
 *                      non-boosted mode, where it only informs)
 * @param trainExited   how many of {@code trainReaching} this exit takes
 * @param validReaching validation samples that reach this exit: its calibration set
 * @param validExited   how many of them it takes
 * @param macs          the branch's MACs per sample (0 when skipped)
 * @param calibration   the exit's CPM calibration, or null when skipped
 * @param history       the epochs of the branch the cascade uses
 * @param bestEpoch     the epoch whose parameters were kept (1-based; 0 when skipped)
 * @param trainingTime  wall time spent on this exit, cross-fitting copies and scoring included
 * @param trainMask     per training sample, whether it reaches this exit ({@code trainReaching} of them)
 * @param validMask     per validation sample, whether it reaches this exit ({@code validReaching} of them)
 */
public record BranchOutcome(BranchTrainingMode mode, int exit, String vertex, String skipReason, int trainSamples,
                            double trainWeight, int trainReaching, int trainExited, int validReaching,
                            int validExited, long macs, ExitCalibration calibration, List<BranchEpoch> history,
                            int bestEpoch, Duration trainingTime, boolean[] trainMask, boolean[] validMask) {

    public BranchOutcome {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(vertex, "vertex");
        history = List.copyOf(history);
        trainMask = trainMask.clone();
        validMask = validMask.clone();
        if ((skipReason == null) == (calibration == null)) {
            throw new IllegalArgumentException("a branch is either trained (with a calibration) or skipped (with a "
                    + "reason)");
        }
    }

    /**
     * The samples that reach an exit, before it takes any.
     *
     * @param trainSamples training samples the branch learns from (all of them unless the mode is boosted)
     * @param trainWeight  their total weight (equal to {@code trainSamples} unless the mode is soft)
     * @param trainMask    per training sample, whether the earlier exits leave it for this one
     * @param validMask    per validation sample, whether it reaches this exit: the exit's calibration set
     */
    public record Reaching(int trainSamples, double trainWeight, boolean[] trainMask, boolean[] validMask) {

        public Reaching {
            trainMask = trainMask.clone();
            validMask = validMask.clone();
        }

        int trainCount() {
            return count(trainMask);
        }

        int validCount() {
            return count(validMask);
        }

        private static int count(boolean[] mask) {
            int n = 0;
            for (boolean b : mask) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * A branch left out of the cascade: it costs no MACs and takes no sample.
     *
     * @param reason why, as the funnel shows it
     * @param time   wall time spent on the exit
     */
    public static BranchOutcome skipped(BranchTrainingMode mode, int exit, String vertex, String reason,
            Reaching reaching, Duration time) {
        Objects.requireNonNull(reason, "reason");
        return new BranchOutcome(mode, exit, vertex, reason, reaching.trainSamples(), reaching.trainWeight(),
                reaching.trainCount(), 0, reaching.validCount(), 0, 0L, null, List.of(), 0, time,
                reaching.trainMask(), reaching.validMask());
    }

    /**
     * A branch trained and calibrated, part of the cascade.
     *
     * @param trainExited how many of the training samples that reach the exit it takes
     * @param macs        the branch's MACs per sample
     * @param calibration its CPM calibration on the validation samples that reach it, which says how many it takes
     * @param history     the epochs of the branch the cascade uses
     * @param bestEpoch   the epoch whose parameters were kept (1-based)
     * @param time        wall time spent on the exit, cross-fitting copies and scoring included
     */
    public static BranchOutcome trained(BranchTrainingMode mode, int exit, String vertex, Reaching reaching,
            int trainExited, long macs, ExitCalibration calibration, List<BranchEpoch> history, int bestEpoch,
            Duration time) {
        Objects.requireNonNull(calibration, "calibration");
        return trained(mode, exit, vertex, reaching, trainExited, calibration.exitedCount(), macs, calibration, history,
                bestEpoch, time);
    }

    /**
     * As {@link #trained(BranchTrainingMode, int, String, Reaching, int, long, ExitCalibration, List, int,
     * Duration)}, for an exit calibrated on part of the validation samples that reach it (a calibration split):
     * {@code validExited} counts what it takes among all of them, so the funnel adds up.
     */
    public static BranchOutcome trained(BranchTrainingMode mode, int exit, String vertex, Reaching reaching,
            int trainExited, int validExited, long macs, ExitCalibration calibration, List<BranchEpoch> history,
            int bestEpoch, Duration time) {
        Objects.requireNonNull(calibration, "calibration");
        return new BranchOutcome(mode, exit, vertex, null, reaching.trainSamples(), reaching.trainWeight(),
                reaching.trainCount(), trainExited, reaching.validCount(), validExited, macs,
                calibration, history, bestEpoch, time, reaching.trainMask(), reaching.validMask());
    }

    @Override
    public boolean[] trainMask() {
        return trainMask.clone();
    }

    @Override
    public boolean[] validMask() {
        return validMask.clone();
    }

    /** @return whether the branch was trained and is part of the cascade */
    public boolean trained() {
        return skipReason == null;
    }
}
