package org.exitbench.data;

import java.util.List;
import java.util.Objects;

/**
 * One split of images in memory: uint8 pixels in N×C×H×W order (channel-major per image), a label per image,
 * the class names, and where each image came from.
 *
 * <p>Pixels are kept as bytes, not floats, so that a CINIC-10-size split (90,000 RGB images of 32×32) takes
 * 276 MB rather than 1.1 GB; normalisation happens batch by batch in the iterators. Instances are immutable:
 * the arrays are copied in and never handed out, so read them through the accessors.
 */
public final class ImageDataset {

    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final List<String> sources;

    /**
     * @param pixels     N×C×H×W bytes, read as unsigned 0..255; copied
     * @param labels     one label in [0, classNames.size()) per image; copied
     * @param channels   1 (grayscale) or 3 (RGB)
     * @param height     image height in pixels
     * @param width      image width in pixels
     * @param classNames the class names, index = label
     * @param sources    where each image came from (a file path, or "file#index" for records in a batch file)
     * @throws IllegalArgumentException when the sizes do not agree or a label is out of range
     */
    public ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width,
                        List<String> classNames, List<String> sources) {
        this(pixels.clone(), labels.clone(), channels, height, width, classNames, sources, true);
    }

    /**
     * Wraps arrays this package has just built, without copying them (a CINIC-10 split is 276 MB).
     * The caller must not touch the arrays afterwards.
     */
    static ImageDataset ofOwned(byte[] pixels, int[] labels, int channels, int height, int width,
                                List<String> classNames, List<String> sources) {
        return new ImageDataset(pixels, labels, channels, height, width, classNames, sources, true);
    }

    private ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width,
                         List<String> classNames, List<String> sources, boolean owned) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, was " + height + "x" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected " + expected
                    + " for " + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
        if (sources.size() != labels.length) {
            throw new IllegalArgumentException("sources has " + sources.size() + " entries for "
                    + labels.length + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " ("
                        + sources.get(i) + ") is outside 0.." + (classNames.size() - 1));
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
        this.sources = List.copyOf(sources);
    }

    /** @return the number of images */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** @return bytes per image: channels × height × width */
    public int imageBytes() {
        return channels * height * width;
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** @return the label of image {@code i} */
    public int label(int i) {
        return labels[i];
    }

    /** @return a copy of all labels */
    public int[] labels() {
        return labels.clone();
    }

    /** @return where image {@code i} came from */
    public String source(int i) {
        return sources.get(i);
    }

    public List<String> sources() {
        return sources;
    }

    /** @return the unsigned value (0..255) of one pixel */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[((image * channels + channel) * height + y) * width + x] & 0xFF;
    }

    /**
     * Copies the bytes of image {@code i} (C×H×W) into {@code dest} at {@code offset}.
     *
     * @return {@code dest}, for chaining
     */
    public byte[] copyImage(int i, byte[] dest, int offset) {
        int n = imageBytes();
        System.arraycopy(pixels, i * n, dest, offset, n);
        return dest;
    }

    /** @return the number of images per class, index = label */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Returns the images at the given indices, in that order, as a new dataset.
     *
     * @param indices positions in this dataset; repeats are allowed
     */
    public ImageDataset subset(int[] indices) {
        int n = imageBytes();
        byte[] px = new byte[indices.length * n];
        int[] lb = new int[indices.length];
        String[] src = new String[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            System.arraycopy(pixels, i * n, px, k * n, n);
            lb[k] = labels[i];
            src[k] = sources.get(i);
        }
        return ofOwned(px, lb, channels, height, width, classNames, List.of(src));
    }
}
