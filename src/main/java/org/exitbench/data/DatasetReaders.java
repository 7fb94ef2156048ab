package org.exitbench.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * The entry point for reading any supported dataset: detects the layout of a path and reads it with the
 * matching reader.
 */
public final class DatasetReaders {

    /** What each layout expects, for the message of a path that matches none. */
    static final String LAYOUTS = "Exitbench reads three layouts: "
            + "(1) ImageFolder, as CINIC-10: train/ and test/ folders (valid/ optional), each with one folder per "
            + "class holding .png, .jpg, .jpeg or .bmp images; "
            + "(2) CIFAR-10 binary: data_batch_1.bin ... data_batch_5.bin, test_batch.bin and batches.meta.txt; "
            + "(3) MNIST / Fashion-MNIST IDX: train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or .gz";

    private DatasetReaders() {
    }

    /**
     * Tells which layout a path holds.
     *
     * @param path a dataset folder (ImageFolder or CIFAR-10 binary) or a folder of IDX files
     * @return the layout
     * @throws DatasetException when the path does not exist or matches no known layout; the message lists what
     *                          each layout expects
     */
    public static DatasetFormat detect(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.exists(path)) {
            throw new DatasetException(path, "does not exist");
        }
        if (Files.isRegularFile(path)) {
            if (IdxReader.isIdxFileName(path)) {
                return DatasetFormat.IDX;
            }
            throw new DatasetException(path, "is a file, not a dataset folder. " + LAYOUTS);
        }
        if (ImageFolderReader.matches(path)) {
            return DatasetFormat.IMAGE_FOLDER;
        }
        if (Cifar10BinaryReader.matches(path)) {
            return DatasetFormat.CIFAR10_BINARY;
        }
        if (IdxReader.matches(path)) {
            return DatasetFormat.IDX;
        }
        throw new DatasetException(path, "matches no known dataset layout. " + LAYOUTS);
    }

    /**
     * Reads the dataset at {@code path}, whatever its layout.
     *
     * @param path     the dataset folder, or one of the IDX files of an IDX folder
     * @param options  how to read it
     * @param progress receives "decoding images" progress
     * @param cancel   polled between images
     * @return the dataset with all three splits
     * @throws DatasetException on any problem with the files; the message names the file
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Dataset read(Path path, ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancel, "cancel");
        cancel.throwIfCancelled();
        return switch (detect(path)) {
            case IMAGE_FOLDER -> ImageFolderReader.read(path, options, progress, cancel);
            case CIFAR10_BINARY -> Cifar10BinaryReader.read(path, options, progress, cancel);
            case IDX -> IdxReader.read(Files.isRegularFile(path) ? parentOf(path) : path, options, progress, cancel);
        };
    }

    /**
     * Some images of one split, and the split's size.
     *
     * @param images    the images read
     * @param splitSize how many images the split holds
     */
    public record SplitSample(ImageDataset images, int splitSize) {
    }

    /**
     * Reads some images of one split. An ImageFolder dataset with that split's folder decodes only the chosen
     * files (timing 200 test images of the sample decodes 200 files, not 15,000); other layouts are read whole
     * and the chosen images kept.
     *
     * @param path    the dataset folder, or one of the IDX files of an IDX folder
     * @param split   the split
     * @param choose  given the split's size, the indices of the images to keep, ascending
     * @param options how to read it
     * @throws DatasetException on any problem with the files; the message names the file
     */
    public static SplitSample readSample(Path path, Split split, IntFunction<int[]> choose, ReadOptions options,
            ProgressListener progress, CancellationToken cancel) {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(choose, "choose");
        if (detect(path) == DatasetFormat.IMAGE_FOLDER && Files.isDirectory(path.resolve(split.folderName()))) {
            return ImageFolderReader.readSome(path, split, choose, options, progress, cancel);
        }
        ImageDataset all = read(path, options, progress, cancel).split(split);
        return new SplitSample(all.subset(choose.apply(all.size())), all.size());
    }

    /** Reads with the default options, no progress and no cancellation. */
    public static Dataset read(Path path) {
        return read(path, ReadOptions.DEFAULTS, ProgressListener.NONE, CancellationToken.NEVER);
    }

    /** @return the folder name of {@code root}, as a dataset's display name */
    static String displayName(Path root) {
        Path name = root.toAbsolutePath().normalize().getFileName();
        return name == null ? root.toString() : name.toString();
    }

    static Path parentOf(Path file) {
        return file.toAbsolutePath().normalize().getParent();
    }

    /**
     * Resizes every image of {@code data} when the options ask for a size other than its own.
     *
     * @return {@code data} itself when no resizing is needed, otherwise a resized copy
     */
    static ImageDataset resizeIfAsked(ImageDataset data, ReadOptions options) {
        int th = options.resizeHeight();
        int tw = options.resizeWidth();
        if (!options.resizes() || (th == data.height() && tw == data.width())) {
            return data;
        }
        int c = data.channels();
        int to = c * th * tw;
        byte[] image = new byte[data.imageBytes()];
        byte[] resized = new byte[Math.multiplyExact(data.size(), to)];
        for (int i = 0; i < data.size(); i++) {
            data.copyImage(i, image, 0);
            ImageResizer.resize(image, 0, c, data.height(), data.width(), resized, i * to, th, tw);
        }
        return ImageDataset.ofOwned(resized, data.labels(), c, th, tw, data.classNames(), data.sources());
    }

    /**
     * Builds a dataset that has no validation split of its own: resizes train and test when asked, then carves
     * validation from train.
     */
    static Dataset withCarvedValidation(Path root, DatasetFormat format, ImageDataset train, ImageDataset test,
                                        ReadOptions options) {
        ImageDataset resizedTrain = resizeIfAsked(train, options);
        ImageDataset resizedTest = resizeIfAsked(test, options);
        ImageDataset[] parts = StratifiedSampler.carveValidation(resizedTrain, options.validationFraction(),
                options.splitSeed());
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, parts[0]);
        splits.put(Split.VALID, parts[1]);
        splits.put(Split.TEST, resizedTest);
        boolean resized = resizedTrain != train || resizedTest != test;
        DatasetMetadata metadata = new DatasetMetadata(true, options.validationFraction(), options.splitSeed(),
                resized ? resizedTrain.height() + "x" + resizedTrain.width() : null, List.of());
        return new Dataset(displayName(root), root, format, splits, metadata);
    }

    /**
     * Reads a text file of class names, one per line; blank lines are ignored and names are trimmed.
     *
     * @param file    the file
     * @param purpose why the file is needed, for the message when it is missing
     * @throws DatasetException when the file is missing, unreadable, empty, or repeats a name
     */
    static List<String> readClassNameFile(Path file, String purpose) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file, "is missing: " + purpose + ", one per line");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read as UTF-8 text (" + e.getMessage() + ")", e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!seen.add(name)) {
                throw new DatasetException(file, "line " + (i + 1) + " repeats the class name '" + name + "'");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new DatasetException(file, "lists no class names; it needs one per line");
        }
        return names;
    }
}
