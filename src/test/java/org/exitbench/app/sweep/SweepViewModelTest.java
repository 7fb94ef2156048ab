package org.exitbench.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.exitbench.app.io.Notices;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.progress.Progress;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep view's state with a real, tiny sweep: the first images of each class of the bundled sample (so the
 * feature cache and the branches take seconds) with the sample's shipped backbone, 2 configurations × 2 modes ×
 * 1 seed, one epoch per branch.
 */
@Tag("slow")
class SweepViewModelTest {

    /** Images per class and split copied from the sample. */
    private static final int PER_CLASS = 30;

    @TempDir
    static Path dir;

    private static Path dataset;
    private static Path definitionFile;

    @BeforeAll
    static void copyASmallPartOfTheSample() throws IOException {
        dataset = dir.resolve("small-sample");
        for (String split : List.of("train", "valid", "test")) {
            try (Stream<Path> classes = Files.list(SampleBackbone.SAMPLE.resolve(split))) {
                for (Path classFolder : classes.sorted().toList()) {
                    Path to = Files.createDirectories(dataset.resolve(split).resolve(classFolder.getFileName()
                            .toString()));
                    try (Stream<Path> images = Files.list(classFolder)) {
                        for (Path image : images.sorted().limit(PER_CLASS).toList()) {
                            Files.copy(image, to.resolve(image.getFileName().toString()));
                        }
                    }
                }
            }
        }
        Files.copy(SampleBackbone.file(), dataset.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE));
        definitionFile = dir.resolve("tiny-sweep.json");
        Files.writeString(definitionFile, """
                {"name": "tiny gui sweep",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4},
                          "training": {"epochs": 1, "minimumSurvivors": 5}},
                 "axes": [{"name": "recipe", "variants": [
                             {"label": "argmax", "set": {"training": {"target": "backbone-argmax"}}},
                             {"label": "distillation", "set": {"training": {"target": "distillation"}}}]}],
                 "seeds": [1],
                 "margins": [0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]}""");
    }

    private static SweepViewModel model(SynchronousTaskExecutor executor, Path workspace) {
        SweepViewModel model = new SweepViewModel(executor, new Notices());
        model.targetProperty().set(new SweepTarget(Workspace.at(workspace), workspace.resolve("sweeps"), dataset,
                null));
        return model;
    }

    @Test
    void theDefaultGridIsPlannedWithItsTrialsAndATimeEstimate() {
        SweepViewModel model = model(new SynchronousTaskExecutor(), dir.resolve("plan"));
        assertNull(model.definitionFileProperty().get(), "the default grid");
        assertEquals(3, model.seedsProperty().get());
        assertEquals(64 * 3, model.trialsProperty().get());
        assertEquals(dir.resolve("plan").resolve("sweeps").resolve("bts-ee-64"), model.folderProperty().get());
        assertTrue(model.planProperty().get().startsWith("192 trials: 64 configurations × 3 seeds, each trained "
                + "boosted and non-boosted."), model.planProperty().get());
        assertTrue(model.estimateProperty().get().startsWith("Roughly 32 min 00 s for 192 trials at 1 thread"),
                "5 s per trial and mode: " + model.estimateProperty().get());

        model.seedsProperty().set(1);
        model.softProperty().set(true);
        model.threadsProperty().set(2);
        assertEquals(64, model.trialsProperty().get());
        assertTrue(model.planProperty().get().contains("each trained boosted and non-boosted and soft"),
                model.planProperty().get());
        assertTrue(model.estimateProperty().get().startsWith("Roughly 8 min 00 s for 64 trials at 2 threads"),
                model.estimateProperty().get());

        model.nonBoostedProperty().set(false);
        assertNull(model.definitionProperty().get(), "the baseline cannot be left out");
        assertTrue(model.problemProperty().get().startsWith("Baseline: must be one of the modes (boosted, soft)"),
                model.problemProperty().get());
        assertFalse(model.start());
        assertEquals(model.problemProperty().get(), model.messageProperty().get());
    }

    @Test
    void aBadDefinitionFileIsNamedAndTheCurrentDefinitionStays() throws IOException {
        SweepViewModel model = model(new SynchronousTaskExecutor(), dir.resolve("bad"));
        Path bad = dir.resolve("broken-sweep.json");
        Files.writeString(bad, "{\"name\": \"x\", \"seeds\": [], \"axes\": [{\"name\": \"w\", \"field\": "
                + "\"branch.filterz\", \"values\": [4]}]}");
        assertFalse(model.useDefinitionFile(bad));
        assertTrue(model.problemProperty().get().contains(bad.toString()), model.problemProperty().get());
        assertTrue(model.problemProperty().get().contains("seeds"), model.problemProperty().get());
        assertTrue(model.problemProperty().get().contains("filterz"), model.problemProperty().get());
        assertNull(model.definitionFileProperty().get(), "the default grid stays");
        assertEquals(64 * 3, model.trialsProperty().get());

        assertFalse(model.useDefinitionFile(dir.resolve("missing.json")));
        assertTrue(model.problemProperty().get().contains("missing.json"), model.problemProperty().get());

        assertFalse(model.openFolder(dir), "a folder without a sweep");
        assertTrue(model.problemProperty().get().contains("is not a sweep folder"), model.problemProperty().get());
    }

    @Test
    void aCancelledSweepKeepsItsTrialsAndStartingAgainContinues() {
        SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
        Path workspace = dir.resolve("resume");
        SweepViewModel model = model(executor, workspace);
        assertTrue(model.useDefinitionFile(definitionFile), model.problemProperty().get());
        assertEquals(2, model.trialsProperty().get());
        Path folder = workspace.resolve("sweeps").resolve("tiny_gui_sweep");
        assertEquals(folder, model.folderProperty().get());
        assertEquals("No results yet for this sweep.", model.summaryTitleProperty().get());

        // Cancel as soon as the first trial is reported, as a user pressing Cancel would.
        List<String> statuses = new ArrayList<>();
        javafx.beans.value.ChangeListener<String> pressCancel = (obs, old, now) -> {
            statuses.add(now);
            if (now.startsWith("1 of 2 trials done \u2014")) {
                model.cancel();
            }
        };
        model.statusProperty().addListener(pressCancel);
        List<String> titlesWhileRunning = new ArrayList<>();
        model.summaryTitleProperty().addListener((obs, old, now) -> {
            if (model.runningProperty().get()) {
                titlesWhileRunning.add(now);
            }
        });
        assertTrue(model.start());
        assertFalse(model.runningProperty().get());
        assertTrue(model.messageProperty().get().startsWith("Cancelled. Finished trials are kept"),
                model.messageProperty().get());
        assertTrue(statuses.stream().anyMatch(s -> s.startsWith("1 of 2 trials done \u2014 c01 seed 1")),
                statuses.toString());
        assertTrue(titlesWhileRunning.contains("Stored results: 1 of 2 trials finished"), "the tables fill in as "
                + "trials finish: " + titlesWhileRunning);
        assertEquals(1, model.doneProperty().get(), "the finished trial is read back from the folder");
        assertTrue(model.planProperty().get().contains("1 of 2 trials already done; Start continues with the other"
                + " 1."), model.planProperty().get());
        assertEquals("Stored results: 1 of 2 trials finished", model.summaryTitleProperty().get());
        assertNull(model.reportProperty().get(), "no report for a cancelled sweep");

        model.statusProperty().removeListener(pressCancel);
        executor.reports().clear();
        assertTrue(model.start());
        assertTrue(model.messageProperty().get().startsWith("Finished in"), model.messageProperty().get());
        assertTrue(model.messageProperty().get().contains("1 trials trained now, 1 done before"),
                model.messageProperty().get());
        Progress resumed = executor.reports().stream().filter(p -> p.message().startsWith("Sweep: 1 of 2"))
                .findFirst().orElseThrow(() -> new AssertionError(executor.reports().toString()));
        assertEquals(1, resumed.done(), "progress starts at the trial already done");
        assertTrue(executor.reports().stream().anyMatch(p -> p.done() == 2 && p.total() == 2));

        assertEquals(2, model.doneProperty().get());
        assertEquals("Stored results: 2 of 2 trials finished", model.summaryTitleProperty().get());
        assertTrue(model.planProperty().get().contains("All 2 already done"), model.planProperty().get());
        assertEquals(folder.resolve(SweepFolder.REPORT), model.reportProperty().get());
        assertTrue(model.failed().isEmpty(), model.failed().toString());

        // Summary rows: boosted − non-boosted per metric, paired over the 2 configurations.
        assertFalse(model.comparisons().isEmpty());
        SweepRows.Comparison matched = model.comparisons().stream()
                .filter(c -> c.metric().equals("accuracy at matched compute")).findFirst().orElseThrow();
        assertEquals("boosted \u2212 non-boosted", matched.comparison());
        assertEquals(2, matched.statistics().pairs());
        assertEquals(matched.statistics().pairs(), matched.statistics().wins() + matched.statistics().losses()
                + matched.statistics().ties());
        assertEquals(matched.statistics().wins() + " / " + matched.statistics().losses() + " / "
                + matched.statistics().ties(), matched.record());
        assertTrue(matched.difference().matches("[+-]\\d+\\.\\d\\d \\[[+-]\\d+\\.\\d\\d, [+-]\\d+\\.\\d\\d]"),
                matched.difference());
        // Best reduction: one row per mode and budget (1, 2 and 5 points).
        assertEquals(List.of("boosted", "boosted", "boosted", "non-boosted", "non-boosted", "non-boosted"),
                model.best().stream().map(SweepRows.Best::mode).toList());
        assertEquals(List.of("\u2264 1 point", "\u2264 2 points", "\u2264 5 points"),
                model.best().subList(0, 3).stream().map(SweepRows.Best::budget).toList());

        // The same folder opened read-only by another view shows the same summary without training.
        SynchronousTaskExecutor other = new SynchronousTaskExecutor();
        SweepViewModel reader = new SweepViewModel(other, new Notices());
        assertTrue(reader.openFolder(folder), reader.problemProperty().get());
        assertEquals(model.summaryProperty().get(), reader.summaryProperty().get());
        assertEquals(model.comparisons(), reader.comparisons());
        assertNotNull(reader.reportProperty().get());
        assertTrue(other.submitted().stream().noneMatch(name -> name.startsWith("Sweep ")), "nothing trained");
    }
}
