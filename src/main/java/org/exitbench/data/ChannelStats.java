package org.exitbench.data;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of pixel values scaled to [0, 1], used to normalise network inputs.
 * Computed on the training split only, so that validation and test stay unseen.
 *
 * @param mean one value per channel
 * @param std  one value per channel, each positive
 */
public record ChannelStats(double[] mean, double[] std) {

    public ChannelStats {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have one value per channel");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, was " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Measures the statistics of a dataset in one pass (two sums per channel, in double precision). */
    public static ChannelStats of(ImageDataset data) {
        int c = data.channels();
        int plane = data.height() * data.width();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        byte[] image = new byte[data.imageBytes()];
        for (int i = 0; i < data.size(); i++) {
            data.copyImage(i, image, 0);
            for (int ch = 0; ch < c; ch++) {
                long s = 0;
                long s2 = 0;
                for (int p = ch * plane, end = p + plane; p < end; p++) {
                    int v = image[p] & 0xFF;
                    s += v;
                    s2 += (long) v * v;
                }
                sum[ch] += s;
                sumSq[ch] += s2;
            }
        }
        double count = (double) data.size() * plane;
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / count / 255.0;
            double var = sumSq[ch] / count / (255.0 * 255.0) - m * m;
            mean[ch] = m;
            // A constant channel (e.g. an all-black test fixture) would divide by zero; 1 leaves it centred.
            std[ch] = var > 1e-12 ? Math.sqrt(var) : 1.0;
        }
        return new ChannelStats(mean, std);
    }

    /** Statistics that leave values in [0, 1] unchanged (mean 0, std 1). */
    public static ChannelStats identity(int channels) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        Arrays.fill(ones, 1.0);
        return new ChannelStats(zeros, ones);
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** @return the normalised value of an unsigned byte pixel in the given channel */
    public float normalize(int channel, int pixel) {
        return (float) ((pixel / 255.0 - mean[channel]) / std[channel]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats other && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
