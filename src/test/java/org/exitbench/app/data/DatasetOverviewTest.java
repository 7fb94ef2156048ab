package org.exitbench.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.junit.jupiter.api.Test;

/** What the Data pane says about a dataset, and when it warns. */
class DatasetOverviewTest {

    private static final List<String> CLASSES = List.of("cat", "dog");

    @Test
    void aBalancedDatasetReadAsOnDiskHasNoWarnings() {
        DatasetOverview overview = DatasetOverview.of(TestDatasets.balanced("pets", CLASSES, 12));

        assertEquals("pets", overview.name());
        assertEquals(List.of(new ClassCountRow("cat", 12, 3, 3), new ClassCountRow("dog", 12, 3, 3)),
                overview.rows());
        assertEquals(new ClassCountRow("Total", 24, 6, 6), overview.totals());
        assertEquals(36, overview.totals().total());
        assertEquals(List.of(), overview.warnings());
    }

    @Test
    void warnsAboutACarvedValidationSplitAndResizing() {
        DatasetMetadata carved = new DatasetMetadata(true, 0.1, 42, "32x32", List.of());
        DatasetOverview overview = DatasetOverview.of(TestDatasets.dataset("pets", CLASSES,
                new int[][] {{9, 9}, {1, 1}, {3, 3}}, 3, carved));

        assertEquals(List.of("The dataset has no validation split: 10 % of each training class (seed 42) was"
                        + " moved to validation, so train holds fewer images than on disk.",
                "Every image was resized to 32x32 pixels."), overview.warnings());
        assertEquals("4 × 4 px, 3 channels (RGB)", overview.geometry());
    }

    @Test
    void listsTheFirstSkippedFilesAndCountsTheRest() {
        List<DatasetMetadata.SkippedFile> skipped = IntStream.range(0, 7)
                .mapToObj(i -> new DatasetMetadata.SkippedFile("train/cat/" + i + ".png", "not an image"))
                .toList();
        DatasetOverview overview = DatasetOverview.of(TestDatasets.dataset("pets", CLASSES,
                new int[][] {{4, 4}, {1, 1}, {1, 1}}, 1, new DatasetMetadata(false, 0, 0, null, skipped)));

        assertEquals(1, overview.warnings().size());
        String warning = overview.warnings().get(0);
        assertTrue(warning.startsWith("Skipped 7 unreadable files: train/cat/0.png (not an image); "), warning);
        assertTrue(warning.contains("train/cat/4.png (not an image); and 2 more."), warning);
    }

    @Test
    void warnsAboutClassImbalanceAtOneAndAHalfToOneAndAboutEmptyClasses() {
        DatasetOverview overview = DatasetOverview.of(TestDatasets.dataset("pets", CLASSES,
                new int[][] {{30, 20}, {14, 10}, {5, 0}}, 1, DatasetMetadata.asOnDisk()));

        assertEquals(List.of("Class imbalance in train: 'cat' has 30 images, 'dog' only 20 (1.5 : 1).",
                "Class imbalance in test: class 'dog' has no images."), overview.warnings());
    }

    @Test
    void namesEachLayoutInWords() {
        assertEquals("CIFAR-10 binary batches", DatasetOverview.describe(DatasetFormat.CIFAR10_BINARY));
        assertEquals("IDX files (MNIST format)", DatasetOverview.describe(DatasetFormat.IDX));
        assertTrue(DatasetOverview.describe(DatasetFormat.IMAGE_FOLDER).startsWith("ImageFolder"));
    }
}
