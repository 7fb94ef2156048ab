package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.operatingpoint.TestSources;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.deploy.LatencyStats;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.onnx.OnnxMeasuredSpeedup;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speedup slot under the Analysis chart, without the toolkit: which stored measurement it shows and how, the note
 * on its thresholds, and a real measurement of a run on the bundled sample.
 */
@Tag("slow")
class SpeedupViewModelTest {

    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final Notices notices = new Notices();

    private static MeasuredSpeedup speedup(String runId, String mode, int threads, String at) {
        return new MeasuredSpeedup(runId, mode, threads, 1, 300, 1.8, 1.5, 1.44, 0.8,
                new LatencyStats(300, 2.0, 1.9, 2.75), new LatencyStats(300, 1.3889, 1.2, 2.5), "Test CPU, 2 cores",
                at, null);
    }

    @Test
    void theLatestMeasurementOfTheShownRunAndModeIsShown() {
        MeasuredSpeedup older = speedup("r1", "boosted", 1, "2026-11-20T10:00:00Z");
        MeasuredSpeedup newer = speedup("r1", "boosted", 2, "2026-11-21T10:00:00Z");
        MeasuredSpeedup otherMode = speedup("r1", "non-boosted", 1, "2026-11-22T10:00:00Z");
        MeasuredSpeedup otherRun = speedup("r2", "boosted", 1, "2026-11-23T10:00:00Z");
        List<MeasuredSpeedup> all = List.of(older, newer, otherMode, otherRun);
        assertEquals(Optional.of(newer), SpeedupViewModel.latest(all, "r1", "boosted"));
        assertEquals(Optional.of(otherMode), SpeedupViewModel.latest(all, "r1", "non-boosted"));
        assertEquals(Optional.empty(), SpeedupViewModel.latest(all, "r1", "soft"));
    }

    @Test
    void aMeasurementReadsAsItsThreeSpeedupsLatenciesAndWhereAndWhenItWasTaken() {
        MeasuredSpeedup m = speedup("r1", "boosted", 2, "2026-11-21T10:05:30.123Z");
        assertEquals("theoretical 1.80× · simulated 1.50× · measured 1.44× · measured / theoretical 0.80",
                SpeedupViewModel.figures(m));
        assertEquals("latency mean / p50 / p95: backbone 2.00 / 1.90 / 2.75 ms · cascade 1.39 / 1.20 / "
                + "2.50 ms", SpeedupViewModel.latency(m));
        assertEquals("300 test images · 2 threads · Test CPU, 2 cores · 2026-11-21 10:05 UTC",
                SpeedupViewModel.context(m));
        assertTrue(SpeedupViewModel.context(speedup("r1", "boosted", 1, "yesterday")).endsWith("· 1 thread · "
                + "Test CPU, 2 cores · yesterday"), "a date it cannot read is shown as written");
    }

    @Test
    void theNoteSaysWhetherTheMeasurementWasTakenAtTheCurrentThresholds() {
        Thresholds current = Thresholds.uniform(ExitRule.MAX_SOFTMAX, 2, 3, 0.9);
        assertTrue(SpeedupViewModel.thresholdNote(current, Thresholds.uniform(ExitRule.MAX_SOFTMAX, 2, 3, 0.9))
                .startsWith("Measured at the current thresholds"));
        assertTrue(SpeedupViewModel.thresholdNote(current, current.withThreshold(1, 2, 0.95))
                .startsWith("Measured at other thresholds than the current ones"));
        assertTrue(SpeedupViewModel.thresholdNote(null, current).contains("thresholds were not recorded"));
    }

    @Test
    void syntheticScoresHaveATheoreticalSpeedupButNothingToMeasure(@TempDir Path runs) {
        point.setSource(TestSources.withImages(4, 100));
        SpeedupViewModel model = new SpeedupViewModel(point, executor, notices, () -> null);
        var test = point.resultProperty().get().test();
        assertTrue(model.theoreticalProperty().get().startsWith(String.format(java.util.Locale.ROOT,
                "Theoretical at the current thresholds: %.2f×", test.fullBackboneMacs() / test.meanMacs())),
                model.theoreticalProperty().get());
        assertTrue(model.statusProperty().get().startsWith("Synthetic demo scores: there is no trained cascade"));
        assertFalse(model.canMeasureProperty().get());
        model.targetProperty().set(new SpeedupViewModel.Target(runs.resolve("r1"), BranchTrainingMode.BOOSTED));
        assertFalse(model.canMeasureProperty().get(), "a run that is not the one shown is not measured");
        model.measure();
        assertEquals(List.of(), executor.submitted());
    }

