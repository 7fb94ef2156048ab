package org.exitbench.data;

import static org.exitbench.data.DatasetFixtures.cifarBatch;
import static org.exitbench.data.DatasetFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 binary reader on small generated batches: 3 classes, 2 train batches of 10, a test batch of 6. */
class Cifar10BinaryReaderTest {

    private static final int[] TRAIN_1 = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    private static final int[] TRAIN_2 = {1, 2, 0, 1, 2, 0, 1, 2, 0, 1};
    private static final int[] TEST = {2, 1, 0, 2, 1, 0};

    @TempDir
    Path root;

    @BeforeEach
    void writeBatches() throws IOException {
        Files.writeString(root.resolve("batches.meta.txt"), "cat\ndog\nfrog\n\n");
        cifarBatch(root.resolve("data_batch_1.bin"), 1, TRAIN_1);
        cifarBatch(root.resolve("data_batch_2.bin"), 2, TRAIN_2);
        cifarBatch(root.resolve("test_batch.bin"), 9, TEST);
    }

    @Test
    void readsBatchesAsRgbAndCarvesValidationFromTrain() {
        assertEquals(DatasetFormat.CIFAR10_BINARY, DatasetReaders.detect(root));

        Dataset dataset = DatasetReaders.read(root, new ReadOptions(0.3, 5L, false, 0, 0, 0),
                ProgressListener.NONE, new CancellationToken());

        assertEquals(List.of("cat", "dog", "frog"), dataset.classNames());
        assertEquals(3, dataset.channels());
        assertEquals(32, dataset.height());
        assertEquals(32, dataset.width());
        ImageDataset test = dataset.split(Split.TEST);
        assertArrayEquals(TEST, test.labels());
        for (int c = 0; c < 3; c++) {
            assertEquals(value(9, TEST[4], 4, c, 17, 30), test.pixel(4, c, 17, 30), "channel " + c);
        }
        assertEquals("test_batch.bin#4", test.source(4));
        // Train has 7, 7 and 6 images per class; 30 % rounds to 2 of each.
        assertArrayEquals(new int[] {5, 5, 4}, dataset.split(Split.TRAIN).classCounts());
        assertArrayEquals(new int[] {2, 2, 2}, dataset.split(Split.VALID).classCounts());
        assertEquals(new DatasetMetadata(true, 0.3, 5L, null, List.of()), dataset.metadata());
        ImageDataset valid = dataset.split(Split.VALID);
        for (int i = 0; i < valid.size(); i++) {
            String[] source = valid.source(i).split("#");
            int batch = source[0].equals("data_batch_1.bin") ? 1 : 2;
            int record = Integer.parseInt(source[1]);
            int label = (batch == 1 ? TRAIN_1 : TRAIN_2)[record];
            assertEquals(label, valid.label(i));
            assertEquals(value(batch, label, record, 2, 31, 0), valid.pixel(i, 2, 31, 0), valid.source(i));
        }
    }

    @Test
    void resizesOnRequest() {
        Dataset dataset = DatasetReaders.read(root, ReadOptions.DEFAULTS.withResize(16, 16),
                ProgressListener.NONE, CancellationToken.NEVER);

        assertEquals(16, dataset.split(Split.TEST).height());
        assertEquals("16x16", dataset.metadata().resizedTo());
    }

    @Test
    void aTruncatedBatchIsAnErrorNamingIt() {
        Path batch = root.resolve("data_batch_2.bin");
        DatasetFixtures.truncate(batch, 3 * 3073 + 100);

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(root));

        assertEquals(batch, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("record 3 is cut short"), e.getMessage());
    }

    @Test
    void aLabelOutsideTheClassListIsAnErrorNamingTheBatchAndRecord() {
        Path batch = cifarBatch(root.resolve("test_batch.bin"), 9, new int[] {0, 1, 7});

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(root));

        assertEquals(batch, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("record 2 has label 7, outside 0..2"), e.getMessage());
    }

    @Test
    void missingFilesAreErrorsNamingThem() throws IOException {
        Files.delete(root.resolve("test_batch.bin"));
        DatasetException noTest = assertThrows(DatasetException.class, () -> DatasetReaders.read(root));
        assertEquals(root.resolve("test_batch.bin"), noTest.file().orElseThrow());

        cifarBatch(root.resolve("test_batch.bin"), 9, TEST);
        Files.delete(root.resolve("batches.meta.txt"));
        DatasetException noMeta = assertThrows(DatasetException.class, () -> DatasetReaders.read(root));
        assertEquals(root.resolve("batches.meta.txt"), noMeta.file().orElseThrow());
    }

    @Test
    void aGapInTheTrainBatchNumbersIsAnErrorNamingTheMissingBatch() throws IOException {
        Files.move(root.resolve("data_batch_2.bin"), root.resolve("data_batch_3.bin"));

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.read(root));

        assertEquals(root.resolve("data_batch_2.bin"), e.file().orElseThrow());
        assertTrue(e.getMessage().contains("data_batch_3.bin exists"), e.getMessage());
    }

    @Test
    void readingLeavesTheBatchesAsTheyWere() {
        Map<String, String> before = DatasetFixtures.fingerprint(root);

        DatasetReaders.read(root);

        assertEquals(before, DatasetFixtures.fingerprint(root));
    }
}
