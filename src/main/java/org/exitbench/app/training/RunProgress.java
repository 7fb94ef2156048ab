package org.exitbench.app.training;

import java.util.Objects;
import org.exitbench.progress.Progress;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainingListener;

/**
 * Turns a run's step-by-step progress (the feature extraction counts its images, each branch its epochs, the
 * backbone its batches) into one fraction for the whole run, so the task strip's bar moves steadily and its time
 * left means the whole run. Used on the run's thread; the weights are ours: a new backbone takes the first half,
 * then feature extraction 40 % of the rest and the branches, in equal shares per mode and exit, the remainder.
 */
final class RunProgress implements ProgressListener, BranchTrainingListener {

    /** The overall fraction is reported in these units. */
    static final long UNITS = 10_000;
    private static final double BACKBONE_SHARE = 0.5;
    private static final double FEATURES_SHARE = 0.4;

    private final ProgressListener out;
    private final RunPlan plan;
    private final double branchesStart;
    private volatile double fraction;

    /**
     * @param out  receives the overall progress, with the step's own message
     * @param plan what the run will do
     */
    RunProgress(ProgressListener out, RunPlan plan) {
        this.out = Objects.requireNonNull(out, "out");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.branchesStart = start() + (1 - start()) * FEATURES_SHARE;
    }

    /** @return the fraction of the run done so far */
    double fraction() {
        return fraction;
    }

    private double start() {
        return plan.trainsBackbone() ? BACKBONE_SHARE : 0;
    }

    @Override
    public void onProgress(Progress progress) {
        if (progress.message().startsWith("Extracting features") && progress.fraction() >= 0) {
            advance(start() + (branchesStart - start()) * progress.fraction());
        }
        out.report(progress.message(), Math.round(fraction * UNITS), UNITS);
    }

    /** A backbone training event: its fraction of the backbone's share. */
    void onBackbone(BackboneTrainingProgress event) {
        advance(BACKBONE_SHARE * event.fraction());
        out.report(String.format(java.util.Locale.ROOT, "Training the backbone: epoch %d/%d, loss %.4f",
                event.epoch(), event.epochs(), event.loss()), Math.round(fraction * UNITS), UNITS);
    }

    @Override
    public void onEpoch(BranchEpoch epoch) {
        if (epoch.fold() < 0) {
            advance(branchFraction(epoch.mode().ordinal(), epoch.exit(), (double) epoch.epoch() / plan.epochs()));
        }
    }

    @Override
    public void onBranch(BranchOutcome outcome) {
        advance(branchFraction(outcome.mode().ordinal(), outcome.exit(), 1));
    }

    private double branchFraction(int modeOrdinal, int exit, double withinBranch) {
        int modeIndex = 0;
        for (int i = 0; i < plan.modes().size(); i++) {
            if (plan.modes().get(i).ordinal() == modeOrdinal) {
                modeIndex = i;
            }
        }
        int branches = plan.modes().size() * plan.exitCount();
        double done = modeIndex * plan.exitCount() + exit + Math.min(1, withinBranch);
        return branchesStart + (1 - branchesStart) * done / branches;
    }

    /** Progress only moves forward: early stopping jumps ahead, nothing moves it back. */
    private void advance(double to) {
        if (to > fraction) {
            fraction = Math.min(1, to);
        }
    }
}
