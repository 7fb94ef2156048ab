package org.exitbench.model;

/**
 * What one exit of a feature cache offers a branch: the channels of the exit's feature map, the grid it was
 * pooled to (1 for a C-vector, k for a C×k×k map stored row-major), and the number of classes to predict.
 *
 * @param channels C, at least 1
 * @param grid     k, the side of the pooled map, at least 1
 * @param classes  the classes of the softmax, at least 2
 */
public record BranchInput(int channels, int grid, int classes) {

    public BranchInput {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, was " + channels);
        }
        if (grid < 1) {
            throw new IllegalArgumentException("grid must be at least 1, was " + grid);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, was " + classes);
        }
    }

    /** @return the input of the branch at exit {@code exit} of a feature cache */
    public static BranchInput of(FeatureCache cache, int exit) {
        return new BranchInput(cache.exitShapes().get(exit).channels(), cache.pooling().grid(), cache.numClasses());
    }

    /** @return the values the cache stores per sample: C·k² */
    public int featureDim() {
        return channels * grid * grid;
    }

    /** @return k², the number of spatial cells per channel */
    public int cells() {
        return grid * grid;
    }
}
