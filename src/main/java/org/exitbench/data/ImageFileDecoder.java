package org.exitbench.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.exitbench.data.DatasetMetadata.SkippedFile;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;

/**
 * Decodes groups of image files (one group per split) into compact uint8 datasets, in parallel.
 *
 * <p>All groups share one geometry, because a dataset's splits must: the channel count is 3 when any image is
 * in colour (gray images then repeat their value in R, G and B) and 1 otherwise; the size is the first image's
 * unless the options ask for resizing. An image stored as RGB whose three channels are equal everywhere is gray in
 * substance and counts as gray (it makes the dataset three-channel only when every image is stored so, as before),
 * so a gray file re-saved by an editor no longer turns a gray dataset into a colour one. Colour images that are
 * fewer than the gray ones are named in {@link Decoded#colourAmongGrey()}; a caller that needs gray images (a gray
 * cascade) asks for one channel, and a colour image is then a failure naming the file. Buffers are allocated once with room for three channels, so a colour
 * dataset is never copied; a grayscale one is packed down to one channel at the end.
 */
final class ImageFileDecoder {

    /** Images per task: small enough to balance threads and report progress often, big enough to be cheap. */
    private static final int CHUNK = 64;
    /** How many offending files a mixed-size error lists. */
    private static final int LISTED = 5;

    /**
     * An image file and its class.
     *
     * @param file  the image
     * @param label its class index
     */
    record LabeledFile(Path file, int label) {
    }

    /**
     * What decoding produced.
     *
     * @param groups  one dataset per input group, in order
     * @param skipped files skipped as undecodable, in input order (empty unless the options allow skipping)
     * @param resized whether any image was resized
     * @param colourAmongGrey the colour images, in input order, when they are fewer than the gray ones; else empty
     */
    record Decoded(List<ImageDataset> groups, List<SkippedFile> skipped, boolean resized,
                   List<String> colourAmongGrey) {
    }

    /**
     * One decoded image: C×H×W bytes with C = 1 for grayscale, 3 for colour.
     *
     * @param storedAsRgb whether the file holds RGB samples, even when they turned out gray ({@code channels} 1)
     */
    record Pixels(byte[] data, int channels, int height, int width, boolean storedAsRgb) {
    }

    private record Failure(int index, DatasetException error) {
    }

    private record SizeMismatch(int index, int height, int width) {
    }

    private final List<LabeledFile> files = new ArrayList<>();
    private final int[] groupOf;
    private final int[] positionOf;
    private final int[] groupSizes;
    private final List<String> classNames;
    private final ReadOptions options;
    private final int requiredChannels;
    private final ProgressListener progress;
    private final CancellationToken cancel;

    private ImageFileDecoder(List<List<LabeledFile>> groups, List<String> classNames, ReadOptions options,
                             int requiredChannels, ProgressListener progress, CancellationToken cancel) {
        groupSizes = new int[groups.size()];
        for (List<LabeledFile> group : groups) {
            files.addAll(group);
        }
        groupOf = new int[files.size()];
        positionOf = new int[files.size()];
        int i = 0;
        for (int g = 0; g < groups.size(); g++) {
            for (int p = 0; p < groups.get(g).size(); p++, i++) {
                groupOf[i] = g;
                positionOf[i] = p;
            }
            groupSizes[g] = groups.get(g).size();
        }
        this.classNames = classNames;
        this.options = options;
        this.requiredChannels = requiredChannels;
        this.progress = progress;
        this.cancel = cancel;
    }

    /**
     * Decodes every file of every group.
     *
     * @param groups     the files to decode, one list per output dataset; the first file sets the size
     * @param classNames the class names the labels index
     * @throws DatasetException     for an undecodable file (unless skipping), differing sizes (unless
     *                              resizing), or when nothing could be read
     * @throws CancelledException   when cancelled
     */
    static Decoded decode(List<List<LabeledFile>> groups, List<String> classNames, ReadOptions options,
                          ProgressListener progress, CancellationToken cancel) {
        return decode(groups, classNames, options, 0, progress, cancel);
    }

