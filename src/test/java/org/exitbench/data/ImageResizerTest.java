package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The triangle-filter resize used when the caller asks for one image size. */
class ImageResizerTest {

    @Test
    void resizingToTheSameSizeChangesNothing() {
        byte[] image = new byte[2 * 3 * 5];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 37);
        }
        byte[] out = new byte[image.length];

        ImageResizer.resize(image, 0, 2, 3, 5, out, 0, 3, 5);

        assertArrayEquals(image, out);
    }

    @Test
    void aFlatImageStaysFlatAtAnySize() {
        byte[] image = new byte[7 * 9];
        java.util.Arrays.fill(image, (byte) 201);
        for (int[] size : new int[][] {{3, 4}, {14, 18}, {1, 1}, {20, 2}}) {
            byte[] out = new byte[size[0] * size[1] + 3];

            ImageResizer.resize(image, 0, 1, 7, 9, out, 3, size[0], size[1]);

            for (int i = 3; i < out.length; i++) {
                assertEquals(201, out[i] & 0xFF, size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void shrinkingAveragesInsteadOfPickingPixels() {
        // A 1-pixel-wide checkerboard: nearest-neighbour sampling would give all 0 or all 255.
        byte[] image = new byte[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image[y * 8 + x] = (byte) ((x + y) % 2 == 0 ? 255 : 0);
            }
        }
        byte[] out = new byte[4 * 4];

        ImageResizer.resize(image, 0, 1, 8, 8, out, 0, 4, 4);

        for (byte b : out) {
            assertTrue(Math.abs((b & 0xFF) - 128) <= 40, "value " + (b & 0xFF));
        }
    }
}
