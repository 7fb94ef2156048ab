package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.ExitCalibration;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.ExitRule;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Test;

/**
 * What the Training pane shows of a run, from the run's events alone: steps and captions, the funnel, the curves,
 * the log.
 */
class RunMonitorTest {

    private static final BranchTrainingMode BOOSTED = BranchTrainingMode.BOOSTED;
    private static final BranchTrainingMode NON_BOOSTED = BranchTrainingMode.NON_BOOSTED;

    private final RunMonitor monitor = new RunMonitor();
    private final RunPlan plan = new RunPlan(List.of(BOOSTED, NON_BOOSTED), List.of("stage1", "stage2"), 1000, 200,
            5, CpmSettings.builder().margin(0).marginForm(MarginForm.MULTIPLICATIVE).build(), false);

    static BranchEpoch epoch(BranchTrainingMode mode, int exit, int epoch, int trainSamples) {
        return new BranchEpoch(mode, exit, "stage" + (exit + 1), -1, epoch, 1.0 / epoch, 1.1 / epoch,
                0.5 + 0.05 * epoch, trainSamples, trainSamples, 200, true);
    }

    static BranchOutcome outcome(BranchTrainingMode mode, int exit, int trainReaching, int trainExited,
            int validReaching, int validExited) {
        ExitCalibration calibration = new ExitCalibration(exit, ExitRule.MAX_SOFTMAX, new double[] {0.9},
                new double[] {0.9}, new double[] {0.9}, new boolean[0]);
        return new BranchOutcome(mode, exit, "stage" + (exit + 1), null, trainReaching, trainReaching, trainReaching,
                trainExited, validReaching, validExited, 100, calibration, List.of(), 3, Duration.ofSeconds(1),
                new boolean[0], new boolean[0]);
    }

    @Test
    void stepsFollowTheRunAndCaptionsCarryItsNumbers() {
        monitor.begin(plan);
        assertEquals(List.of("Features", "Branch 1", "Calibrate 1", "Survivors 1", "Branch 2", "Calibrate 2",
                "To the head", "Non-boosted", "Done"), monitor.steps().stream().map(PipelineStep::title).toList());
        assertTrue(monitor.steps().stream().allMatch(s -> s.state() == PipelineStep.State.PENDING));

        monitor.progress("Extracting features (train)");
        assertEquals(PipelineStep.State.ACTIVE, monitor.steps().get(0).state());
        assertTrue(monitor.captionProperty().get().contains("frozen backbone"));

        monitor.epoch(epoch(BOOSTED, 0, 1, 1000));
        assertEquals(PipelineStep.State.DONE, monitor.steps().get(0).state());
        assertEquals(PipelineStep.State.ACTIVE, monitor.steps().get(1).state());
        assertTrue(monitor.captionProperty().get().contains("all 1,000 training images"),
                monitor.captionProperty().get());
        assertEquals(FunnelRow.State.TRAINING, monitor.funnel().get(0).state());
        assertEquals(1000, monitor.funnel().get(0).trainedOn());

        monitor.branch(outcome(BOOSTED, 0, 1000, 400, 200, 90));
        assertEquals(PipelineStep.State.DONE, monitor.steps().get(3).state());
        assertTrue(monitor.steps().get(2).caption().contains("it takes 90 of the 200 validation images"),
                monitor.steps().get(2).caption());
        assertTrue(monitor.steps().get(3).caption().startsWith("600 training and 110 validation images"),
                monitor.steps().get(3).caption());

        monitor.epoch(epoch(BOOSTED, 1, 1, 600));
        assertTrue(monitor.captionProperty().get().contains("only from the 600 training images the earlier exits"
                + " left"), monitor.captionProperty().get());
    }

    @Test
    void theFunnelFillsUpRowByRowInPlanOrder() {
        monitor.begin(plan);
        assertEquals(4, monitor.funnel().size());
        assertTrue(monitor.funnel().stream().allMatch(r -> r.state() == FunnelRow.State.WAITING));
        monitor.branch(outcome(BOOSTED, 0, 1000, 400, 200, 90));
        monitor.branch(outcome(BOOSTED, 1, 600, 250, 110, 40));
        FunnelRow second = monitor.funnel().get(1);
        assertEquals(FunnelRow.State.DONE, second.state());
        assertEquals(600, second.trainReaching());
        assertEquals(250, second.trainExited());
        assertEquals(110, second.validReaching());
        assertEquals(1000, second.trainTotal());
        assertEquals(FunnelRow.State.WAITING, monitor.funnel().get(2).state(), "non-boosted has not begun");

        monitor.epoch(epoch(NON_BOOSTED, 0, 1, 1000));
        assertEquals(PipelineStep.State.ACTIVE, monitor.steps().get(7).state(), "the comparison mode is one step");
        assertTrue(monitor.captionProperty().get().contains("non-boosted, the paper's baseline"));
    }

    @Test
    void curvesGrowPerBranchAndCrossFittingCopiesAreLeftOut() {
        monitor.begin(plan);
        for (int e = 1; e <= 3; e++) {
            monitor.epoch(epoch(BOOSTED, 0, e, 1000));
        }
        monitor.epoch(new BranchEpoch(BOOSTED, 0, "stage1", 0, 1, 9, 9, 0.1, 500, 500, 200, true));
        assertEquals(1, monitor.curves().size());
        TrainingCurve curve = monitor.curves().get(0);
        assertEquals(3, curve.points().size());
        assertEquals(0.65, curve.points().get(2).validAccuracy(), 1e-12);
        assertEquals("exit 1 · stage1", curve.label());
    }

    @Test
    void aStoppedRunLeavesNoStepUnderWayAndSaysWhy() {
        monitor.begin(plan);
        monitor.progress("Extracting features (train)");
        monitor.progress("Extracting features (train)");
        monitor.stopped("Cancelled: nothing was saved; earlier runs are untouched.");
        assertTrue(monitor.steps().stream().noneMatch(s -> s.state() == PipelineStep.State.ACTIVE));
        assertEquals("Cancelled: nothing was saved; earlier runs are untouched.", monitor.captionProperty().get());
        assertEquals(3, monitor.log().size(), "the plan, one line per new message, and the reason: "
                + monitor.log());
        assertTrue(monitor.log().get(1).endsWith("Extracting features (train)"));
    }
}