    /**
     * As {@link #decode(List, List, ReadOptions, ProgressListener, CancellationToken)}, for a consumer that takes
     * only one kind of image.
     *
     * @param requiredChannels 1 when only gray images will do (a colour image is then an undecodable file, named,
     *                         and skipped if the options allow), 0 to take both
     */
    static Decoded decode(List<List<LabeledFile>> groups, List<String> classNames, ReadOptions options,
                          int requiredChannels, ProgressListener progress, CancellationToken cancel) {
        if (requiredChannels != 0 && requiredChannels != 1) {
            throw new IllegalArgumentException("requiredChannels must be 0 (any) or 1 (gray), was "
                    + requiredChannels);
        }
        return new ImageFileDecoder(groups, classNames, options, requiredChannels, progress, cancel).run();
    }

    private Decoded run() {
        cancel.throwIfCancelled();
        int total = files.size();
        Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        Queue<SizeMismatch> mismatches = new ConcurrentLinkedQueue<>();
        boolean[] decoded = new boolean[total];
        boolean[] colour = new boolean[total];
        boolean[] storedAsRgb = new boolean[total];
        AtomicBoolean resized = new AtomicBoolean();

        // The reference size: the resize target, or the first image that decodes.
        int first = 0;
        Pixels reference = null;
        while (reference == null && first < total) {
            try {
                reference = readAs(files.get(first).file());
            } catch (DatasetException e) {
                if (!options.skipCorrupt()) {
                    throw e;
                }
                failures.add(new Failure(first, e));
                first++;
            }
        }
        if (reference == null) {
            String firstError = failures.isEmpty() ? "" : " (the first: " + failures.peek().error().getMessage()
                    + ")";
            throw new DatasetException(total == 0 ? null : files.get(0).file().getParent(),
                    "no image could be decoded" + firstError);
        }
        int height = options.resizes() ? options.resizeHeight() : reference.height();
        int width = options.resizes() ? options.resizeWidth() : reference.width();
        int slot = 3 * height * width;
        long allBytes = (long) total * slot;
        MemoryBudget.requireHeap(allBytes, files.get(0).file().getParent(), String.format(java.util.Locale.ROOT,
                "the decoded images (%,d images of %dx%d, read with room for 3 channels)", total, height, width),
                "read them resized to a smaller size (--resize HxW)");
        byte[][] buffers = new byte[groupSizes.length][];
        for (int g = 0; g < groupSizes.length; g++) {
            long bytes = (long) groupSizes[g] * slot;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DatasetException(files.get(0).file().getParent(), groupSizes[g] + " images of "
                        + height + "x" + width + " need " + bytes / (1 << 20) + " MB, more than one split can "
                        + "hold; resize them to a smaller size");
            }
            buffers[g] = new byte[(int) bytes];
        }

