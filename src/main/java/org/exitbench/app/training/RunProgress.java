package org.exitbench.app.training;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import org.exitbench.progress.Progress;
import org.exitbench.progress.ProgressListener;
import org.exitbench.progress.TimeLeftEstimator;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;

/**
 * Turns a run's step-by-step progress into one progress report for the whole run whose fraction is the share of the
 * run's expected time already spent, so that the task strip's time left (elapsed × (1 − f) / f) is the
 * {@link TimeLeftEstimator}'s: the work each step still has (images to extract; training samples × epochs per
 * branch, with the survivors of a boosted branch known once the branch before it is done) at the measured speed
 * of that kind of work. While nothing has been measured the total is reported as unknown: no bar, no time left.
 *
 * <p>The estimate is smoothed (see {@link TimeLeftEstimator}); when it grows, the bar moves back a little rather than
 * the time left being wrong. Non-boosted branch 1 trained after boosted branch 1 is the same fit, reused, and counts as no work.
 * Used on the run's thread.
 */
final class RunProgress implements ProgressListener, BranchTrainingListener {

    /** The overall fraction is reported in these units. */
    static final long UNITS = 10_000;

    /**
     * Prior seconds per unit, from the demo run shipped with the sample (a 2-core laptop-class CPU): 2 ms per image
     * for the features, 0.11 / 0.14 / 0.31 ms per training sample and epoch for branches at exits 1 / 2 / 3 (their
     * inputs grow with depth). Only their ratios are used, until each kind is measured.
     */
    private static final double FEATURES_PRIOR = 2.0e-3;
    private static final double BRANCH_PRIOR = 0.11e-3;
    private static final double BRANCH_PRIOR_GROWTH = 1.6;
    /** Of the training samples reaching a boosted branch, the share expected to go on (0.62 and 0.73 there). */
    private static final double SURVIVING_PRIOR = 2.0 / 3;
    private static final double BACKBONE_PRIOR = 1.0;
    private static final double BACKBONE_UNITS = 1000;
    private static final String FEATURES = "features";
    private static final String BACKBONE = "backbone";

    private final ProgressListener out;
    private final RunPlan plan;
    private final LongSupplier clock;
    private final long startNanos;
    private final TimeLeftEstimator estimator = new TimeLeftEstimator();
    private final double[][] doneUnits;
    private boolean featuresSeen;
    private boolean branchesStarted;
    private String lastMessage = "Starting";
    private volatile double fraction;

    /**
     * @param out  receives the overall progress, with the step's own message
     * @param plan what the run will do
     */
    RunProgress(ProgressListener out, RunPlan plan) {
        this(out, plan, System::nanoTime);
    }

    /**
     * @param clock a monotonic clock in nanoseconds
     */
    RunProgress(ProgressListener out, RunPlan plan, LongSupplier clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startNanos = clock.getAsLong();
        estimator.start(startNanos);
        doneUnits = new double[plan.modes().size()][plan.exitCount()];
        if (plan.trainsBackbone()) {
            estimator.plan(BACKBONE, BACKBONE_UNITS, BACKBONE_PRIOR);
        }
        // Every image of the three splits; the test split's size is learnt from the first report.
        estimator.plan(FEATURES, plan.trainTotal() + 2.0 * plan.validTotal(), FEATURES_PRIOR);
        for (int m = 0; m < plan.modes().size(); m++) {
            boolean boosted = plan.modes().get(m) == BranchTrainingMode.BOOSTED;
            for (int k = 0; k < plan.exitCount(); k++) {
                double samples = plan.trainTotal() * (boosted ? Math.pow(SURVIVING_PRIOR, k) : 1);
                estimator.plan(kind(m, k), shared(m, k) ? 0 : plan.epochs() * samples,
                        BRANCH_PRIOR * Math.pow(BRANCH_PRIOR_GROWTH, k));
            }
        }
    }

    /** @return the fraction of the run's expected time spent so far, or 0 before an estimate exists */
    double fraction() {
        return fraction;
    }

