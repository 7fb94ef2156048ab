package org.exitbench.app.operatingpoint;

import java.util.Objects;
import org.exitbench.data.ImageDataset;

/**
 * Where the picture of one scored sample is: image {@code index} of {@code images}.
 *
 * @param images the split holding the image
 * @param index  the image's index in it
 */
public record SampleImage(ImageDataset images, int index) {

    public SampleImage {
        Objects.requireNonNull(images, "images");
        Objects.checkIndex(index, images.size());
    }
}
