package org.exitbench.model;

import java.util.Objects;

/**
 * How a feature cache is built.
 *
 * @param pooling   the fixed pooling at every exit
 * @param batchSize images per backbone forward pass; does not change the result
 */
public record FeatureCacheOptions(FeaturePooling pooling, int batchSize) {

    public FeatureCacheOptions {
        Objects.requireNonNull(pooling, "pooling");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
    }

    /** Global average pooling, batches of {@value FeatureExtractor#DEFAULT_BATCH_SIZE}. */
    public static FeatureCacheOptions defaults() {
        return new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE);
    }
}
