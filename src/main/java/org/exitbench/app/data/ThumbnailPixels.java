package org.exitbench.app.data;

import org.exitbench.data.ImageDataset;

/**
 * Renders one image of a dataset as a square of ARGB pixels for a thumbnail. Sampling is nearest-neighbour,
 * so a 32×32 image shown at 64×64 stays crisp (each pixel a 2×2 block) instead of blurring.
 */
public final class ThumbnailPixels {

    /** Thumbnails aim at this many pixels a side: large enough to see a 32×32 image on a projector. */
    static final int TARGET_SIZE = 64;

    private ThumbnailPixels() {
    }

    /**
     * @param height image height
     * @param width  image width
     * @return the side of the square thumbnail for images of this size: the largest whole multiple of the
     *         larger side that fits {@value #TARGET_SIZE} pixels (so pixels stay square blocks), or
     *         {@value #TARGET_SIZE} for images larger than that
     */
    public static int displaySize(int height, int width) {
        int side = Math.max(height, width);
        return side >= TARGET_SIZE ? TARGET_SIZE : side * (TARGET_SIZE / side);
    }

    /**
     * @param images the split
     * @param index  which image
     * @param size   the thumbnail's width and height in pixels
     * @return {@code size × size} ARGB pixels, row by row, fully opaque; a non-square image is stretched
     */
    public static int[] argb(ImageDataset images, int index, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        int height = images.height();
        int width = images.width();
        int plane = height * width;
        byte[] image = images.copyImage(index, new byte[images.imageBytes()], 0);
        boolean rgb = images.channels() == 3;
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            int row = (int) ((long) y * height / size) * width;
            for (int x = 0; x < size; x++) {
                int p = row + (int) ((long) x * width / size);
                int r = image[p] & 0xFF;
                int g = rgb ? image[plane + p] & 0xFF : r;
                int b = rgb ? image[2 * plane + p] & 0xFF : r;
                out[y * size + x] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
        return out;
    }
}
