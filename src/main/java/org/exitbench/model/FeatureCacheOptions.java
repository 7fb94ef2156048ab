package org.exitbench.model;

import java.util.Objects;

/**
 * How a feature cache is built.
 *
 * @param pooling   the fixed pooling at every exit
 * @param batchSize images per backbone forward pass; does not change the result
 * @param threads   compute threads for engines that take a number (ONNX Runtime); DL4J follows OMP_NUM_THREADS
 */
public record FeatureCacheOptions(FeaturePooling pooling, int batchSize, int threads) {

    public FeatureCacheOptions {
        Objects.requireNonNull(pooling, "pooling");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, was " + threads);
        }
    }

    /** Options with {@link #defaultThreads()}. */
    public FeatureCacheOptions(FeaturePooling pooling, int batchSize) {
        this(pooling, batchSize, defaultThreads());
    }

    /** Global average pooling, batches of {@value FeatureExtractor#DEFAULT_BATCH_SIZE}. */
    public static FeatureCacheOptions defaults() {
        return new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE);
    }

    /**
     * The thread count DL4J uses too, so both engines share a machine the same way: OMP_NUM_THREADS when set to a
     * positive number, else every available processor.
     */
    public static int defaultThreads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null) {
            try {
                int n = Integer.parseInt(omp.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // an unusable value falls back to the processor count, as OpenMP itself does
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
