package org.exitbench.app.data;

import java.util.function.Supplier;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import org.controlsfx.control.GridCell;
import org.exitbench.data.ImageDataset;

/** One thumbnail in the Data pane's grid: the image, crisp, with its class and file in a tooltip. */
final class ThumbnailCell extends GridCell<Integer> {

    private final Supplier<ImageDataset> split;
    private final ThumbnailCache cache;
    private final ImageView view = new ImageView();
    private final Tooltip tooltip = new Tooltip();

    /**
     * @param split the split whose images the grid's items index
     * @param cache where thumbnails are rendered and kept
     */
    ThumbnailCell(Supplier<ImageDataset> split, ThumbnailCache cache) {
        this.split = split;
        this.cache = cache;
        view.setSmooth(false);
        view.setPreserveRatio(true);
        getStyleClass().add("thumbnail-cell");
    }

    @Override
    protected void updateItem(Integer index, boolean empty) {
        super.updateItem(index, empty);
        ImageDataset images = split.get();
        if (empty || index == null || images == null || index >= images.size()) {
            setGraphic(null);
            setTooltip(null);
            return;
        }
        view.setImage(cache.thumbnail(images, index));
        tooltip.setText(images.classNames().get(images.label(index)) + "\n" + images.source(index));
        setGraphic(view);
        setTooltip(tooltip);
    }
}
