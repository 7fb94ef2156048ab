package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dataset summary that {@code exitbench data inspect} prints and the Data pane shows. */
class DatasetSummaryTest {

    private static final List<String> CLASSES = List.of("cat", "dog", "axolotl");

    /** A split of 2×2 RGB images with the given number of images per class. */
    private static ImageDataset split(int... perClass) {
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < perClass.length; c++) {
            for (int k = 0; k < perClass[c]; k++) {
                labels.add(c);
            }
        }
        int n = labels.size();
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sources.add("img" + i);
        }
        return new ImageDataset(new byte[n * 12], labels.stream().mapToInt(Integer::intValue).toArray(), 3, 2, 2,
                CLASSES, sources);
    }

    private static Dataset dataset(DatasetMetadata metadata, ImageDataset train, ImageDataset valid,
                                   ImageDataset test) {
        return new Dataset("pets", Path.of("/data/pets"), DatasetFormat.CIFAR10_BINARY,
                Map.of(Split.TRAIN, train, Split.VALID, valid, Split.TEST, test), metadata);
    }

    @Test
    void countsEveryClassInEverySplitWithTotals() {
        DatasetSummary summary = DatasetSummary.of(dataset(DatasetMetadata.asOnDisk(), split(10, 9, 8), split(3, 3, 3),
                split(2, 2, 3)));

        assertEquals("pets", summary.name());
        assertEquals(CLASSES, summary.classNames());
        assertEquals(3, summary.channels());
        assertEquals(9, summary.count(Split.TRAIN, 1));
        assertEquals(27, summary.total(Split.TRAIN));
        assertEquals(7, summary.total(Split.TEST));
        assertEquals(43, summary.total());
        assertEquals(List.of(), summary.notes());
    }

    @Test
    void notesTellHowTheDatasetWasReadAndWarnAboutImbalance() {
        DatasetMetadata metadata = new DatasetMetadata(true, 0.1, 42L, "32x32", List.of(
                new DatasetMetadata.SkippedFile("/data/pets/train/cat/7.png", "is corrupt")));

        List<String> notes = DatasetSummary.of(dataset(metadata, split(10, 6, 8), split(3, 0, 3), split(2, 2, 3)))
                .notes();

        assertEquals(List.of(
                "The dataset has no validation split: 10% of each training class was carved off as validation "
                        + "(seed 42).",
                "Images were resized to 32x32 on request.",
                "Skipped 1 unreadable file: /data/pets/train/cat/7.png (is corrupt).",
                "Class imbalance in train: 'cat' has 10 images, 'dog' only 6 (ratio 1.7, above 1.5).",
                "Class 'dog' has no images in valid."), notes);
    }

    @Test
    void aRatioOfExactlyOneAndAHalfIsNotImbalance() {
        assertEquals(List.of(), DatasetSummary.of(dataset(DatasetMetadata.asOnDisk(), split(3, 2, 3), split(1, 1, 1),
                split(1, 1, 1))).notes());
    }

    @Test
    void manySkippedFilesAreSummarisedAfterTheFirstFive() {
        List<DatasetMetadata.SkippedFile> skipped = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            skipped.add(new DatasetMetadata.SkippedFile("f" + i + ".png", "bad"));
        }
        DatasetMetadata metadata = new DatasetMetadata(false, 0, 0, null, skipped);

        String note = DatasetSummary.of(dataset(metadata, split(1, 1, 1), split(1, 1, 1), split(1, 1, 1))).notes()
                .get(0);

        assertTrue(note.startsWith("Skipped 8 unreadable files: f0.png (bad); "), note);
        assertTrue(note.contains("f4.png (bad); and 3 more."), note);
    }

    @Test
    void rendersAPlainTextTableOfClassesBySplit() {
        String table = DatasetSummary.of(dataset(DatasetMetadata.asOnDisk(), split(1000, 9, 8), split(3, 3, 3),
                split(2, 2, 3))).toTable();

        List<String> lines = table.lines().toList();
        assertEquals("pets  (CIFAR-10 binary)  " + Path.of("/data/pets"), lines.get(0));
        assertEquals("3 classes, 3 channels (RGB), 2x2 pixels (height x width), 1033 images", lines.get(1));
        assertEquals("class      train  valid   test", lines.get(3));
        assertEquals("cat         1000      3      2", lines.get(4));
        assertEquals("axolotl        8      3      3", lines.get(6));
        assertEquals("total       1017      9      7", lines.get(7));
        assertTrue(table.contains("Notes:\n  - Class imbalance in train: 'cat' has 1000 images"), table);
    }

    @Test
    void rejectsCountsThatDoNotMatchTheClasses() {
        Map<Split, List<Integer>> counts = Map.of(Split.TRAIN, List.of(1, 2), Split.VALID, List.of(1, 2, 3),
                Split.TEST, List.of(1, 2, 3));

        assertThrows(IllegalArgumentException.class, () -> new DatasetSummary("x", DatasetFormat.IDX, Path.of("x"),
                1, 2, 2, CLASSES, counts, List.of()));
    }
}
