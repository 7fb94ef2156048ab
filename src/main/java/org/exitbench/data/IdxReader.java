package org.exitbench.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Reads MNIST-style IDX files (MNIST, Fashion-MNIST), raw or gzip-compressed.
 *
 * <p>A folder holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (or the same names with {@code .gz}, or with
 * a dot before {@code idx}, as some mirrors spell them). The t10k pair is the test split; a validation split is
 * carved from train. Images are grayscale, one channel.
 *
 * <p>Class names come from a {@code classes.txt} beside the files (one per line) when there is one; otherwise
 * Fashion-MNIST's when the folder name contains "fashion"; otherwise the digits "0" to "9".
 */
public final class IdxReader {

    /**
     * Fashion-MNIST's classes in label order, spelled so that each is a valid folder name (the original
     * "T-shirt/top" has a slash).
     */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("t-shirt-top", "trouser", "pullover", "dress",
            "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");

    /** MNIST's classes: the digits "0" to "9". */
    public static final List<String> DIGIT_CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    /** The optional file of class names beside the IDX files. */
    public static final String CLASSES_FILE = "classes.txt";

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Whether {@code folder} holds the IDX training images. */
    static boolean matches(Path folder) {
        return find(folder, "train", "images", 3) != null;
    }

    /** Whether a file is named like one of the four IDX files. */
    static boolean isIdxFileName(Path file) {
        String name = file.getFileName().toString();
        return name.matches("(train|t10k)-(images|labels)[-.]idx[13]-ubyte(\\.gz)?");
    }

    /**
     * The class names for the IDX files in {@code folder}: its {@code classes.txt} when present, else
     * Fashion-MNIST's names when the folder name contains "fashion", else the digits.
     *
     * @throws DatasetException when {@code classes.txt} exists but cannot be read or repeats a name
     */
    public static List<String> classNamesFor(Path folder) {
        if (Files.exists(folder.resolve(CLASSES_FILE))) {
            return readClassesFile(folder);
        }
        String name = DatasetReaders.displayName(folder).toLowerCase(Locale.ROOT);
        return name.contains("fashion") ? FASHION_MNIST_CLASSES : DIGIT_CLASSES;
    }

    static Dataset read(Path folder, ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        Path trainImages = require(folder, "train", "images", 3);
        Path trainLabels = require(folder, "train", "labels", 1);
        Path testImages = require(folder, "t10k", "images", 3);
        Path testLabels = require(folder, "t10k", "labels", 1);
        List<String> classNames = classNamesFor(folder);
        String message = "Reading IDX files";
        progress.report(message, 0, 2);
        ImageDataset train = readPair(trainImages, trainLabels, classNames);
        progress.report(message, 1, 2);
        cancel.throwIfCancelled();
        ImageDataset test = readPair(testImages, testLabels, classNames);
        progress.report(message, 2, 2);
        if (train.height() != test.height() || train.width() != test.width()) {
            throw new DatasetException(testImages, "holds " + test.height() + "x" + test.width() + " images but "
                    + trainImages.getFileName() + " holds " + train.height() + "x" + train.width()
                    + "; the splits must have one image size");
        }
        return DatasetReaders.withCarvedValidation(folder, DatasetFormat.IDX, train, test, options);
    }

    /**
     * Reads the {@code classes.txt} in {@code folder}: one class name per line, in label order.
     *
     * @throws DatasetException when the file is missing, unreadable, empty, or repeats a name
     */
    public static List<String> readClassesFile(Path folder) {
        return DatasetReaders.readClassNameFile(folder.resolve(CLASSES_FILE), "it names the classes in label order");
    }

