package org.exitbench.data;

/**
 * Resizes C×H×W uint8 images with a triangle (bilinear) filter whose support widens when shrinking, so that a
 * downscaled image averages all the pixels it covers instead of aliasing. This is the filter of Pillow's
 * {@code BILINEAR} resize; done by hand on bytes to avoid Java2D's colour-space conversions of gray images.
 */
final class ImageResizer {

    private ImageResizer() {
    }

    /**
     * Resizes one image.
     *
     * @param src      source bytes, C×srcH×srcW starting at {@code srcOff}
     * @param dst      destination bytes, C×dstH×dstW written starting at {@code dstOff}
     */
    static void resize(byte[] src, int srcOff, int channels, int srcH, int srcW,
                       byte[] dst, int dstOff, int dstH, int dstW) {
        Kernel horizontal = Kernel.of(srcW, dstW);
        Kernel vertical = Kernel.of(srcH, dstH);
        float[] rows = new float[srcH * dstW];
        for (int ch = 0; ch < channels; ch++) {
            int srcPlane = srcOff + ch * srcH * srcW;
            for (int y = 0; y < srcH; y++) {
                for (int x = 0; x < dstW; x++) {
                    float sum = 0;
                    for (int k = 0, j = horizontal.first[x]; k < horizontal.weights[x].length; k++, j++) {
                        sum += horizontal.weights[x][k] * (src[srcPlane + y * srcW + j] & 0xFF);
                    }
                    rows[y * dstW + x] = sum;
                }
            }
            int dstPlane = dstOff + ch * dstH * dstW;
            for (int y = 0; y < dstH; y++) {
                for (int x = 0; x < dstW; x++) {
                    float sum = 0;
                    for (int k = 0, j = vertical.first[y]; k < vertical.weights[y].length; k++, j++) {
                        sum += vertical.weights[y][k] * rows[j * dstW + x];
                    }
                    dst[dstPlane + y * dstW + x] = (byte) Math.max(0, Math.min(255, Math.round(sum)));
                }
            }
        }
    }

    /** For each output coordinate, the first input coordinate it reads and the normalised weights. */
    private record Kernel(int[] first, float[][] weights) {

        static Kernel of(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(1.0, scale);
            int[] first = new int[out];
            float[][] weights = new float[out][];
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                // Never zero: the input pixel nearest the centre is always within the support.
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j + 0.5 - centre) / support);
                    w[j - lo] = Math.max(0.0, 1.0 - t);
                    total += w[j - lo];
                }
                first[i] = lo;
                weights[i] = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    weights[i][k] = (float) (w[k] / total);
                }
            }
            return new Kernel(first, weights);
        }
    }
}
