package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a speedup measurement reports and how it is kept for the GUI. Timings themselves are not asserted (they
 * depend on the machine); their bookkeeping is.
 */
@Tag("slow")
class SpeedupMeasurementTest {

    private static SampleCascade sample;
    private static EarlyExitPredictor predictor;
    private static Thresholds thresholds;

    @BeforeAll
    static void exportTheSampleCascade(@TempDir Path dir) {
        sample = SampleCascade.load();
        thresholds = sample.medianThresholds(ExitRule.MAX_SOFTMAX);
        Path file = dir.resolve("cascade.zip");
        CascadeFile.save(sample.parts(thresholds), file);
        predictor = EarlyExitPredictor.load(file);
    }

    @Test
    void evenlySpacedImagesCoverTheWholeSplitInOrder() {
        assertArrayEquals(new int[] {0, 2500 / 4, 2 * 2500 / 4, 3 * 2500 / 4},
                SpeedupMeasurement.evenlySpaced(2500, 4));
        assertArrayEquals(new int[] {0, 1, 2}, SpeedupMeasurement.evenlySpaced(3, 3));
        assertThrows(IllegalArgumentException.class, () -> SpeedupMeasurement.evenlySpaced(3, 4));
        assertThrows(IllegalArgumentException.class, () -> SpeedupMeasurement.evenlySpaced(3, 0));
    }

    @Test
    void theTheoreticalSpeedupIsTheWorkbenchsOnTheSameThresholds(@TempDir Path dir) {
        int n = 40;
        ImageDataset images = sample.images.subset(IntStream.range(0, n).map(i -> i * 7).toArray());
        SpeedupMeasurement.Report report = SpeedupMeasurement.measure(predictor, images, "every 7th sample image",
                new SpeedupMeasurement.Settings(3, 2), ProgressListener.NONE, CancellationToken.NEVER);
        boolean[] subset = new boolean[sample.images.size()];
        IntStream.range(0, n).forEach(i -> subset[i * 7] = true);
        CascadeResult workbench = new CascadeEvaluator(sample.scores, predictor.cascade().costModel())
                .evaluate(thresholds, subset);
        MeasuredSpeedup s = report.speedup();
        assertEquals(workbench.fullBackboneMacs() / workbench.meanMacs(), s.theoretical(), 1e-9);
        assertEquals(workbench.meanMacs(), report.cascadeMacs(), 1e-6);
        assertEquals(s.measured() / s.theoretical(), s.measuredOverTheoretical(), 1e-12);
        assertEquals(s.backbone().meanMs() / s.cascade().meanMs(), s.measured(), 1e-12);
        assertEquals(2 * n, s.samples());
        assertEquals(2 * n, s.backbone().samples());
        assertEquals(1, s.batchSize());
        assertEquals("test-run", s.runId());
        List<SpeedupMeasurement.Part> parts = report.parts();
        assertEquals(List.of("stage1", "stage2", "stage3", "final"), parts.stream()
                .map(SpeedupMeasurement.Part::vertex).toList());
        for (int e = 0; e < parts.size(); e++) {
            assertEquals(workbench.exitedCount(e), parts.get(e).images(), "images leaving at part " + e);
        }
        assertEquals(workbench.fullBackboneMacs(), parts.stream().mapToLong(SpeedupMeasurement.Part::segmentMacs)
                .sum(), "the segments' MACs add up to the backbone's");
        assertEquals(sample.branches.get(0).macs(), parts.get(0).branchMacs());
        assertTrue(s.backbone().p50Ms() <= s.backbone().p95Ms());
        assertEquals("every 7th sample image", report.images());
        assertEquals(2 * n, report.cascadeCpu().samples());
        assertEquals(report.backboneCpu().meanMs() / report.cascadeCpu().meanMs(), report.cpuSpeedup(), 1e-12);
        assertTrue(report.backboneCpu().meanMs() > 0, "the thread's CPU time is measured");
        assertEquals(0, parts.get(3).branchMacs(), "the head has no branch");

        Path json = dir.resolve("speedup-report.json");
        SpeedupMeasurement.write(json, report);
        assertEquals(report, SpeedupMeasurement.read(json), "the benchmark JSON reads back as written");
    }

