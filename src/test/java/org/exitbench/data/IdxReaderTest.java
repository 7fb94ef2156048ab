package org.exitbench.data;

import static org.exitbench.data.DatasetFixtures.idxImages;
import static org.exitbench.data.DatasetFixtures.idxLabels;
import static org.exitbench.data.DatasetFixtures.roundRobinLabels;
import static org.exitbench.data.DatasetFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The IDX reader on tiny generated files: 5×4 images, raw and gzip-compressed. */
class IdxReaderTest {

    private static final int[] TRAIN = roundRobinLabels(10, 4);
    private static final int[] TEST = roundRobinLabels(10, 2);

    @TempDir
    Path dir;

    private Path idxFolder(String name, boolean gzip) {
        Path folder = dir.resolve(name);
        String gz = gzip ? ".gz" : "";
        idxImages(folder.resolve("train-images-idx3-ubyte" + gz), TRAIN, 5, 4, gzip);
        idxLabels(folder.resolve("train-labels-idx1-ubyte" + gz), TRAIN, gzip);
        idxImages(folder.resolve("t10k-images-idx3-ubyte" + gz), TEST, 5, 4, gzip);
        idxLabels(folder.resolve("t10k-labels-idx1-ubyte" + gz), TEST, gzip);
        return folder;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsTrainAndT10kWithExactPixelsAndCarvesValidation(boolean gzip) {
        Path folder = idxFolder("mnist", gzip);

        assertEquals(DatasetFormat.IDX, DatasetReaders.detect(folder));
        Dataset dataset = DatasetReaders.read(folder, new ReadOptions(0.25, 3L, false, 0, 0, 0),
                ProgressListener.NONE, CancellationToken.NEVER);

        assertEquals(IdxReader.DIGIT_CLASSES, dataset.classNames());
        assertEquals(1, dataset.channels());
        assertEquals(5, dataset.height());
        assertEquals(4, dataset.width());
        ImageDataset test = dataset.split(Split.TEST);
        assertArrayEquals(TEST, test.labels());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(value(0, TEST[13], 13, 0, y, x), test.pixel(13, 0, y, x));
            }
        }
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, dataset.split(Split.TRAIN).classCounts());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, dataset.split(Split.VALID).classCounts());
        assertTrue(dataset.metadata().validationCarvedFromTrain());
        String carved = dataset.split(Split.VALID).source(0);
        assertTrue(carved.startsWith("train-images-idx3-ubyte"), carved);
    }

    @Test
    void readsAFolderGivenAsOneOfItsFiles() {
        Path folder = idxFolder("digits", true);

        Dataset dataset = DatasetReaders.read(folder.resolve("t10k-labels-idx1-ubyte.gz"));

        assertEquals(folder.toAbsolutePath().normalize(), dataset.root());
        assertEquals(20, dataset.split(Split.TEST).size());
    }

    @Test
    void classNamesComeFromClassesTxtThenAFashionFolderNameThenDigits() throws IOException {
        assertEquals(IdxReader.FASHION_MNIST_CLASSES,
                DatasetReaders.read(idxFolder("Fashion-MNIST", false)).classNames());
        assertEquals(IdxReader.DIGIT_CLASSES, DatasetReaders.read(idxFolder("mnist", false)).classNames());
        Path custom = idxFolder("letters", false);
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
        Files.write(custom.resolve("classes.txt"), names);
        assertEquals(names, DatasetReaders.read(custom).classNames());
    }

    @Test
    void readPairReadsOneImageAndLabelFile() {
        Path folder = idxFolder("pair", true);

        ImageDataset train = IdxReader.readPair(folder.resolve("train-images-idx3-ubyte.gz"),
                folder.resolve("train-labels-idx1-ubyte.gz"), IdxReader.DIGIT_CLASSES);

        assertArrayEquals(TRAIN, train.labels());
        assertEquals(value(0, TRAIN[39], 39, 0, 4, 3), train.pixel(39, 0, 4, 3));
        assertEquals("train-images-idx3-ubyte.gz#39", train.source(39));
    }

    @Test
    void aFileWithTheWrongMagicNumberIsAnErrorNamingIt() {
        Path folder = idxFolder("swapped", false);
        Path labels = folder.resolve("train-labels-idx1-ubyte");

        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxReader.readPair(labels, labels, IdxReader.DIGIT_CLASSES));

        assertEquals(labels, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("magic number is 0x00000801, expected 0x00000803"), e.getMessage());
    }

    @Test
    void aTruncatedImageFileIsAnErrorSayingHowMuchIsMissing() {
        Path folder = idxFolder("cut", false);
        Path images = folder.resolve("train-images-idx3-ubyte");
        DatasetFixtures.truncate(images, 16 + 100);

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(folder));

        assertEquals(images, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("truncated: its header promises 800 bytes of data (40 images of 5x4) "
                + "but only 100 follow"), e.getMessage());
    }

    @Test
    void aTruncatedGzipFileIsAnErrorNamingIt() throws IOException {
        Path folder = idxFolder("cutgz", true);
        Path images = folder.resolve("t10k-images-idx3-ubyte.gz");
        DatasetFixtures.truncate(images, (int) Files.size(images) / 2);

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(folder));

        assertEquals(images, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void differentImageAndLabelCountsAreAnErrorNamingTheLabelFile() {
        Path folder = idxFolder("counts", false);
        Path labels = idxLabels(folder.resolve("t10k-labels-idx1-ubyte"), roundRobinLabels(10, 3), false);

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(folder));

        assertEquals(labels, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("has 30 labels but t10k-images-idx3-ubyte has 20 images"),
                e.getMessage());
    }

    @Test
    void aLabelOutOfRangeIsAnErrorNamingTheFileAndImage() {
        Path folder = idxFolder("range", false);
        int[] labels = TEST.clone();
        labels[7] = 12;
        Path file = idxLabels(folder.resolve("t10k-labels-idx1-ubyte"), labels, false);

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(folder));

        assertEquals(file, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("label 12 of image 7 is outside 0..9"), e.getMessage());
    }

    @Test
    void aMissingTestFileIsAnErrorNamingIt() throws IOException {
        Path folder = idxFolder("half", false);
        Files.delete(folder.resolve("t10k-images-idx3-ubyte"));

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(folder));

        assertEquals(folder.resolve("t10k-images-idx3-ubyte"), e.file().orElseThrow());
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void resizesOnRequest() {
        Dataset dataset = DatasetReaders.read(idxFolder("big", false), ReadOptions.DEFAULTS.withResize(10, 8),
                ProgressListener.NONE, CancellationToken.NEVER);

        assertEquals(10, dataset.height());
        assertEquals(8, dataset.split(Split.VALID).width());
        assertEquals("10x8", dataset.metadata().resizedTo());
    }
}
