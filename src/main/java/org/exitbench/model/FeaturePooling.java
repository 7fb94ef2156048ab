package org.exitbench.model;

/**
 * The fixed, non-learned pooling that turns an exit's C×H×W feature map into a branch input: average pooling to
 * a {@code grid}×{@code grid} map, giving C·grid² values per image stored as C×grid×grid (row-major). Grid 1 is
 * global average pooling to a C-vector, the default (PAPER.md §2.4, reading (a), our reconstruction); 2 and 4 keep
 * some spatial layout for branches that want it.
 *
 * <p>Bins follow PyTorch's {@code adaptive_avg_pool2d}: bin {@code i} of {@code k} over a side of length
 * {@code n} covers {@code [floor(i·n/k), ceil((i+1)·n/k))}, so bins may overlap when {@code n} is not a multiple
 * of {@code k}, and a side shorter than {@code k} repeats values.
 *
 * @param grid the side of the pooled map, 1 to 8
 */
public record FeaturePooling(int grid) {

    /** Global average pooling to a C-vector. */
    public static final FeaturePooling GLOBAL_AVERAGE = new FeaturePooling(1);

    public FeaturePooling {
        if (grid < 1 || grid > 8) {
            throw new IllegalArgumentException("pooling grid must be 1 to 8, was " + grid);
        }
    }

    /** Adaptive average pooling to a {@code grid}×{@code grid} map. */
    public static FeaturePooling adaptiveAverage(int grid) {
        return new FeaturePooling(grid);
    }

    /** @return the number of values per image for a map with {@code channels} channels */
    public int featureDim(int channels) {
        return channels * grid * grid;
    }

    /** @return a short name: "global average" or "adaptive average 2×2" */
    public String describe() {
        return grid == 1 ? "global average" : "adaptive average " + grid + "×" + grid;
    }

    /**
     * Pools a batch of feature maps.
     *
     * @param maps     N×C×H×W values, row-major
     * @param n        images in the batch
     * @param channels C
     * @param height   H
     * @param width    W
     * @param dest     receives N × featureDim values, image {@code i} at {@code destOffset + i·featureDim}
     */
    public void pool(float[] maps, int n, int channels, int height, int width, float[] dest, long destOffset) {
        int[] rowStart = binStarts(height);
        int[] rowEnd = binEnds(height);
        int[] colStart = binStarts(width);
        int[] colEnd = binEnds(width);
        int plane = height * width;
        int out = (int) destOffset;
        for (int image = 0; image < n; image++) {
            for (int c = 0; c < channels; c++) {
                int base = (image * channels + c) * plane;
                for (int i = 0; i < grid; i++) {
                    for (int j = 0; j < grid; j++) {
                        double sum = 0;
                        for (int y = rowStart[i]; y < rowEnd[i]; y++) {
                            int row = base + y * width;
                            for (int x = colStart[j]; x < colEnd[j]; x++) {
                                sum += maps[row + x];
                            }
                        }
                        dest[out++] = (float) (sum / ((rowEnd[i] - rowStart[i]) * (colEnd[j] - colStart[j])));
                    }
                }
            }
        }
    }

    private int[] binStarts(int length) {
        int[] starts = new int[grid];
        for (int i = 0; i < grid; i++) {
            starts[i] = (int) Math.floor((double) i * length / grid);
        }
        return starts;
    }

    private int[] binEnds(int length) {
        int[] ends = new int[grid];
        for (int i = 0; i < grid; i++) {
            ends[i] = (int) Math.ceil((double) (i + 1) * length / grid);
        }
        return ends;
    }
}