    /** @return the estimated seconds left now, if any */
    OptionalDouble secondsLeft() {
        return estimator.secondsLeft(clock.getAsLong());
    }

    @Override
    public void onProgress(Progress progress) {
        if (progress.message().startsWith("Extracting features") && progress.total() > 0 && !branchesStarted) {
            if (!featuresSeen) {
                estimator.replan(FEATURES, progress.total());
                featuresSeen = true;
            }
            estimator.progress(FEATURES, progress.done(), clock.getAsLong());
        }
        publish(progress.message());
    }

    /** A backbone training event: its fraction of the backbone's training. */
    void onBackbone(BackboneTrainingProgress event) {
        estimator.progress(BACKBONE, BACKBONE_UNITS * event.fraction(), clock.getAsLong());
        publish(String.format(Locale.ROOT, "Training the backbone: epoch %d/%d, loss %.4f", event.epoch(),
                event.epochs(), event.loss()));
    }

    @Override
    public void onEpoch(BranchEpoch epoch) {
        int m = plan.modes().indexOf(epoch.mode());
        if (m < 0 || epoch.exit() >= plan.exitCount()) {
            return;
        }
        startBranches();
        int samples = epoch.trainSamples();
        doneUnits[m][epoch.exit()] += samples;
        if (shared(m, epoch.exit())) {
            estimator.skip(kind(m, epoch.exit()), doneUnits[m][epoch.exit()]);
        } else {
            if (epoch.epoch() == 1 && epoch.fold() < 0) {
                // The first epoch tells how many samples this branch learns from: plan its epochs with it.
                estimator.replan(kind(m, epoch.exit()), doneUnits[m][epoch.exit()]
                        + (double) (plan.epochs() - 1) * samples);
            }
            estimator.progress(kind(m, epoch.exit()), doneUnits[m][epoch.exit()], clock.getAsLong());
        }
        publish(null);
    }

    @Override
    public void onBranch(BranchOutcome outcome) {
        int m = plan.modes().indexOf(outcome.mode());
        if (m < 0 || outcome.exit() >= plan.exitCount()) {
            return;
        }
        startBranches();
        estimator.finish(kind(m, outcome.exit()));
        if (outcome.mode() == BranchTrainingMode.BOOSTED && outcome.trained()) {
            // The survivors of this exit are what the later boosted branches learn from (at most).
            double survivors = Math.max(0, outcome.trainReaching() - outcome.trainExited());
            for (int k = outcome.exit() + 1; k < plan.exitCount(); k++) {
                estimator.replan(kind(m, k), plan.epochs() * survivors);
            }
        }
        publish(null);
    }

    private void startBranches() {
        if (!branchesStarted) {
            branchesStarted = true;
            // A reused feature cache reports no extraction: there is none left to do.
            estimator.finish(FEATURES);
        }
    }

    /** Reports the run's fraction of expected time with {@code message}, or with the last message when null. */
    private void publish(String message) {
        if (message != null) {
            lastMessage = message;
        }
        long now = clock.getAsLong();
        OptionalDouble left = estimator.secondsLeft(now);
        if (left.isEmpty()) {
            out.report(lastMessage, 0, -1);
            return;
        }
        double elapsed = (now - startNanos) / 1e9;
        double total = elapsed + left.getAsDouble();
        // The bar never moves back: when the machine slows down the time left grows, and the bar waits for it.
        fraction = Math.max(fraction, total <= 0 ? 1 : Math.min(1, elapsed / total));
        out.report(lastMessage, Math.round(fraction * UNITS), UNITS);
    }

    /** Whether this branch is the same fit as one trained before in the run (non-boosted 1 after boosted 1). */
    private boolean shared(int modeIndex, int exit) {
        return exit == 0 && plan.modes().get(modeIndex) == BranchTrainingMode.NON_BOOSTED
                && plan.modes().indexOf(BranchTrainingMode.BOOSTED) >= 0
                && plan.modes().indexOf(BranchTrainingMode.BOOSTED) < modeIndex;
    }

    private String kind(int modeIndex, int exit) {
        return plan.modes().get(modeIndex) + " exit " + (exit + 1);
    }
}
