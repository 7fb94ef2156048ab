package org.exitbench.model;

import java.util.List;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * A backbone prepared to extract features: per image, the pooled map at each exit point, the logits and the
 * predicted class. Close it to free the engine's native resources.
 */
public interface BackboneFeatures extends AutoCloseable {

    /** @return the feature map and pooled size at each early exit */
    List<ExitFeatureShape> exitShapes();

    /** @return what the extracted logits are */
    LogitsKind logitsKind();

    /**
     * Extracts the features of every image of a split, in dataset order.
     *
     * @param progress receives ("Extracting features", images done, images in all) after each batch
     * @param cancel   polled before each batch
     * @throws IllegalArgumentException when the images do not fit the backbone
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    SplitFeatures extract(ImageDataset images, ProgressListener progress, CancellationToken cancel);

    @Override
    void close();
}
