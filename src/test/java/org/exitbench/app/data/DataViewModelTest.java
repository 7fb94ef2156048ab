package org.exitbench.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetException;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.Split;
import org.exitbench.progress.CancelledException;
import org.junit.jupiter.api.Test;

/** The Data pane's state, driven without the JavaFX toolkit through a synchronous executor. */
class DataViewModelTest {

    private static final List<String> CLASSES = List.of("shirt", "shoe", "bag");

    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    /** Folder → what opening it does: a dataset, or an exception to throw. */
    private final Map<Path, Object> disk = new HashMap<>();
    private final DataViewModel model = new DataViewModel(executor, (folder, progress, cancel) -> {
        progress.report("decoding images", 1, 2);
        Object outcome = disk.get(folder);
        if (outcome instanceof RuntimeException e) {
            throw e;
        }
        if (outcome == null) {
            throw new DatasetException(folder, "does not exist");
        }
        return (Dataset) outcome;
    });

    @Test
    void opensADatasetThroughTheExecutorAndShowsItsCountsPerSplitAndClass() {
        Path folder = Path.of("/data/fashion");
        disk.put(folder, TestDatasets.balanced("fashion", CLASSES, 8));

        model.open(folder);

        assertEquals(List.of("Opening fashion"), executor.submitted());
        assertEquals("decoding images", executor.reports().get(0).message());
        assertFalse(model.loadingProperty().get());
        assertEquals("", model.errorProperty().get());
        assertEquals("fashion", model.datasetProperty().get().name());
        assertEquals(List.of(
                new ClassCountRow("shirt", 8, 2, 2),
                new ClassCountRow("shoe", 8, 2, 2),
                new ClassCountRow("bag", 8, 2, 2),
                new ClassCountRow("Total", 24, 6, 6)), model.countRows());
        assertEquals("ImageFolder  ·  4 × 4 px, 1 channel (grayscale)  ·  3 classes, 36 images  ·  "
                + Path.of("/fixtures/fashion").toAbsolutePath(), DataView.facts(model.summaryProperty().get()));
        assertTrue(model.warnings().isEmpty());
    }

    @Test
    void showsTheDatasetSummarysNotesAsWarnings() {
        Path folder = Path.of("/data/carved");
        disk.put(folder, TestDatasets.dataset("carved", CLASSES, new int[][] {{30, 20, 20}, {4, 2, 2}, {5, 5, 5}},
                1, new DatasetMetadata(true, 0.1, 42, null, List.of())));

        model.open(folder);

        assertEquals(model.summaryProperty().get().notes(), model.warnings());
        assertEquals(2, model.warnings().size());
        assertTrue(model.warnings().get(0).contains("no validation split"), model.warnings().get(0));
        assertTrue(model.warnings().get(1).startsWith("Class imbalance in valid"), model.warnings().get(1));
    }

    @Test
    void thumbnailsFollowTheSplitAndClassFilters() {
        Path folder = Path.of("/data/fashion");
        disk.put(folder, TestDatasets.balanced("fashion", CLASSES, 8));
        model.open(folder);

        assertEquals(24, model.visibleImages().size());
        assertEquals("24 of 24 train images", model.visibleSummaryProperty().get());
        assertEquals(List.of(0, 1, 2, 0, 1, 2), model.visibleImages().subList(0, 6).stream()
                .map(model.shownSplit()::label).toList(), "all classes: one image of each in turn");
        assertEquals(List.of(ClassChoice.ALL, new ClassChoice(0, "shirt"), new ClassChoice(1, "shoe"),
                new ClassChoice(2, "bag")), model.classChoices());

        model.classChoiceProperty().set(model.classChoices().get(2));
        assertEquals(8, model.visibleImages().size());
        for (int index : model.visibleImages()) {
            assertEquals(1, model.shownSplit().label(index));
        }

        model.splitProperty().set(Split.TEST);
        assertSame(model.datasetProperty().get().split(Split.TEST), model.shownSplit());
        assertEquals(List.of(2, 3), model.visibleImages());
        assertEquals("2 of 6 test images", model.visibleSummaryProperty().get());

        model.classChoiceProperty().set(null);
        assertEquals(ClassChoice.ALL, model.classChoiceProperty().get());
        assertEquals(6, model.visibleImages().size());
    }

    @Test
    void aBadFolderGivesAReadableErrorAndKeepsTheDatasetShownBefore() {
        Path good = Path.of("/data/fashion");
        disk.put(good, TestDatasets.balanced("fashion", CLASSES, 8));
        model.open(good);
        Dataset before = model.datasetProperty().get();
        Path bad = Path.of("/data/empty");
        disk.put(bad, new DatasetException(bad, "matches no known layout: expected train/ and test/ folders"));

        model.open(bad);

        assertSame(before, model.datasetProperty().get());
        assertEquals(4, model.countRows().size());
        assertEquals("Could not open the dataset. /data/empty: matches no known layout: expected train/ and test/"
                + " folders. Still showing fashion.", model.errorProperty().get());
        assertFalse(model.loadingProperty().get());

        model.dismissError();
        assertEquals("", model.errorProperty().get());
    }

    @Test
    void notificationsCutLongMessagesAtAWord() {
        assertEquals("short", DataView.abbreviate("short", 10));
        assertEquals("one two…", DataView.abbreviate("one two three", 10));
        assertEquals("abcdefghi…", DataView.abbreviate("abcdefghijklmnop", 10));
    }

    @Test
    void anUnexpectedFailureIsOneSentenceWithoutAStackTrace() {
        Path folder = Path.of("/data/odd");
        disk.put(folder, new IllegalStateException());

        model.open(folder);

        assertNull(model.datasetProperty().get());
        assertEquals("Could not open /data/odd: IllegalStateException.", model.errorProperty().get());
    }

    @Test
    void aCancelledOpenKeepsTheDatasetAndShowsNoError() {
        Path good = Path.of("/data/fashion");
        disk.put(good, TestDatasets.balanced("fashion", CLASSES, 4));
        model.open(good);
        Path big = Path.of("/data/big");
        disk.put(big, new CancelledException());

        model.open(big);

        assertEquals("fashion", model.datasetProperty().get().name());
        assertEquals("", model.errorProperty().get());
        assertFalse(model.loadingProperty().get());
    }

    @Test
    void aNewDatasetResetsTheClassFilterButKeepsTheSplit() {
        Path first = Path.of("/data/a");
        Path second = Path.of("/data/b");
        disk.put(first, TestDatasets.balanced("a", CLASSES, 8));
        disk.put(second, TestDatasets.balanced("b", List.of("cat", "dog"), 4));
        model.open(first);
        model.splitProperty().set(Split.VALID);
        model.classChoiceProperty().set(model.classChoices().get(3));

        model.open(second);

        assertEquals(ClassChoice.ALL, model.classChoiceProperty().get());
        assertEquals(Split.VALID, model.splitProperty().get());
        assertEquals(3, model.classChoices().size());
        assertEquals(2, model.visibleImages().size());
        assertEquals("2 of 2 valid images", model.visibleSummaryProperty().get());
    }
}