    @Test
    void measuringCanBeCancelled() {
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancelledException.class, () -> SpeedupMeasurement.measure(predictor, sample.images,
                "sample", new SpeedupMeasurement.Settings(0, 1), progress -> {
                    if (progress.done() >= 3) {
                        cancel.cancel();
                    }
                }, cancel));
    }

    @Test
    void aVersionOneFileStillReadsWithTheThresholdsTheAppKeptBesideIt(@TempDir Path run) throws Exception {
        String entry = "{\"runId\": \"run\", \"mode\": \"boosted\", \"threads\": 1, \"batchSize\": 1, "
                + "\"samples\": 10, \"theoretical\": 1.8, \"simulated\": 1.7, \"measured\": 1.5, "
                + "\"measuredOverTheoretical\": 0.83, \"backbone\": {\"samples\": 10, \"meanMs\": 2.0, \"p50Ms\": 1.9, "
                + "\"p95Ms\": 2.5}, \"cascade\": {\"samples\": 10, \"meanMs\": 1.3, \"p50Ms\": 1.2, \"p95Ms\": 2.0}, "
                + "\"machine\": \"cpu, 2 cores\", \"measuredAt\": \"%s\"}";
        Files.writeString(run.resolve(MeasuredSpeedup.FILE_NAME), "{\"format\": \"exitbench.measured-speedup\", "
                + "\"formatVersion\": 1, \"measurements\": [" + String.format(entry, "2026-11-01T10:00:00Z") + ", "
                + String.format(entry.replace("boosted", "non-boosted"), "2026-11-02T10:00:00Z") + "]}");
        assertTrue(MeasuredSpeedup.readAll(run).stream().allMatch(m -> m.thresholds() == null),
                "measured outside the app: thresholds unknown");

        Thresholds tuned = Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {{0.9, 0.8}});
        Files.writeString(run.resolve(MeasuredSpeedup.LEGACY_THRESHOLDS_FILE), "{\"format\": "
                + "\"exitbench.measured-thresholds\", \"formatVersion\": 1, \"thresholds\": {\"2026-11-02T10:00:00Z\": "
                + tuned.toJson() + "}}");
        List<MeasuredSpeedup> read = MeasuredSpeedup.readAll(run);
        assertEquals(Optional.empty(), read.get(0).thresholdsMeasured(run));
        assertEquals(Optional.of(tuned), read.get(1).thresholdsMeasured(run));

        MeasuredSpeedup.save(run, read.get(0));
        assertEquals(2, JsonDocuments.peekVersion(run.resolve(MeasuredSpeedup.FILE_NAME),
                MeasuredSpeedup.DOCUMENT_TYPE), "saving writes version 2");
        Files.delete(run.resolve(MeasuredSpeedup.LEGACY_THRESHOLDS_FILE));
        assertEquals(Optional.of(tuned), MeasuredSpeedup.readAll(run).get(0).thresholdsMeasured(run),
                "with the thresholds in the file itself");
    }

    @Test
    void measurementsAreKeptPerModeAndThreadsInTheRunFolder(@TempDir Path run) throws Exception {
        assertEquals(List.of(), MeasuredSpeedup.readAll(run));
        MeasuredSpeedup one = speedup("boosted", 1, 1.5);
        MeasuredSpeedup two = speedup("boosted", 2, 1.4);
        MeasuredSpeedup again = speedup("boosted", 1, 1.6);
        MeasuredSpeedup other = speedup("non-boosted", 1, 1.2);
        MeasuredSpeedup.save(run, one);
        MeasuredSpeedup.save(run, two);
        MeasuredSpeedup.save(run, again);
        MeasuredSpeedup.save(run, other);
        assertEquals(List.of(two, again, other), MeasuredSpeedup.readAll(run));
        Files.writeString(run.resolve(MeasuredSpeedup.FILE_NAME), "{\"format\": \"exitbench.measured-speedup\", "
                + "\"formatVersion\": 9}");
        StoreException newer = assertThrows(StoreException.class, () -> MeasuredSpeedup.readAll(run));
        assertTrue(newer.getMessage().startsWith(run.resolve(MeasuredSpeedup.FILE_NAME) + ": was written by a newer"),
                newer.getMessage());
    }

    private static MeasuredSpeedup speedup(String mode, int threads, double measured) {
        LatencyStats stats = new LatencyStats(10, 2.0, 1.9, 2.5);
        return new MeasuredSpeedup("run", mode, threads, 1, 10, 1.8, 1.7, measured, measured / 1.8, stats, stats,
                "cpu, 2 cores", "2026-11-04T12:00:00Z", null);
    }
}
