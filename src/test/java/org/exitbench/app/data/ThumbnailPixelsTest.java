package org.exitbench.app.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.exitbench.data.ImageDataset;
import org.junit.jupiter.api.Test;

/** Thumbnails are crisp, nearest-neighbour enlargements of the dataset's own pixels. */
class ThumbnailPixelsTest {

    @Test
    void enlargesAGrayImageIntoSquareBlocksOfOpaqueGray() {
        byte[] pixels = {0, 10, (byte) 200, (byte) 255};
        ImageDataset images = new ImageDataset(pixels, new int[] {0}, 1, 2, 2, List.of("x"), List.of("a.png"));

        int[] argb = ThumbnailPixels.argb(images, 0, 4);

        int black = 0xFF000000;
        int dark = 0xFF0A0A0A;
        int light = 0xFFC8C8C8;
        int white = 0xFFFFFFFF;
        assertArrayEquals(new int[] {
            black, black, dark, dark,
            black, black, dark, dark,
            light, light, white, white,
            light, light, white, white}, argb);
    }

    @Test
    void readsRgbFromThreeChannelPlanesOfTheRightImage() {
        byte[] pixels = {
            1, 2, 3,
            (byte) 255, 0, (byte) 128,
        };
        ImageDataset images = new ImageDataset(pixels, new int[] {0, 0}, 3, 1, 1, List.of("x"),
                List.of("a", "b"));

        assertArrayEquals(new int[] {0xFFFF0080}, ThumbnailPixels.argb(images, 1, 1));
        assertArrayEquals(new int[] {0xFF010203, 0xFF010203, 0xFF010203, 0xFF010203},
                ThumbnailPixels.argb(images, 0, 2));
    }

    @Test
    void displaySizeIsAWholeMultipleOfTheImageUpToSixtyFourPixels() {
        assertEquals(64, ThumbnailPixels.displaySize(32, 32));
        assertEquals(56, ThumbnailPixels.displaySize(28, 28));
        assertEquals(64, ThumbnailPixels.displaySize(224, 224));
        assertEquals(60, ThumbnailPixels.displaySize(10, 6));
        assertThrows(IllegalArgumentException.class, () -> ThumbnailPixels.argb(
                new ImageDataset(new byte[1], new int[] {0}, 1, 1, 1, List.of("x"), List.of("a")), 0, 0));
    }
}
