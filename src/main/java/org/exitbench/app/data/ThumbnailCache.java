package org.exitbench.app.data;

import java.util.LinkedHashMap;
import java.util.Map;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import org.exitbench.data.ImageDataset;

/**
 * Thumbnails rendered on demand, as the grid's visible cells ask for them, and the most recently used kept.
 * Rendering one is a few thousand pixel copies, so scrolling through 10,000 images renders only what passes
 * the viewport; the cache spares re-rendering when the user scrolls back.
 */
public final class ThumbnailCache {

    private static final int CAPACITY = 1024;

    private ImageDataset images;
    private final Map<Integer, Image> recent = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Image> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * @param split the split the image belongs to; a different split than last time empties the cache
     * @param index the image
     * @return its thumbnail, {@link ThumbnailPixels#displaySize} pixels a side
     */
    public Image thumbnail(ImageDataset split, int index) {
        if (split != images) {
            recent.clear();
            images = split;
        }
        return recent.computeIfAbsent(index, this::render);
    }

    private Image render(int index) {
        int size = ThumbnailPixels.displaySize(images.height(), images.width());
        WritableImage image = new WritableImage(size, size);
        image.getPixelWriter().setPixels(0, 0, size, size, PixelFormat.getIntArgbInstance(),
                ThumbnailPixels.argb(images, index, size), 0, size);
        return image;
    }
}
