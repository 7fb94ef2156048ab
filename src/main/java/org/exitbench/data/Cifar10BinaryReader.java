package org.exitbench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Reads CIFAR-10's binary version: {@code data_batch_1.bin} … {@code data_batch_5.bin} (train),
 * {@code test_batch.bin} (test) and {@code batches.meta.txt} (one class name per line).
 *
 * <p>Each record is one label byte followed by 3,072 pixel bytes: the red, green and blue 32×32 planes, rows
 * top to bottom, which is already the C×H×W order of {@link ImageDataset}. CIFAR-10 has no validation split, so
 * one is carved from train.
 */
final class Cifar10BinaryReader {

    static final String META = "batches.meta.txt";
    static final String TEST = "test_batch.bin";
    private static final int CHANNELS = 3;
    private static final int SIDE = 32;
    private static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    private static final int RECORD = 1 + IMAGE_BYTES;

    private Cifar10BinaryReader() {
    }

    static String trainBatch(int number) {
        return "data_batch_" + number + ".bin";
    }

    /** Whether {@code folder} looks like this layout: it has the first train batch or the test batch. */
    static boolean matches(Path folder) {
        return Files.isRegularFile(folder.resolve(trainBatch(1))) || Files.isRegularFile(folder.resolve(TEST));
    }

    static Dataset read(Path root, ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        List<String> classNames = DatasetReaders.readClassNameFile(root.resolve(META),
                "CIFAR-10 binary needs it to name the classes");
        List<Path> trainFiles = trainBatches(root);
        Path testFile = root.resolve(TEST);
        if (!Files.isRegularFile(testFile)) {
            throw new DatasetException(testFile, "is missing: CIFAR-10 binary needs test_batch.bin for testing");
        }
        int trainRecords = 0;
        for (Path file : trainFiles) {
            trainRecords = Math.addExact(trainRecords, recordCount(file));
        }
        int testRecords = recordCount(testFile);
        long records = (long) trainRecords + testRecords;
        String message = "Reading CIFAR-10 batches";
        progress.report(message, 0, records);
        Batch train = new Batch(trainRecords);
        for (Path file : trainFiles) {
            cancel.throwIfCancelled();
            train.append(file, classNames);
            progress.report(message, train.count, records);
        }
        cancel.throwIfCancelled();
        Batch test = new Batch(testRecords);
        test.append(testFile, classNames);
        progress.report(message, records, records);

        return DatasetReaders.withCarvedValidation(root, DatasetFormat.CIFAR10_BINARY,
                train.toDataset(classNames), test.toDataset(classNames), options);
    }

    /** @return data_batch_1.bin, data_batch_2.bin, ... as present, after checking they are numbered without gaps */
    private static List<Path> trainBatches(Path root) {
        Pattern name = Pattern.compile("data_batch_(\\d+)\\.bin");
        TreeSet<Integer> numbers = new TreeSet<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.forEach(p -> {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    numbers.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException | NumberFormatException e) {
            throw new DatasetException(root, "cannot be listed (" + e.getMessage() + ")", e);
        }
        List<Path> files = new ArrayList<>();
        for (int n = 1; n <= numbers.size(); n++) {
            if (!numbers.contains(n)) {
                throw new DatasetException(root.resolve(trainBatch(n)), "is missing, but " + trainBatch(numbers.last())
                        + " exists; train batches are numbered from 1 without gaps");
            }
            files.add(root.resolve(trainBatch(n)));
        }
        if (files.isEmpty()) {
            throw new DatasetException(root.resolve(trainBatch(1)), "is missing: CIFAR-10 binary needs "
                    + "data_batch_1.bin (up to data_batch_5.bin) for training");
        }
        return files;
    }

    /** Records of one split, filled batch file by batch file into arrays sized up front. */
    private static final class Batch {
        private final byte[] pixels;
        private final int[] labels;
        private final List<String> sources;
        private int count;

        Batch(int records) {
            pixels = new byte[Math.multiplyExact(records, IMAGE_BYTES)];
            labels = new int[records];
            sources = new ArrayList<>(records);
        }

        void append(Path file, List<String> classNames) {
            byte[] raw = readAll(file);
            if (raw.length % RECORD != 0 || count + raw.length / RECORD > labels.length) {
                throw new DatasetException(file, "changed while it was being read; read the dataset again");
            }
            for (int r = 0; r < raw.length / RECORD; r++) {
                int label = raw[r * RECORD] & 0xFF;
                if (label >= classNames.size()) {
                    throw new DatasetException(file, "record " + r + " has label " + label + ", outside 0.."
                            + (classNames.size() - 1) + " (" + META + " lists " + classNames.size() + " classes)");
                }
                labels[count] = label;
                System.arraycopy(raw, r * RECORD + 1, pixels, count * IMAGE_BYTES, IMAGE_BYTES);
                sources.add(file.getFileName() + "#" + r);
                count++;
            }
        }

        ImageDataset toDataset(List<String> classNames) {
            return ImageDataset.ofOwned(pixels, labels, CHANNELS, SIDE, SIDE, classNames, sources);
        }
    }

    /** @return the number of whole records in a batch file, or an error if the file is empty or cut short */
    private static int recordCount(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        if (size == 0) {
            throw new DatasetException(file, "is empty; a CIFAR-10 batch holds records of 1 label byte and "
                    + IMAGE_BYTES + " pixel bytes");
        }
        if (size % RECORD != 0) {
            throw new DatasetException(file, "is truncated or not a CIFAR-10 batch: its " + size + " bytes are not "
                    + "a whole number of " + RECORD + "-byte records (1 label byte + " + IMAGE_BYTES
                    + " pixel bytes); record " + size / RECORD + " is cut short");
        }
        if (size / RECORD > Integer.MAX_VALUE / IMAGE_BYTES) {
            throw new DatasetException(file, "is too large to be a CIFAR-10 batch (" + size + " bytes)");
        }
        return (int) (size / RECORD);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
