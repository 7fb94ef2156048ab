package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled sample, sample-data/fashion-mnist, as the app opens it by default. */
class SampleDataTest {

    static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");

    private static Dataset sample;

    @BeforeAll
    static void readSample() {
        assertTrue(Files.isDirectory(SAMPLE), "the bundled sample is missing: " + SAMPLE.toAbsolutePath());
        sample = DatasetReaders.read(SAMPLE);
    }

    @Test
    void hasTenClassesAndOneThousandTwoHundredFiftyTwoHundredFiftyImagesPerClass() {
        assertEquals(DatasetFormat.IMAGE_FOLDER, sample.format());
        assertEquals(List.of("ankle-boot", "bag", "coat", "dress", "pullover", "sandal", "shirt", "sneaker",
                "t-shirt-top", "trouser"), sample.classNames());
        assertEquals(1, sample.channels());
        assertEquals(32, sample.height());
        assertEquals(32, sample.width());
        int[] thousands = new int[10];
        java.util.Arrays.fill(thousands, 1000);
        int[] quarters = new int[10];
        java.util.Arrays.fill(quarters, 250);
        assertArrayEquals(thousands, sample.split(Split.TRAIN).classCounts());
        assertArrayEquals(quarters, sample.split(Split.VALID).classCounts());
        assertArrayEquals(quarters, sample.split(Split.TEST).classCounts());
        assertEquals(DatasetMetadata.asOnDisk(), sample.metadata());
        assertEquals(List.of(), DatasetSummary.of(sample).notes());
    }

    @Test
    void everyImageIsA28x28ImagePaddedWithATwoPixelBlackBorder() {
        for (Split split : Split.values()) {
            ImageDataset images = sample.split(split);
            for (int i = 0; i < images.size(); i++) {
                int inside = 0;
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        boolean border = y < 2 || y >= 30 || x < 2 || x >= 30;
                        int v = images.pixel(i, 0, y, x);
                        if (border) {
                            assertEquals(0, v, images.source(i) + " at " + y + "," + x);
                        } else {
                            inside += v;
                        }
                    }
                }
                assertTrue(inside > 0, images.source(i) + " is blank");
            }
        }
    }

    @Test
    void trainAndValidAreDisjointSelectionsOfTheFashionMnistTrainingFile() {
        // File names are positions in the IDX file; train and valid come from the same file, test from t10k.
        for (String className : sample.classNames()) {
            Set<String> train = indices(Split.TRAIN, className);
            Set<String> valid = indices(Split.VALID, className);
            assertEquals(1000, train.size());
            assertEquals(250, valid.size());
            assertTrue(valid.stream().noneMatch(train::contains), className);
            assertTrue(indices(Split.TEST, className).stream().allMatch(n -> Integer.parseInt(n) < 10_000));
        }
    }

    private static Set<String> indices(Split split, String className) {
        Set<String> names = new HashSet<>();
        for (String source : sample.split(split).sources()) {
            Path p = Path.of(source);
            if (p.getParent().getFileName().toString().equals(className)) {
                String file = p.getFileName().toString();
                names.add(file.substring(0, file.indexOf('.')));
            }
        }
        return names;
    }
}