    @Test
    void aCorruptMeasurementFileIsReportedNotThrown(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve(MeasuredSpeedup.FILE_NAME), "{ not json");
        point.setSource(TestSources.withImages(4, 100));
        SpeedupViewModel model = new SpeedupViewModel(point, executor, notices, () -> null);
        model.targetProperty().set(new SpeedupViewModel.Target(run, BranchTrainingMode.BOOSTED));
        assertTrue(model.statusProperty().get().startsWith("The saved measurements could not be read: "),
                model.statusProperty().get());
        assertTrue(model.statusProperty().get().contains(MeasuredSpeedup.FILE_NAME), model.statusProperty().get());
        assertNull(model.shownProperty().get());
    }

    @Test
    void measuringARunTimesItsCascadeAtTheCurrentThresholdsAndKeepsTheResultInTheRunFolder(@TempDir Path workspace)
            throws Exception {
        ExperimentRun run = SampleRuns.makeRun(workspace, 1);
        point.setSource(RunCascadeSource.of(run, BranchTrainingMode.BOOSTED, SampleRuns.sample(), null).source());
        SpeedupViewModel model = new SpeedupViewModel(point, executor, notices, SampleRuns::sample);
        model.setAmount(20, 2);
        model.targetProperty().set(new SpeedupViewModel.Target(run.folder(), BranchTrainingMode.BOOSTED));
        assertTrue(model.canMeasureProperty().get());
        assertTrue(model.statusProperty().get().startsWith("Not measured yet"), model.statusProperty().get());
        assertEquals("", model.figuresProperty().get());
        Thresholds measured = point.thresholds();

        model.measure();

        assertEquals(List.of(), notices.posted().stream().filter(Notice::error).toList());
        MeasuredSpeedup shown = model.shownProperty().get();
        assertNotNull(shown, "the measurement is shown");
        assertEquals(List.of(shown), MeasuredSpeedup.readAll(run.folder()), "and saved in the run folder");
        assertEquals(run.id(), shown.runId());
        assertEquals("boosted", shown.mode());
        assertEquals(20, shown.samples());
        assertTrue(shown.theoretical() >= 1 && shown.measured() > 0 && shown.simulated() > 0, shown.toString());
        assertEquals(SpeedupViewModel.figures(shown), model.figuresProperty().get());
        assertTrue(model.latencyProperty().get().startsWith("latency mean / p50 / p95: backbone "));
        assertTrue(model.contextProperty().get().startsWith("20 test images · "));
        assertEquals("", model.statusProperty().get());
        assertTrue(model.thresholdNoteProperty().get().startsWith("Measured at the current thresholds"));
        assertEquals(Optional.of(measured), MeasuredSpeedup.readAll(run.folder()).get(0).thresholdsMeasured(
                run.folder()), "the measurement records its thresholds");
        assertTrue(executor.reports().stream().anyMatch(r -> r.message().equals("Measuring latency")));
        assertTrue(notices.posted().get(notices.posted().size() - 1).text().contains("on 20 test images"));
        assertFalse(model.measuringProperty().get());
        try (var files = Files.list(run.folder())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".zip")), "no cascade file is "
                    + "left in the run folder");
        }

        String before = model.theoreticalProperty().get();
        point.requestThresholds(Thresholds.never(measured.exitCount(), measured.classCount()));
        assertTrue(model.thresholdNoteProperty().get().startsWith("Measured at other thresholds"));
        assertNotEquals(before, model.theoreticalProperty().get(), "the theoretical figure follows the thresholds");
        assertTrue(model.theoreticalProperty().get().contains(": 1.00×"), "no image leaves early: "
                + model.theoreticalProperty().get());
    }

    @Test
    void withOnnxRuntimeTickedBothEnginesAreTimedSideBySide(@TempDir Path workspace) throws Exception {
        ExperimentRun run = SampleRuns.makeRun(workspace, 1);
        point.setSource(RunCascadeSource.of(run, BranchTrainingMode.BOOSTED, SampleRuns.sample(), null).source());
        SpeedupViewModel model = new SpeedupViewModel(point, executor, notices, SampleRuns::sample);
        model.setAmount(20, 2);
        model.targetProperty().set(new SpeedupViewModel.Target(run.folder(), BranchTrainingMode.BOOSTED));
        model.alsoOnnxProperty().set(true);

        model.measure();

        assertEquals(List.of(), notices.posted().stream().filter(Notice::error).toList());
        assertNotNull(model.shownProperty().get(), "DL4J's measurement is shown and saved as before");
        assertEquals(1, MeasuredSpeedup.readAll(run.folder()).size());
        assertEquals(1, OnnxMeasuredSpeedup.readAll(run.folder()).size(), "ONNX Runtime's measurement is saved too");
        String onnx = model.onnxFiguresProperty().get();
        assertTrue(onnx.matches("ONNX Runtime \\S+, cascade\\.onnx: measured \\d+\\.\\d\\d× · measured / "
                + "theoretical \\d+\\.\\d\\d \\(CPU time .*\\) · backbone .* ms · cascade .* ms .*"), onnx);
        assertFalse(onnx.contains("other thresholds"), onnx);

        SpeedupViewModel reopened = new SpeedupViewModel(point, executor, notices, SampleRuns::sample);
        reopened.targetProperty().set(new SpeedupViewModel.Target(run.folder(), BranchTrainingMode.BOOSTED));
        assertEquals(onnx, reopened.onnxFiguresProperty().get(), "the saved ONNX line is shown again when the run "
                + "is reopened");

        model.alsoOnnxProperty().set(false);
        model.measure();
        assertEquals(onnx, model.onnxFiguresProperty().get(), "a DL4J-only measurement keeps the saved ONNX line");
        Thresholds measured = point.resultProperty().get().thresholds();
        point.requestThresholds(Thresholds.never(measured.exitCount(), measured.classCount()));
        assertTrue(model.onnxFiguresProperty().get().endsWith("measured at other thresholds than the current ones"),
                model.onnxFiguresProperty().get());
    }
}
