package org.exitbench.data;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Turns one image from outside any dataset (a photograph of a drawing, a picture pasted from the clipboard) into an
 * image of a dataset's geometry, so a network trained on that dataset can be asked about it: gray or colour as the
 * dataset, its size, and, for datasets whose images are objects on a plain background (Fashion-MNIST, MNIST), the same
 * look: a light background inverted when the dataset's is dark, the background levelled to the dataset's, the object
 * cropped and centred inside the dataset's blank margin. Every step taken is said in {@link Converted#description()}.
 *
 * <p>Files are decoded by the data layer's bounded decoder ({@link ImageFileDecoder}: the size in the header is checked
 * against {@link ImagePixelBudget} before a pixel is allocated; a corrupt file is a {@link DatasetException} naming it).
 * Large images are kept as a working copy of at most {@value #WORKING_SIDE} pixels on their long side, from which every
 * conversion (and undoing the inversion) starts.
 */
public final class ImageConversion {

    /** The long side of the working copy kept of a larger image. */
    public static final int WORKING_SIDE = 1024;
    /** How far (of 255) a pixel may be from the background and still count as background. */
    private static final int BACKGROUND_TOLERANCE = 24;
    /** Images of a dataset sampled to learn its look. */
    private static final int LOOK_SAMPLES = 400;

    private ImageConversion() {
    }

    /**
     * What a dataset's images look like at their border, learned from a sample of them ({@link #of(ImageDataset)}).
     *
     * @param background        the median value (0..255, luminance for colour) of the images' outermost pixels
     * @param uniformBackground whether the images are objects on a plain background: nine in ten border pixels lie
     *                          within {@value #BACKGROUND_TOLERANCE} of {@code background}
     * @param margin            the blank border (pixels) that 95 % of the images keep around their object; 0 unless
     *                          the background is uniform
     */
    public record Look(int background, boolean uniformBackground, int margin) {

        public Look {
            if (background < 0 || background > 255 || margin < 0) {
                throw new IllegalArgumentException("background must be 0..255 and margin >= 0, were " + background
                        + " and " + margin);
            }
        }

        /** @return a look that asks for no inversion, levelling or cropping: the image is only letterboxed */
        public static Look unknown() {
            return new Look(0, false, 0);
        }

        /**
         * Learns the look of a dataset on disk from up to {@value #LOOK_SAMPLES} evenly spaced test images, decoding
         * only those where the layout allows ({@link DatasetReaders#readSample}).
         *
         * @throws DatasetException naming the folder when it is not a dataset that can be read
         */
        public static Look of(Path dataset, ProgressListener progress, CancellationToken cancel) {
            return of(DatasetReaders.readSample(dataset, Split.TEST, size -> {
                int count = Math.min(size, LOOK_SAMPLES);
                int[] chosen = new int[count];
                for (int i = 0; i < count; i++) {
                    chosen[i] = (int) ((long) i * size / count);
                }
                return chosen;
            }, ReadOptions.DEFAULTS, progress, cancel).images());
        }

        /**
         * Learns the look from up to {@value #LOOK_SAMPLES} evenly spaced images.
         *
         * @return {@link #unknown()} for an empty dataset
         */
        public static Look of(ImageDataset images) {
            int n = images.size();
            if (n == 0) {
                return unknown();
            }
            int count = Math.min(n, LOOK_SAMPLES);
            int h = images.height();
            int w = images.width();
            int maxMargin = Math.max(0, Math.min(h, w) / 4);
            long[] histogram = new long[256];
            int[][] luminance = new int[count][];
            byte[] buffer = new byte[images.imageBytes()];
            for (int s = 0; s < count; s++) {
                images.copyImage((int) ((long) s * n / count), buffer, 0);
                luminance[s] = luminance(buffer, images.channels(), h, w);
                int[] plane = luminance[s];
                forRing(h, w, 0, p -> histogram[plane[p]]++);
            }
            int background = percentile(histogram, 0.5);
            long near = 0;
            long all = 0;
            for (int v = 0; v < 256; v++) {
                all += histogram[v];
                if (Math.abs(v - background) <= BACKGROUND_TOLERANCE) {
                    near += histogram[v];
                }
            }
            boolean uniform = near >= 0.9 * all;
            int margin = 0;
            if (uniform) {
                boolean[] blank = new boolean[count];
                Arrays.fill(blank, true);
                for (int m = 0; m < maxMargin; m++) {
                    int kept = 0;
                    for (int s = 0; s < count; s++) {
                        if (blank[s]) {
                            int[] plane = luminance[s];
                            boolean[] ok = {true};
                            forRing(h, w, m, p -> ok[0] &= Math.abs(plane[p] - background) <= BACKGROUND_TOLERANCE);
                            blank[s] = ok[0];
                        }
                        kept += blank[s] ? 1 : 0;
                    }
                    if (kept < 0.95 * count) {
                        break;
                    }
                    margin = m + 1;
                }
            }
            return new Look(background, uniform, margin);
        }
    }

    /**
     * An image as read, before conversion.
     *
     * @param pixels       its working copy, C×H×W bytes (C = 1 for gray, 3 for colour), at most
     *                     {@value #WORKING_SIDE} pixels on the long side
     * @param channels     1 or 3
     * @param height       the working copy's height
     * @param width        the working copy's width
     * @param sourceHeight the image's own height
     * @param sourceWidth  the image's own width
     * @param source       where it came from: a file path, or what the user pasted
     */
    public record Original(byte[] pixels, int channels, int height, int width, int sourceHeight, int sourceWidth,
                           String source) {

        public Original {
            Objects.requireNonNull(pixels, "pixels");
            Objects.requireNonNull(source, "source");
            if ((channels != 1 && channels != 3) || height < 1 || width < 1
                    || pixels.length != (long) channels * height * width) {
                throw new IllegalArgumentException("pixels: " + pixels.length + " bytes for " + channels + "×"
                        + height + "×" + width);
            }
        }

        /**
         * Reads an image file with the data layer's bounded decoder. Transparent pixels are laid on white, as a
         * drawing program shows them.
         *
         * @throws DatasetException naming the file when it cannot be read, is not an image, is corrupt, or declares
         *                          more pixels than {@link ImagePixelBudget} allows
         */
        public static Original read(Path file) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new DatasetException(file, Files.isDirectory(file) ? "is a folder, not an image"
                        : "cannot be read (missing or no read permission)");
            }
            BufferedImage image = ImageFileDecoder.decodeWithinBudget(file, ImagePixelBudget.current());
            if (image.getColorModel().hasAlpha()) {
                int w = image.getWidth();
                int h = image.getHeight();
                return ofArgb(image.getRGB(0, 0, w, h, null, 0, w), w, h, file.toString());
            }
            ImageFileDecoder.Pixels px = ImageFileDecoder.pixelsOf(image);
            return working(px.data(), px.channels(), px.height(), px.width(), file.toString());
        }

        /**
         * An image already decoded by someone else (the clipboard), as packed ARGB; transparent pixels are laid on
         * white.
         *
         * @throws IllegalArgumentException when the sizes disagree or the image has more pixels than
         *                                  {@link ImagePixelBudget} allows
         */
        public static Original ofArgb(int[] argb, int width, int height, String source) {
            requireWithinBudget(width, height, source);
            if (argb.length != (long) width * height) {
                throw new IllegalArgumentException(source + ": " + argb.length + " pixels for " + width + "×"
                        + height);
            }
            int plane = width * height;
            byte[] rgb = new byte[3 * plane];
            boolean gray = true;
            for (int p = 0; p < plane; p++) {
                int v = argb[p];
                int alpha = v >>> 24;
                int r = over(v >> 16 & 0xFF, alpha);
                int g = over(v >> 8 & 0xFF, alpha);
                int b = over(v & 0xFF, alpha);
                rgb[p] = (byte) r;
                rgb[plane + p] = (byte) g;
                rgb[2 * plane + p] = (byte) b;
                gray &= r == g && g == b;
            }
            if (gray) {
                byte[] one = new byte[plane];
                System.arraycopy(rgb, 0, one, 0, plane);
                return working(one, 1, height, width, source);
            }
            return working(rgb, 3, height, width, source);
        }

        /**
         * @param maxSide the longest side wanted
         * @return this image scaled down to fit {@code maxSide} (itself when it already fits): a thumbnail
         */
        public Original scaledToFit(int maxSide) {
            if (Math.max(height, width) <= maxSide) {
                return this;
            }
            double scale = (double) maxSide / Math.max(height, width);
            int h = Math.max(1, (int) Math.round(height * scale));
            int w = Math.max(1, (int) Math.round(width * scale));
            byte[] out = new byte[channels * h * w];
            ImageResizer.resize(pixels, 0, channels, height, width, out, 0, h, w);
            return new Original(out, channels, h, w, sourceHeight, sourceWidth, source);
        }

        /** @return "4032×3024 colour" */
        public String describe() {
            return sourceWidth + "×" + sourceHeight + (channels == 1 ? " gray" : " colour");
        }

        private static Original working(byte[] pixels, int channels, int height, int width, String source) {
            Original full = new Original(pixels, channels, height, width, height, width, source);
            return full.scaledToFit(WORKING_SIDE);
        }

        private static int over(int value, int alpha) {
            return (value * alpha + 255 * (255 - alpha) + 127) / 255;
        }
    }

    /**
     * An image converted to a dataset's geometry.
     *
     * @param pixels             C×H×W bytes of the dataset's channels and size
     * @param channels           the dataset's channels
     * @param height             the dataset's height
     * @param width              the dataset's width
     * @param inverted           whether the values were inverted (255 − v)
     * @param inversionSuggested whether the image's background is light where the dataset's is dark (or the other
     *                           way), so that inverting it makes it look like the dataset's images
     * @param description        what was done, in one sentence for people
     */
    public record Converted(byte[] pixels, int channels, int height, int width, boolean inverted,
                            boolean inversionSuggested, String description) {
    }

    /**
     * @return whether inverting the image makes its background look like the dataset's: the dataset's images lie on a
     *         plain background, and the image's border is on the other side of mid-gray from it
     */
    public static boolean suggestsInversion(Original image, Look look) {
        if (!look.uniformBackground()) {
            return false;
        }
        int border = borderBackground(luminance(image.pixels(), image.channels(), image.height(), image.width()),
                image.height(), image.width())[0];
        return Math.abs(border - look.background()) > 2 * BACKGROUND_TOLERANCE
                && Math.abs(255 - border - look.background()) < Math.abs(border - look.background());
    }

    /**
     * Converts an image to the dataset's geometry. An image already of that size and channels whose background
     * matches the dataset's, not inverted, is used as it is, byte for byte.
     *
     * @param channels the dataset's channels, 1 or 3
     * @param height   the dataset's height
     * @param width    the dataset's width
     * @param look     the dataset's look ({@link Look#unknown()} for letterboxing only)
     * @param invert   whether to invert the values (see {@link #suggestsInversion})
     */
    public static Converted convert(Original image, int channels, int height, int width, Look look, boolean invert) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        boolean suggested = suggestsInversion(image, look);
        List<String> steps = new ArrayList<>();
        int h = image.height();
        int w = image.width();
        int plane = h * w;
        byte[] values = channelsAs(image, channels);
        if (image.channels() == 3 && channels == 1) {
            steps.add("made gray (the network takes one channel)");
        } else if (image.channels() == 1 && channels == 3) {
            steps.add("its gray repeated in three channels");
        }
        if (invert) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (byte) (255 - (values[i] & 0xFF));
            }
            steps.add(suggested ? "inverted: its background is " + shade(255 - look.background())
                    + ", the dataset's " + shade(look.background()) : "inverted");
        } else if (suggested) {
            steps.add("not inverted, although its background is " + shade(255 - look.background())
                    + " and the dataset's " + shade(look.background()));
        }
        int[] lum = luminance(values, channels, h, w);
        int[] border = borderBackground(lum, h, w);
        boolean sameGeometry = h == height && w == width && image.sourceHeight() == height
                && image.sourceWidth() == width;
        boolean backgroundDiffers = look.uniformBackground()
                && Math.abs(border[0] - look.background()) > BACKGROUND_TOLERANCE;
        if (sameGeometry && !backgroundDiffers) {
            steps.add(0, "is " + width + "×" + height + " like the dataset's images");
            return new Converted(values, channels, height, width, invert, suggested,
                    sentence(image, steps, false));
        }
        if (backgroundDiffers) {
            level(values, lum, plane, channels, border, look.background());
            steps.add("background levelled to the dataset's");
            lum = luminance(values, channels, h, w);
        }
        int top = 0;
        int left = 0;
        int boxH = h;
        int boxW = w;
        if (look.uniformBackground() && !sameGeometry) {
            int[] box = contentBox(lum, h, w, look.background());
            if (box != null && (box[2] < h || box[3] < w)) {
                top = box[0];
                left = box[1];
                boxH = box[2];
                boxW = box[3];
                steps.add("cropped to the drawing");
            }
        }
        int margin = look.uniformBackground() ? Math.min(look.margin(), (Math.min(height, width) - 1) / 2) : 0;
        int areaH = height - 2 * margin;
        int areaW = width - 2 * margin;
        double scale = Math.min((double) areaH / boxH, (double) areaW / boxW);
        int fitH = Math.max(1, Math.min(areaH, (int) Math.round(boxH * scale)));
        int fitW = Math.max(1, Math.min(areaW, (int) Math.round(boxW * scale)));
        byte[] cropped = crop(values, channels, h, w, top, left, boxH, boxW);
        byte[] fitted = new byte[channels * fitH * fitW];
        ImageResizer.resize(cropped, 0, channels, boxH, boxW, fitted, 0, fitH, fitW);
        byte[] out = new byte[channels * height * width];
        Arrays.fill(out, (byte) look.background());
        int y0 = (height - fitH) / 2;
        int x0 = (width - fitW) / 2;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < fitH; y++) {
                System.arraycopy(fitted, (c * fitH + y) * fitW, out, (c * height + y0 + y) * width + x0, fitW);
            }
        }
        steps.add(fitH == height && fitW == width ? "scaled to " + width + "×" + height
                : "scaled to " + fitW + "×" + fitH + " and centred on " + width + "×" + height
                        + (margin > 0 ? " inside the dataset's " + margin + "-pixel margin" : ""));
        return new Converted(out, channels, height, width, invert, suggested, sentence(image, steps, true));
    }

    private static String sentence(Original image, List<String> steps, boolean converted) {
        String source = image.source();
        String name = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
        StringBuilder text = new StringBuilder();
        text.append(converted ? "Converted for the network: " : "").append(name).append(" (")
                .append(image.describe()).append(')');
        for (int i = 0; i < steps.size(); i++) {
            text.append(i == 0 ? (converted ? ": " : " ") : i == steps.size() - 1 ? " and " : ", ")
                    .append(steps.get(i));
        }
        if (!converted) {
            text.append(": used as it is");
        }
        return text.append('.').toString();
    }

    private static String shade(int value) {
        return value < 128 ? "dark" : "light";
    }

    /** The image's values with the dataset's channel count: gray made by luminance, or repeated in three. */
    private static byte[] channelsAs(Original image, int channels) {
        int plane = image.height() * image.width();
        byte[] in = image.pixels();
        if (image.channels() == channels) {
            return in.clone();
        }
        if (channels == 1) {
            byte[] gray = new byte[plane];
            int[] lum = luminance(in, 3, image.height(), image.width());
            for (int p = 0; p < plane; p++) {
                gray[p] = (byte) lum[p];
            }
            return gray;
        }
        byte[] rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(in, 0, rgb, c * plane, plane);
        }
        return rgb;
    }

    /** ITU-R 601-2 luminance (as Pillow's "L"), or the values themselves for one channel. */
    static int[] luminance(byte[] pixels, int channels, int h, int w) {
        int plane = h * w;
        int[] out = new int[plane];
        for (int p = 0; p < plane; p++) {
            out[p] = channels == 1 ? pixels[p] & 0xFF
                    : ((pixels[p] & 0xFF) * 299 + (pixels[plane + p] & 0xFF) * 587
                            + (pixels[2 * plane + p] & 0xFF) * 114 + 500) / 1000;
        }
        return out;
    }

    /**
     * @return the median of the image's border (a ring 1/50 of its short side wide, at least one pixel) and its noise:
     *         how far above the median nine in ten border pixels lie
     */
    private static int[] borderBackground(int[] lum, int h, int w) {
        long[] histogram = new long[256];
        int ring = Math.max(1, Math.min(h, w) / 50);
        for (int r = 0; r < ring; r++) {
            forRing(h, w, r, p -> histogram[lum[p]]++);
        }
        int median = percentile(histogram, 0.5);
        int low = percentile(histogram, 0.1);
        int high = percentile(histogram, 0.9);
        return new int[] {median, Math.max(median - low, high - median)};
    }

    /**
     * Moves the background to the dataset's and stretches the rest to the full range on the object's side, so paper
     * photographed grey becomes the dataset's black and a pencil stroke its white. Values on the far side of the
     * background (shadows) become background.
     */
    private static void level(byte[] values, int[] lum, int plane, int channels, int[] border, int target) {
        int background = border[0];
        int start = target < 128 ? background + border[1] : background - border[1];
        long[] histogram = new long[256];
        for (int v : lum) {
            histogram[v]++;
        }
        int extreme = target < 128 ? percentile(histogram, 0.995) : percentile(histogram, 0.005);
        int end = target < 128 ? 255 : 0;
        double span = extreme - start;
        if (Math.abs(span) < BACKGROUND_TOLERANCE) {
            span = end - start;
        }
        for (int i = 0; i < values.length; i++) {
            double t = ((values[i] & 0xFF) - start) / span;
            double v = target + Math.max(0, t) * (end - target);
            values[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
    }

    /**
     * @return top, left, height, width of the rectangle holding the object (rows and columns with more than 0.5 % of
     *         their pixels away from the background), padded by 2 %; or null when nothing stands out
     */
    private static int[] contentBox(int[] lum, int h, int w, int background) {
        int threshold = 2 * BACKGROUND_TOLERANCE;
        int[] rows = new int[h];
        int[] cols = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (Math.abs(lum[y * w + x] - background) > threshold) {
                    rows[y]++;
                    cols[x]++;
                }
            }
        }
        int[] ys = span(rows, Math.max(1, w / 200));
        int[] xs = span(cols, Math.max(1, h / 200));
        if (ys == null || xs == null) {
            return null;
        }
        int padY = (ys[1] - ys[0] + 1) / 50;
        int padX = (xs[1] - xs[0] + 1) / 50;
        int top = Math.max(0, ys[0] - padY);
        int left = Math.max(0, xs[0] - padX);
        int bottom = Math.min(h - 1, ys[1] + padY);
        int right = Math.min(w - 1, xs[1] + padX);
        return new int[] {top, left, bottom - top + 1, right - left + 1};
    }

    private static int[] span(int[] counts, int minimum) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] >= minimum) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return first < 0 ? null : new int[] {first, last};
    }

    private static byte[] crop(byte[] values, int channels, int h, int w, int top, int left, int boxH, int boxW) {
        if (top == 0 && left == 0 && boxH == h && boxW == w) {
            return values;
        }
        byte[] out = new byte[channels * boxH * boxW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < boxH; y++) {
                System.arraycopy(values, (c * h + top + y) * w + left, out, (c * boxH + y) * boxW, boxW);
            }
        }
        return out;
    }

    /** Calls {@code action} with the index of every pixel on the ring {@code inset} pixels in from the edge. */
    private static void forRing(int h, int w, int inset, IntConsumer action) {
        int top = inset;
        int bottom = h - 1 - inset;
        int left = inset;
        int right = w - 1 - inset;
        if (top > bottom || left > right) {
            return;
        }
        for (int x = left; x <= right; x++) {
            action.accept(top * w + x);
            if (bottom != top) {
                action.accept(bottom * w + x);
            }
        }
        for (int y = top + 1; y < bottom; y++) {
            action.accept(y * w + left);
            if (right != left) {
                action.accept(y * w + right);
            }
        }
    }

    private static int percentile(long[] histogram, double q) {
        long total = 0;
        for (long c : histogram) {
            total += c;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (seen >= Math.max(1, rank)) {
                return v;
            }
        }
        return histogram.length - 1;
    }

    private static void requireWithinBudget(int width, int height, String source) {
        long budget = ImagePixelBudget.current();
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException(source + " has no pixels (" + width + "×" + height + ")");
        }
        if ((long) width * height > budget) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s has %d×%d pixels (%d), more than the "
                    + "%d Exitbench decodes (set %s to allow bigger images)", source, width, height,
                    (long) width * height, budget, ImagePixelBudget.PROPERTY));
        }
    }
}
