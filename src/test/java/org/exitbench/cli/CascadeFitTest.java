package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.ExitbenchException;
import org.junit.jupiter.api.Test;

/** Images that do not fit a cascade are bad input named by the command, before the predictor sees them. */
class CascadeFitTest {

    private static ImageDataset images(int channels, int height, int width) {
        return new ImageDataset(new byte[channels * height * width], new int[] {0}, channels, height, width,
                List.of("a", "b"), List.of("img0.png"));
    }

    @Test
    void sizeAndColourMustFitTheCascade() {
        assertDoesNotThrow(() -> CascadeFit.check(1, 32, 32, images(1, 32, 32), "data"));
        assertDoesNotThrow(() -> CascadeFit.check(3, 32, 32, images(1, 32, 32), "data"), "gray into colour");
        ExitbenchException size = assertThrows(ExitbenchException.class,
                () -> CascadeFit.check(1, 32, 32, images(1, 28, 28), "data/fashion"));
        assertEquals("data/fashion: the images are 28\u00d728 pixels, the cascade takes 32\u00d732", size.getMessage());
        ExitbenchException colour = assertThrows(ExitbenchException.class,
                () -> CascadeFit.check(1, 32, 32, images(3, 32, 32), "the images given"));
        assertEquals("the images given: the images have 3 channels, the cascade takes 1", colour.getMessage());
    }
}
