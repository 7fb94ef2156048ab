package org.exitbench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.function.IntFunction;
import org.exitbench.data.ImageFileDecoder.LabeledFile;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Reads the ImageFolder layout, {@code <root>/{train,valid,test}/<class>/*.{png,jpg,jpeg,bmp}}, as CINIC-10 ships.
 *
 * <p>The class names are the sorted folder names of {@code train}, and label = position in that order (as
 * torchvision's {@code ImageFolder}); {@code valid} and {@code test} must have the same class folders. Without
 * a {@code valid} folder, a stratified, seeded share of train becomes the validation split. Hidden entries
 * (names starting with a dot) and files with other extensions are ignored, so a stray {@code .DS_Store} or
 * {@code README} does not break a dataset.
 */
final class ImageFolderReader {

    /** The image file extensions read, lower case. */
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    private ImageFolderReader() {
    }

    /** Whether {@code folder} looks like this layout: it has a {@code train}, {@code valid} or {@code test} folder. */
    static boolean matches(Path folder) {
        for (Split split : Split.values()) {
            if (Files.isDirectory(folder.resolve(split.folderName()))) {
                return true;
            }
        }
        return false;
    }

    static Dataset read(Path root, ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        Path trainDir = requireSplit(root, Split.TRAIN);
        Path testDir = requireSplit(root, Split.TEST);
        Path validDir = root.resolve(Split.VALID.folderName());
        boolean carve = !Files.isDirectory(validDir);

        List<String> classNames = subfolders(trainDir);
        if (classNames.isEmpty()) {
            throw new DatasetException(trainDir, "has no class folders; the ImageFolder layout needs "
                    + "train/<class>/ folders of images");
        }
        List<Split> present = carve ? List.of(Split.TRAIN, Split.TEST) : List.of(Split.values());
        List<List<LabeledFile>> groups = new ArrayList<>();
        for (Split split : present) {
            Path splitDir = root.resolve(split.folderName());
            if (split != Split.TRAIN) {
                requireSameClasses(splitDir, subfolders(splitDir), trainDir, classNames);
            }
            List<LabeledFile> files = new ArrayList<>();
            for (int label = 0; label < classNames.size(); label++) {
                cancel.throwIfCancelled();
                Path classDir = splitDir.resolve(classNames.get(label));
                List<Path> images = imageFiles(classDir);
                if (images.isEmpty()) {
                    throw new DatasetException(classDir, "is an empty class folder: it has no .png, .jpg, "
                            + ".jpeg or .bmp files");
                }
                for (Path image : images) {
                    files.add(new LabeledFile(image, label));
                }
            }
            groups.add(files);
        }

        ImageFileDecoder.Decoded decoded = ImageFileDecoder.decode(groups, classNames, options, progress, cancel);
        for (int g = 0; g < present.size(); g++) {
            requireNoEmptyClass(decoded.groups().get(g), root.resolve(present.get(g).folderName()));
        }
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        for (int g = 0; g < present.size(); g++) {
            splits.put(present.get(g), decoded.groups().get(g));
        }
        if (carve) {
            ImageDataset[] parts = StratifiedSampler.carveValidation(splits.get(Split.TRAIN),
                    options.validationFraction(), options.splitSeed());
            splits.put(Split.TRAIN, parts[0]);
            splits.put(Split.VALID, parts[1]);
        }
        ImageDataset train = splits.get(Split.TRAIN);
        DatasetMetadata metadata = new DatasetMetadata(carve, carve ? options.validationFraction() : 0,
                carve ? options.splitSeed() : 0,
                decoded.resized() ? train.height() + "x" + train.width() : null, decoded.skipped(),
                decoded.colourAmongGrey());
        return new Dataset(DatasetReaders.displayName(root), root, DatasetFormat.IMAGE_FOLDER, splits, metadata);
    }

    /**
     * Decodes only some images of one split, in the split's file order (class by class): what a speedup measurement
     * times, without decoding the rest of the dataset.
     *
     * @param choose given the split's size, the indices of the images to decode, ascending
     * @return the chosen images, and how many the split holds
     */
    static DatasetReaders.SplitSample readSome(Path root, Split split, IntFunction<int[]> choose,
            ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        Path trainDir = requireSplit(root, Split.TRAIN);
        Path splitDir = requireSplit(root, split);
        List<String> classNames = subfolders(trainDir);
        if (classNames.isEmpty()) {
            throw new DatasetException(trainDir, "has no class folders; the ImageFolder layout needs "
                    + "train/<class>/ folders of images");
        }
        if (split != Split.TRAIN) {
            requireSameClasses(splitDir, subfolders(splitDir), trainDir, classNames);
        }
        List<LabeledFile> files = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            cancel.throwIfCancelled();
            for (Path image : imageFiles(splitDir.resolve(classNames.get(label)))) {
                files.add(new LabeledFile(image, label));
            }
        }
        if (files.isEmpty()) {
            throw new DatasetException(splitDir, "has no .png, .jpg, .jpeg or .bmp files in its class folders");
        }
        List<LabeledFile> chosen = new ArrayList<>();
        for (int index : choose.apply(files.size())) {
            chosen.add(files.get(index));
        }
        ImageFileDecoder.Decoded decoded = ImageFileDecoder.decode(List.of(chosen), classNames, options, progress,
                cancel);
        return new DatasetReaders.SplitSample(decoded.groups().get(0), files.size());
    }

    private static Path requireSplit(Path root, Split split) {
        Path dir = root.resolve(split.folderName());
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir, "is missing: the ImageFolder layout needs train/ and test/ folders "
                    + "(valid/ is optional) with one folder of images per class");
        }
        return dir;
    }

    private static void requireSameClasses(Path splitDir, List<String> found, Path trainDir, List<String> expected) {
        if (found.equals(expected)) {
            return;
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(found);
        Set<String> extra = new TreeSet<>(found);
        extra.removeAll(expected);
        StringBuilder problem = new StringBuilder("has different class folders than ").append(trainDir)
                .append(':');
        if (!missing.isEmpty()) {
            problem.append(" missing ").append(String.join(", ", missing)).append(';');
        }
        if (!extra.isEmpty()) {
            problem.append(" extra ").append(String.join(", ", extra)).append(';');
        }
        problem.setLength(problem.length() - 1);
        throw new DatasetException(splitDir, problem + ". Every split needs the same classes");
    }

    /** Skipping corrupt files can empty a class; the splits would then disagree about what is learnable. */
    private static void requireNoEmptyClass(ImageDataset split, Path splitDir) {
        int[] counts = split.classCounts();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new DatasetException(splitDir.resolve(split.classNames().get(c)),
                        "has no readable images (all were skipped as corrupt)");
            }
        }
    }

    /** @return the sorted names of the visible subfolders */
    private static List<String> subfolders(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    /** @return the image files of a class folder, sorted by name */
    private static List<Path> imageFiles(Path classDir) {
        try (Stream<Path> entries = Files.list(classDir)) {
            return entries.filter(p -> {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                return !name.startsWith(".") && dot > 0
                        && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                        && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException(classDir, "cannot be listed (" + e.getMessage() + ")", e);
        }
    }
}
