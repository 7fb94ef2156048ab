package org.exitbench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Loose image files (not a dataset): what a trained model is asked to classify. They are decoded exactly as dataset
 * images are ({@link ImageFileDecoder}: gray values from the raster, one pass, in parallel), have no labels, and are
 * resized to the size the model takes when they differ from it.
 */
public final class ImageFiles {

    /** The single class name of decoded loose images: their labels are unknown. */
    public static final String UNLABELLED = "unlabelled";

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFiles() {
    }

    /**
     * Decoded loose images.
     *
     * @param images  the images, in the order given, all labelled 0 ({@link #UNLABELLED}); sources are the files
     * @param resized whether any image had another size and was resized
     * @param skipped the files left out because they could not be decoded, when skipping was asked for
     */
    public record Decoded(ImageDataset images, boolean resized, List<DatasetMetadata.SkippedFile> skipped) {
    }

    /**
     * Lists the image files that paths name: a file as itself, a folder as every PNG, JPEG, BMP or GIF file under
     * it (recursively, sorted by path).
     *
     * @throws DatasetException naming a path that does not exist, or a folder with no image in it
     */
    public static List<Path> list(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(path)) {
                    found = walk.filter(Files::isRegularFile).filter(ImageFiles::isImageName).sorted().toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
                }
                if (found.isEmpty()) {
                    throw new DatasetException(path, "holds no image files (" + String.join(", ", EXTENSIONS) + ")");
                }
                files.addAll(found);
            } else if (Files.exists(path)) {
                files.add(path);
            } else {
                throw new DatasetException(path, "does not exist");
            }
        }
        return List.copyOf(files);
    }

    /**
     * Decodes image files, resizing those of another size to {@code height}×{@code width} (a triangle filter, as
     * dataset reading with resizing). Gray images stay one channel unless some image is in colour, when all become
     * three, as in a dataset.
     *
     * @throws DatasetException naming the first file that cannot be decoded
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Decoded decode(List<Path> files, int height, int width, ProgressListener progress,
                                 CancellationToken cancel) {
        return decode(files, height, width, false, progress, cancel);
    }

    /**
     * As {@link #decode(List, int, int, ProgressListener, CancellationToken)}; with {@code skipUnreadable}, a file
     * that cannot be decoded (or is over the pixel budget) is left out and listed in {@link Decoded#skipped()}
     * instead of stopping the whole batch.
     *
     * @throws DatasetException when no file at all can be decoded, or (without skipping) naming the first that
     *                          cannot
     */
    public static Decoded decode(List<Path> files, int height, int width, boolean skipUnreadable,
                                 ProgressListener progress, CancellationToken cancel) {
        return decode(files, 0, height, width, skipUnreadable, progress, cancel);
    }

    /**
     * As {@link #decode(List, int, int, boolean, ProgressListener, CancellationToken)}, for a consumer that takes
     * {@code channels} channels: with 1, a colour image (one whose RGB channels differ) is refused naming it, or
     * skipped and listed, since no reading of it as gray would be the one the user meant; with 3 or 0, gray and
     * colour images are both taken.
     */
    public static Decoded decode(List<Path> files, int channels, int height, int width, boolean skipUnreadable,
                                 ProgressListener progress, CancellationToken cancel) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files given");
        }
        List<ImageFileDecoder.LabeledFile> group = files.stream()
                .map(file -> new ImageFileDecoder.LabeledFile(file, 0)).toList();
        ImageFileDecoder.Decoded decoded = ImageFileDecoder.decode(List.of(group), List.of(UNLABELLED),
                ReadOptions.DEFAULTS.withResize(height, width).withSkipCorrupt(skipUnreadable), channels == 1 ? 1 : 0,
                progress, cancel);
        return new Decoded(decoded.groups().get(0), decoded.resized(), decoded.skipped());
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
