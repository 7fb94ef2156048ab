package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitbench.app.task.EtaEstimate;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.progress.Progress;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Test;

/**
 * One progress report for a whole run whose fraction is the share of its expected time, so the task strip's time
 * left is the estimator's: checked against the timeline of a recorded run (the demo run shipped with the sample).
 */
class RunProgressTest {

    private final List<Progress> reports = new ArrayList<>();
    private long now;

    /** What the task strip shows: the time left computed at each report, from the report's fraction. */
    private record Shown(double atSeconds, double leftSeconds) {
    }

    private final List<Shown> shown = new ArrayList<>();

    private RunProgress progress(RunPlan plan) {
        return new RunProgress(report -> {
            reports.add(report);
            Duration elapsed = Duration.ofNanos(now);
            EtaEstimate.remaining(report.fraction(), elapsed).ifPresentOrElse(
                    left -> shown.add(new Shown(now / 1e9, left.toNanos() / 1e9)),
                    () -> shown.add(new Shown(now / 1e9, Double.NaN)));
        }, plan, () -> now);
    }

    private void advance(double seconds) {
        now += Math.round(seconds * 1e9);
    }

    @Test
    void onARecordedRunTheTimeLeftIsCloseAtTenFiftyAndNinetyPercent() {
        RunMetrics recorded = JsonDocuments.read(Path.of("sample-data/fashion-mnist/demo-run/metrics.json"),
                RunMetrics.DOCUMENT_TYPE, RunMetrics.class);
        List<BranchTrainingMode> modes = recorded.modes().stream().map(RunMetrics.ModeMetrics::mode).toList();
        RunPlan plan = new RunPlan(modes, recorded.backbone().exitVertices(), 10_000, 2500, 15,
                CpmSettings.defaults(), false);
        RunProgress run = progress(plan);
        run.report("Loading the backbone", 0, -1);
        advance(recorded.timings().backbone());
        double perBatch = recorded.timings().cache() / (15_000 / 128.0);
        for (int done = 128; done < 15_000 + 128; done += 128) {
            advance(perBatch);
            run.report("Extracting features (train)", Math.min(done, 15_000), 15_000);
        }
        for (RunMetrics.ModeMetrics mode : recorded.modes()) {
            for (RunMetrics.BranchMetrics branch : mode.branches()) {
                List<BranchEpoch> epochs = branch.history().stream().filter(e -> e.fold() < 0).toList();
                for (BranchEpoch epoch : epochs) {
                    advance(branch.seconds() / epochs.size());
                    run.onEpoch(epoch);
                }
                run.onBranch(RunMonitorTest.outcome(mode.mode(), branch.exit(), branch.trainReaching(),
                        branch.trainExited(), branch.validReaching(), branch.validExited()));
            }
        }
        double total = now / 1e9;

        StringBuilder table = new StringBuilder();
        double worst = 0;
        for (double share : new double[] {0.1, 0.5, 0.9}) {
            double at = share * total;
            Shown last = shown.stream().filter(s -> s.atSeconds() <= at).reduce((a, b) -> b).orElseThrow();
            double predicted = last.leftSeconds();
            double actual = total - at;
            table.append(String.format(Locale.ROOT, "at %.0f %%: predicted %.0f s, actual %.0f s; ", 100 * share,
                    predicted, actual));
            worst = Math.max(worst, Math.abs(predicted - actual) / total);
        }
        // Measured: predicted 161 / 53 / 20 s against 148 / 82 / 16 s. The miss at 50 % is the recording's own: its
        // non-boosted branches ran 1.3–1.7× slower per sample than the boosted ones at the same exits (a busy
        // machine), which no estimate made before they start can know.
        assertTrue(worst < 0.2, "time left off by more than 20 % of the run: " + table);
        assertEquals(1.0, reports.get(reports.size() - 1).fraction(), 1e-9);
    }

    @Test
    void noTimeLeftBeforeAnythingIsMeasuredAndReusedBranchesCostNothing() {
        RunProgress run = progress(new RunPlan(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED),
                List.of("stage1", "stage2"), 100, 20, 4, CpmSettings.defaults(), false));
        run.report("Reading the dataset", 0, -1);
        assertEquals(-1, reports.get(0).fraction(), "no bar while nothing is measured");
        advance(1);
        run.report("Extracting features (train)", 70, 140);
        advance(1);
        run.report("Extracting features (test)", 140, 140);
        double afterFeatures = run.fraction();
        assertTrue(afterFeatures > 0 && afterFeatures < 1, "features measured: " + afterFeatures);
        advance(30);
        run.onEpoch(RunMonitorTest.epoch(BranchTrainingMode.BOOSTED, 0, 1, 100));
        run.onBranch(RunMonitorTest.outcome(BranchTrainingMode.BOOSTED, 0, 100, 40, 20, 8));
        run.onBranch(RunMonitorTest.outcome(BranchTrainingMode.BOOSTED, 1, 60, 60, 12, 12));
        // Non-boosted branch 1 is boosted branch 1 reused: its replayed epochs take no time and change nothing.
        double before = run.secondsLeft().orElseThrow();
        for (int e = 1; e <= 4; e++) {
            run.onEpoch(RunMonitorTest.epoch(BranchTrainingMode.NON_BOOSTED, 0, e, 100));
        }
        assertEquals(before, run.secondsLeft().orElseThrow(), 1e-9);
    }
}