    /**
     * Reads one pair of IDX files, images and their labels.
     *
     * @param images     an idx3-ubyte file of N images, raw or .gz
     * @param labels     an idx1-ubyte file of N labels, raw or .gz
     * @param classNames the class names; every label must index one
     * @return the images, one channel, in file order; sources are "file#index"
     * @throws DatasetException when a file is missing, not IDX, truncated, the counts differ, or a label is out
     *                          of range
     */
    public static ImageDataset readPair(Path images, Path labels, List<String> classNames) {
        Header header;
        byte[] pixels;
        try (DataInputStream in = open(images)) {
            header = readHeader(in, images, IMAGES_MAGIC, 3, "images (unsigned bytes, 3 dimensions)");
            pixels = readBody(in, images, header);
        } catch (IOException e) {
            throw ioProblem(images, e);
        }
        byte[] labelBytes;
        try (DataInputStream in = open(labels)) {
            Header labelHeader = readHeader(in, labels, LABELS_MAGIC, 1, "labels (unsigned bytes, 1 dimension)");
            labelBytes = readBody(in, labels, labelHeader);
        } catch (IOException e) {
            throw ioProblem(labels, e);
        }
        int n = header.dims[0];
        if (labelBytes.length != n) {
            throw new DatasetException(labels, "has " + labelBytes.length + " labels but " + images.getFileName()
                    + " has " + n + " images");
        }
        int[] labelValues = new int[n];
        List<String> sources = new ArrayList<>(n);
        String imagesName = images.getFileName().toString();
        for (int i = 0; i < n; i++) {
            int label = labelBytes[i] & 0xFF;
            if (label >= classNames.size()) {
                throw new DatasetException(labels, "label " + label + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size() + " class names)");
            }
            labelValues[i] = label;
            sources.add(imagesName + "#" + i);
        }
        return ImageDataset.ofOwned(pixels, labelValues, 1, header.dims[1], header.dims[2], classNames, sources);
    }

    private record Header(int[] dims, long bodyBytes) {
    }

    private static Header readHeader(DataInputStream in, Path file, int magic, int dimensions, String expected)
            throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new DatasetException(file, String.format(Locale.ROOT, "is not an IDX file of %s: its magic number "
                    + "is 0x%08X, expected 0x%08X", expected, found, magic));
        }
        int[] dims = new int[dimensions];
        long body = 1;
        for (int d = 0; d < dimensions; d++) {
            dims[d] = in.readInt();
            if (dims[d] <= 0) {
                throw new DatasetException(file, "has a non-positive size " + dims[d] + " in dimension " + d);
            }
            body *= dims[d];
        }
        if (body > Integer.MAX_VALUE - 8) {
            throw new DatasetException(file, "is too large to read (" + body + " bytes of data)");
        }
        return new Header(dims, body);
    }

    private static byte[] readBody(DataInputStream in, Path file, Header header) throws IOException {
        byte[] body = in.readNBytes((int) header.bodyBytes());
        if (body.length < header.bodyBytes()) {
            throw new DatasetException(file, "is truncated: its header promises " + header.bodyBytes()
                    + " bytes of data (" + describe(header.dims()) + ") but only " + body.length + " follow");
        }
        return body;
    }

    private static String describe(int[] dims) {
        return dims.length == 1 ? dims[0] + " labels"
                : dims[0] + " images of " + dims[1] + "x" + dims[2];
    }

    /** Opens a file, decompressing it when it starts with the gzip signature (whatever its name says). */
    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static DatasetException ioProblem(Path file, IOException e) {
        if (e instanceof EOFException) {
            return new DatasetException(file, "is truncated: it ends inside the IDX header or the gzip stream", e);
        }
        if (e instanceof ZipException) {
            return new DatasetException(file, "is a damaged gzip file (" + e.getMessage() + ")", e);
        }
        return new DatasetException(file, "cannot be read (" + e.getMessage() + ")", e);
    }

    private static Path require(Path folder, String set, String kind, int dims) {
        Path file = find(folder, set, kind, dims);
        if (file == null) {
            throw new DatasetException(folder.resolve(set + "-" + kind + "-idx" + dims + "-ubyte"),
                    "is missing (raw or .gz): an IDX dataset needs train-images-idx3-ubyte, "
                            + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte");
        }
        return file;
    }

    /** @return the first existing spelling of an IDX file in {@code folder}, or {@code null} */
    private static Path find(Path folder, String set, String kind, int dims) {
        for (String separator : List.of("-", ".")) {
            for (String suffix : List.of("", ".gz")) {
                Path candidate = folder.resolve(set + "-" + kind + separator + "idx" + dims + "-ubyte" + suffix);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
