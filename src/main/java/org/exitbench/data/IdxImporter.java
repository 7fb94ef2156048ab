package org.exitbench.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Converts MNIST-style IDX files into the ImageFolder layout ({@code train/ valid/ test/ <class>/<index>.png}),
 * taking a seeded, stratified selection and padding the images with zeros to a common size such as CIFAR's 32×32.
 *
 * <p>The selection: {@code new Random(seed)} shuffles the positions of each class of the training file, class by
 * class in label order; the first {@code trainPerClass} go to train, the next {@code validPerClass} to valid (and,
 * without test files, the next {@code testPerClass} to test). With test files, the same generator then shuffles
 * each class of the test file and its first {@code testPerClass} go to test. Each file is named after the image's
 * position in its IDX file, zero-padded so that names sort in file order.
 *
 * <p>Nothing is overwritten: the output folder must not exist or be empty. The images are written into a hidden
 * sibling folder that is renamed to the output only when everything is written, so a failure or a cancellation
 * leaves no half-written dataset behind.
 */
public final class IdxImporter {

    private IdxImporter() {
    }

    /**
     * Runs an import.
     *
     * @return the number of images written
     * @throws DatasetException when an input file is bad, a class has too few images, a class name cannot be a
     *                          folder name, the images are larger than {@code padTo}, or the output folder exists
     *                          and is not empty
     * @throws org.exitbench.progress.CancelledException when cancelled; nothing is left behind
     */
    public static int run(IdxImportRequest request, ProgressListener progress, CancellationToken cancel) {
        Path out = request.out().toAbsolutePath().normalize();
        requireEmptyOrAbsent(out);
        for (String name : request.classNames()) {
            if (!isFolderName(name)) {
                throw new DatasetException(out, "cannot hold a folder for class name '" + name + "'; class names "
                        + "must be valid folder names (no / or \\, not . or ..)");
            }
        }
        ImageDataset train = IdxReader.readPair(request.images(), request.labels(), request.classNames());
        ImageDataset test = request.hasTestFiles()
                ? IdxReader.readPair(request.testImages(), request.testLabels(), request.classNames())
                : null;
        int height = request.padTo() == 0 ? train.height() : request.padTo();
        int width = request.padTo() == 0 ? train.width() : request.padTo();
        requireFits(request.images(), train, height, width);
        if (test != null) {
            requireFits(request.testImages(), test, height, width);
        }

        Random random = new Random(request.seed());
        int classes = request.classNames().size();
        int fromTrain = request.trainPerClass() + request.validPerClass() + (test == null ? request.testPerClass() : 0);
        int[][] trainByClass = StratifiedSampler.shuffledIndicesByClass(train.labels(), classes, random);
        requireEnough(request.images(), trainByClass, fromTrain, request);
        int[][] testByClass = null;
        if (test != null) {
            testByClass = StratifiedSampler.shuffledIndicesByClass(test.labels(), classes, random);
            requireEnough(request.testImages(), testByClass, request.testPerClass(), request);
        }

        int total = classes * (request.trainPerClass() + request.validPerClass() + request.testPerClass());
        Path parent = out.getParent();
        Path staging;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
        } catch (IOException e) {
            throw new DatasetException(parent, "cannot hold the output folder (" + e.getMessage() + ")", e);
        }
        try {
            Writer writer = new Writer(staging, height, width, total, progress, cancel);
            int validFrom = request.trainPerClass();
            int validTo = validFrom + request.validPerClass();
            for (int c = 0; c < classes; c++) {
                int[] group = trainByClass[c];
                writer.write(Split.TRAIN, train, Arrays.copyOfRange(group, 0, validFrom));
                if (request.validPerClass() > 0) {
                    writer.write(Split.VALID, train, Arrays.copyOfRange(group, validFrom, validTo));
                }
                if (test == null) {
                    writer.write(Split.TEST, train,
                            Arrays.copyOfRange(group, validTo, validTo + request.testPerClass()));
                } else {
                    writer.write(Split.TEST, test, Arrays.copyOfRange(testByClass[c], 0, request.testPerClass()));
                }
            }
            progress.report(Writer.MESSAGE, writer.written, total);
            publish(staging, out);
            return writer.written;
        } catch (RuntimeException e) {
            try {
                deleteTree(staging);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Writes the selected images of one class and split as PNG files. */
    private static final class Writer {
        static final String MESSAGE = "Writing PNG images";
        private final Path root;
        private final int height;
        private final int width;
        private final int total;
        private final ProgressListener progress;
        private final CancellationToken cancel;
        private int written;

        Writer(Path root, int height, int width, int total, ProgressListener progress, CancellationToken cancel) {
            this.root = root;
            this.height = height;
            this.width = width;
            this.total = total;
            this.progress = progress;
            this.cancel = cancel;
        }

        void write(Split split, ImageDataset source, int[] indices) {
            if (indices.length == 0) {
                return;
            }
            int[] sorted = indices.clone();
            Arrays.sort(sorted);
            String className = source.classNames().get(source.label(sorted[0]));
            Path folder = root.resolve(split.folderName()).resolve(className);
            int digits = Integer.toString(Math.max(0, source.size() - 1)).length();
            byte[] original = new byte[source.imageBytes()];
            int top = (height - source.height()) / 2;
            int left = (width - source.width()) / 2;
            try {
                Files.createDirectories(folder);
                for (int index : sorted) {
                    cancel.throwIfCancelled();
                    source.copyImage(index, original, 0);
                    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                    image.getRaster().setDataElements(left, top, source.width(), source.height(), original);
                    Path file = folder.resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", index));
                    if (!ImageIO.write(image, "png", file.toFile())) {
                        throw new IllegalStateException("no PNG writer in this Java runtime");
                    }
                    if (++written % 250 == 0) {
                        progress.report(MESSAGE, written, total);
                    }
                }
            } catch (IOException e) {
                throw new DatasetException(folder, "cannot be written (" + e.getMessage() + ")", e);
            }
        }
    }

    private static void requireEmptyOrAbsent(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new DatasetException(out, "exists and is a file; give a new or empty folder");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new DatasetException(out, "is not empty; import-idx writes only into a new or empty folder, "
                        + "so that it never overwrites files");
            }
        } catch (IOException e) {
            throw new DatasetException(out, "cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    private static void requireFits(Path file, ImageDataset images, int height, int width) {
        if (images.height() > height || images.width() > width) {
            throw new DatasetException(file, "holds " + images.height() + "x" + images.width() + " images, larger "
                    + "than the padded size " + height + "x" + width);
        }
    }

    private static void requireEnough(Path file, int[][] byClass, int needed, IdxImportRequest request) {
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c].length < needed) {
                throw new DatasetException(file, "has " + byClass[c].length + " images of class '"
                        + request.classNames().get(c) + "', fewer than the " + needed + " per class requested");
            }
        }
    }

    private static boolean isFolderName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    /** Moves the finished folder into place; an empty output folder that already existed is replaced. */
    private static void publish(Path staging, Path out) {
        try {
            Files.deleteIfExists(out);
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DatasetException(out, "cannot be created from " + staging + " (" + e.getMessage() + ")", e);
        }
    }

    /** Deletes the staging folder this importer created, and only that. */
    private static void deleteTree(Path staging) throws IOException {
        if (Files.exists(staging)) {
            Files.walkFileTree(staging, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