        Path referenceFile = files.get(first).file();
        int referenceHeight = reference.height();
        int referenceWidth = reference.width();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        String message = "Decoding images";
        progress.report(message, 0, total);
        int threads = Math.max(1, Math.min(options.effectiveThreads(), (total + CHUNK - 1) / CHUNK));
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread t = new Thread(runnable, "exitbench-image-decoder");
            t.setDaemon(true);
            return t;
        });
        Pixels firstPixels = reference;
        int firstIndex = first;
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int start = first; start < total; start += CHUNK) {
                int from = start;
                int to = Math.min(total, start + CHUNK);
                tasks.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        if (stop.get() || cancel.isCancelled()) {
                            return;
                        }
                        Pixels px;
                        if (i == firstIndex) {
                            px = firstPixels;
                        } else {
                            try {
                                px = readAs(files.get(i).file());
                            } catch (DatasetException e) {
                                failures.add(new Failure(i, e));
                                if (!options.skipCorrupt()) {
                                    stop.set(true);
                                }
                                continue;
                            }
                        }
                        boolean sameSize = px.height() == height && px.width() == width;
                        if (!sameSize && !options.resizes()) {
                            mismatches.add(new SizeMismatch(i, px.height(), px.width()));
                            continue;
                        }
                        int offset = positionOf[i] * slot;
                        byte[] target = buffers[groupOf[i]];
                        if (sameSize) {
                            System.arraycopy(px.data(), 0, target, offset, px.data().length);
                        } else {
                            ImageResizer.resize(px.data(), 0, px.channels(), px.height(), px.width(),
                                    target, offset, height, width);
                            resized.set(true);
                        }
                        colour[i] = px.channels() == 3;
                        storedAsRgb[i] = px.storedAsRgb();
                        decoded[i] = true;
                    }
                    progress.report(message, done.addAndGet(to - from), total);
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        cancel.throwIfCancelled();
        if (!options.skipCorrupt() && !failures.isEmpty()) {
            throw failures.stream().min(Comparator.comparingInt(Failure::index)).orElseThrow().error();
        }
        if (!mismatches.isEmpty()) {
            throw mixedSizes(mismatches, referenceFile, referenceHeight, referenceWidth);
        }
        progress.report(message, total, total);

        boolean anyColour = false;
        boolean allStoredAsRgb = true;
        int colourCount = 0;
        int decodedCount = 0;
        for (int i = 0; i < total; i++) {
            if (decoded[i]) {
                decodedCount++;
                anyColour |= colour[i];
                colourCount += colour[i] ? 1 : 0;
                allStoredAsRgb &= storedAsRgb[i];
            }
        }
        // A dataset stored wholly as RGB stays three-channel even when its pixels are gray, as it always was read.
        anyColour |= allStoredAsRgb && requiredChannels == 0;
        List<String> colourAmongGrey = new ArrayList<>();
        if (colourCount > 0 && colourCount < decodedCount - colourCount) {
            for (int i = 0; i < total; i++) {
                if (decoded[i] && colour[i]) {
                    colourAmongGrey.add(files.get(i).file().toString());
                }
            }
        }
        List<ImageDataset> datasets = new ArrayList<>();
        int index = 0;
        for (int g = 0; g < groupSizes.length; g++) {
            datasets.add(pack(buffers[g], index, groupSizes[g], anyColour, decoded, colour, height, width));
            buffers[g] = null;
            index += groupSizes[g];
        }
        List<SkippedFile> skipped = failures.stream()
                .sorted(Comparator.comparingInt(Failure::index))
                .map(f -> new SkippedFile(files.get(f.index()).file().toString(), problemOf(f.error())))
                .toList();
        return new Decoded(datasets, skipped, resized.get(), colourAmongGrey);
    }

    /**
     * Turns a group's three-channel buffer into its final form: drops skipped images, spreads gray images to
     * R, G and B when the dataset is in colour, or keeps only the first channel when it is not.
     */
    private ImageDataset pack(byte[] buffer, int firstIndex, int count, boolean anyColour, boolean[] decoded,
                              boolean[] colour, int height, int width) {
        int plane = height * width;
        int slot = 3 * plane;
        int channels = anyColour ? 3 : 1;
        int kept = 0;
        for (int p = 0; p < count; p++) {
            if (decoded[firstIndex + p]) {
                kept++;
            }
        }
        byte[] pixels = anyColour && kept == count ? buffer : new byte[kept * channels * plane];
        int[] labels = new int[kept];
        List<String> sources = new ArrayList<>(kept);
        int k = 0;
        for (int p = 0; p < count; p++) {
            int i = firstIndex + p;
            if (!decoded[i]) {
                continue;
            }
            int src = p * slot;
            int dst = k * channels * plane;
            if (anyColour) {
                if (pixels != buffer || src != dst) {
                    System.arraycopy(buffer, src, pixels, dst, slot);
                }
                if (!colour[i]) {
                    System.arraycopy(pixels, dst, pixels, dst + plane, plane);
                    System.arraycopy(pixels, dst, pixels, dst + 2 * plane, plane);
                }
            } else {
                System.arraycopy(buffer, src, pixels, dst, plane);
            }
            labels[k] = files.get(i).label();
            sources.add(files.get(i).file().toString());
            k++;
        }
        return ImageDataset.ofOwned(pixels, labels, channels, height, width, classNames, sources);
    }

    private DatasetException mixedSizes(Queue<SizeMismatch> mismatches, Path referenceFile, int height,
                                        int width) {
        List<SizeMismatch> sorted = mismatches.stream().sorted(Comparator.comparingInt(SizeMismatch::index))
                .toList();
        SizeMismatch firstOffender = sorted.get(0);
        StringBuilder listed = new StringBuilder();
        for (int k = 0; k < Math.min(LISTED, sorted.size()); k++) {
            SizeMismatch m = sorted.get(k);
            listed.append(k == 0 ? "" : ", ").append(files.get(m.index()).file())
                    .append(" (").append(m.height()).append('x').append(m.width()).append(')');
        }
        if (sorted.size() > LISTED) {
            listed.append(", ...");
        }
        return new DatasetException(files.get(firstOffender.index()).file(),
                "is " + firstOffender.height() + "x" + firstOffender.width() + " but " + referenceFile + " is "
                        + height + "x" + width + "; " + sorted.size() + " of " + files.size()
                        + " images differ in size (height x width): " + listed
                        + ". Resize them to one size, or read with resizing (--resize HxW)");
    }

    /** The problem part of a decoding error, without the file name that {@link SkippedFile} holds already. */
    private static String problemOf(DatasetException e) {
        String message = e.getMessage();
        String prefix = e.file().map(f -> f + ": ").orElse("");
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** {@link #read(Path)}, refusing a colour image when only gray ones will do. */
    private Pixels readAs(Path file) {
        Pixels px = read(file);
        if (requiredChannels == 1 && px.channels() == 3) {
            throw new DatasetException(file, "is a colour image, and only gray images (one channel) fit here");
        }
        return px;
    }

    /** Decodes one file into gray or RGB bytes (gray when its RGB channels are equal); never modifies it. */
    private static Pixels read(Path file) {
        if (!Files.isReadable(file)) {
            throw new DatasetException(file, "cannot be read (missing or no read permission)");
        }
        return pixelsOf(decodeWithinBudget(file, ImagePixelBudget.current()));
    }

    /** A decoded image's gray or RGB bytes (gray when its RGB channels are equal), as {@link #read(Path)} gives. */
    static Pixels pixelsOf(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (isGray(model)) {
            byte[] gray = new byte[h * w];
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            if (model instanceof IndexColorModel palette) {
                for (int p = 0; p < samples.length; p++) {
                    gray[p] = (byte) palette.getRed(samples[p]);
                }
            } else {
                int bits = model.getComponentSize(0);
                int max = (1 << bits) - 1;
                for (int p = 0; p < samples.length; p++) {
                    gray[p] = (byte) (bits == 8 ? samples[p] : Math.round(samples[p] * 255.0 / max));
                }
            }
            return new Pixels(gray, 1, h, w, false);
        }
        int plane = h * w;
        byte[] rgb = new byte[3 * plane];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        boolean gray = true;
        for (int p = 0; p < plane; p++) {
            int v = argb[p];
            rgb[p] = (byte) (v >> 16);
            rgb[plane + p] = (byte) (v >> 8);
            rgb[2 * plane + p] = (byte) v;
            gray &= rgb[p] == rgb[plane + p] && rgb[p] == rgb[2 * plane + p];
        }
        if (gray) {
            byte[] first = new byte[plane];
            System.arraycopy(rgb, 0, first, 0, plane);
            return new Pixels(first, 1, h, w, true);
        }
        return new Pixels(rgb, 3, h, w, false);
    }

    /**
     * Decodes an image after reading its size from the header, so an image that would not fit the pixel budget is
     * refused before a single pixel is allocated (a small compressed file can declare billions of them).
     */
    static BufferedImage decodeWithinBudget(Path file, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DatasetException(file, "is not a PNG, JPEG or BMP image that can be decoded");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new DatasetException(file, "declares " + width + "x" + height + " pixels ("
                            + width * height + "), more than the " + maxPixels + " Exitbench decodes (set "
                            + ImagePixelBudget.PROPERTY + " to allow bigger images)");
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new DatasetException(file, "is not a PNG, JPEG or BMP image that can be decoded");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new DatasetException(file, "is corrupt or not a supported image (" + detail + ")", e);
        }
    }

    /**
     * Whether an image's colour model holds only gray: one colour component (alpha aside), or a palette whose
     * entries are all gray (PNG encoders often write gray images that way).
     */
    private static boolean isGray(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                if (palette.getRed(i) != palette.getGreen(i) || palette.getRed(i) != palette.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return model.getNumColorComponents() == 1;
    }
}
