package org.exitbench.deploy;

import org.deeplearning4j.nn.api.Layer;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exit branch's forward pass in plain Java, with the parameters of its DL4J network: one or two convolutions
 * (1-D or 2-D, same padding, stride 1) each with ReLU, the branch's pooling, and the dense softmax.
 *
 * <p>Why it exists: a branch costs a few thousand multiply-accumulates, but one DL4J {@code output} call at batch 1
 * costs a fixed overhead per layer (workspace set-up, shape checks, a native call each; about 0.1 ms per layer on
 * the development machine), so a four-vertex branch took as long as a third of a backbone stage and ate most of the
 * measured speedup of an early exit. Here it takes microseconds. {@link EarlyExitPredictor} checks at load time that
 * this kernel and the DL4J network agree (within {@link #AGREEMENT}) on probe inputs, so a branch this class would
 * compute differently is refused rather than silently mispredicted.
 *
 * <p>Sums are accumulated in double and the probabilities rounded to float, so results differ from DL4J's float
 * arithmetic by rounding only (about 1e-7). Instances are immutable apart from a scratch buffer, so, like the
 * predictor that owns them, they are not thread-safe.
 */
final class BranchKernel {

    /** Largest difference tolerated between this kernel's and DL4J's probabilities. */
    static final double AGREEMENT = 1e-5;

    private final BranchSpec spec;
    private final BranchInput input;
    private final int length;     // sequence length (1-D) or side (2-D)
    private final int positions;  // length, or side² for 2-D
    private final int filters;
    private final int kernel;
    /** Per convolution layer: its input channels (the first reads the features, a second the first's filters). */
    private final int[] inChannels;
    private final float[][] convWeights; // per layer, [filter][inChannel][tap (× tap for 2-D)], row-major
    private final float[][] convBias;
    private final int denseIn;
    private final int classes;
    private final float[] denseWeights; // [in][class], row-major
    private final float[] denseBias;
    private final double[] row;
    /** Per layer, its ReLU output [filter][position]; the last layer's is what the pooling reads. */
    private final double[][] activations;
    private final double[] pooled;
    private final double[] logits;

    /** Reads the parameters of a branch network, of one or two convolution layers. */
    BranchKernel(ExitBranch branch) {
        this.spec = branch.spec();
        this.input = branch.input();
        BranchType type = spec.type();
        this.length = switch (type) {
            case CONV1D_CHANNELS -> input.channels();
            case CONV1D_TOKENS -> input.cells();
            case CONV2D -> input.grid();
        };
        this.positions = type == BranchType.CONV2D ? length * length : length;
        this.filters = spec.filters();
        this.kernel = spec.kernel();
        int layers = spec.layers();
        int taps = type == BranchType.CONV2D ? kernel * kernel : kernel;
        this.inChannels = new int[layers];
        this.convWeights = new float[layers][];
        this.convBias = new float[layers][];
        this.activations = new double[layers][filters * positions];
        for (int l = 0; l < layers; l++) {
            inChannels[l] = l > 0 ? filters : type == BranchType.CONV1D_CHANNELS ? 1 : input.channels();
            Layer conv = branch.graph().getLayer(BranchSpec.convolutionName(l + 1));
            if (conv == null) {
                throw new IllegalArgumentException("the branch network of \"" + spec.describe() + "\" has no "
                        + "convolution " + BranchSpec.convolutionName(l + 1));
            }
            convWeights[l] = type == BranchType.CONV2D ? values(conv.getParam("W"))
                    : conv1dWeights(conv.getParam("W"), filters, inChannels[l], kernel);
            convBias[l] = values(conv.getParam("b"));
            if (convWeights[l].length != filters * inChannels[l] * taps || convBias[l].length != filters) {
                throw new IllegalArgumentException("the branch network's convolution "
                        + BranchSpec.convolutionName(l + 1) + " does not have the shape of \"" + spec.describe()
                        + "\" on " + input);
            }
        }
        Layer output = branch.graph().getLayer(BranchSpec.OUTPUT);
        INDArray w = output.getParam("W");
        this.denseIn = (int) w.size(0);
        this.classes = (int) w.size(1);
        this.denseWeights = values(w);
        this.denseBias = values(output.getParam("b"));
        int expectedIn = spec.pooling().isGlobal() ? filters : filters * (length / 2);
        if (denseIn != expectedIn || denseBias.length != classes || classes != input.classes()) {
            throw new IllegalArgumentException("the branch network's parameters do not have the shapes of \""
                    + spec.describe() + "\" on " + input);
        }
        this.row = new double[inputSize()];
        this.pooled = new double[denseIn];
        this.logits = new double[classes];
    }

    /** @return the number of values of one input row, as {@link ExitBranch#batch} lays them out */
    int inputSize() {
        return inChannels[0] * positions;
    }

    /** @return the number of classes */
    int classes() {
        return classes;
    }

    /**
     * Computes the softmax of one row.
     *
     * @param x   the branch's input row ({@link #inputSize()} values from {@code at}), as {@link ExitBranch#batch}
     *            lays it out
     * @param out receives {@link #classes()} probabilities from {@code outAt}
     */
    void probabilities(float[] x, int at, float[] out, int outAt) {
        for (int i = 0; i < row.length; i++) {
            row[i] = x[at + i];
        }
        double[] in = row;
        for (int l = 0; l < activations.length; l++) {
            if (spec.type() == BranchType.CONV2D) {
                convolve2d(l, in, activations[l]);
            } else {
                convolve1d(l, in, activations[l]);
            }
            in = activations[l];
        }
        pool(in);
        dense(out, outAt);
    }

    /** Layer l's Conv1D with same padding over [inChannels][length], then ReLU, into out[filter][position]. */
    private void convolve1d(int l, double[] x, double[] out) {
        int half = (kernel - 1) / 2;
        int channels = inChannels[l];
        float[] weights = convWeights[l];
        float[] bias = convBias[l];
        for (int f = 0; f < filters; f++) {
            for (int p = 0; p < length; p++) {
                double sum = bias[f];
                for (int c = 0; c < channels; c++) {
                    int rowAt = c * length;
                    int w = (f * channels + c) * kernel;
                    for (int t = 0; t < kernel; t++) {
                        int q = p + t - half;
                        if (q >= 0 && q < length) {
                            sum += (double) weights[w + t] * x[rowAt + q];
                        }
                    }
                }
                out[f * length + p] = Math.max(0.0, sum);
            }
        }
    }

    /** Layer l's Conv2D with same padding over [inChannels][side][side], then ReLU, into out[filter][y·side + x]. */
    private void convolve2d(int l, double[] x, double[] out) {
        int half = (kernel - 1) / 2;
        int side = length;
        int channels = inChannels[l];
        float[] weights = convWeights[l];
        float[] bias = convBias[l];
        for (int f = 0; f < filters; f++) {
            for (int py = 0; py < side; py++) {
                for (int px = 0; px < side; px++) {
                    double sum = bias[f];
                    for (int c = 0; c < channels; c++) {
                        int plane = c * side * side;
                        int w = (f * channels + c) * kernel * kernel;
                        for (int ty = 0; ty < kernel; ty++) {
                            int qy = py + ty - half;
                            if (qy < 0 || qy >= side) {
                                continue;
                            }
                            for (int tx = 0; tx < kernel; tx++) {
                                int qx = px + tx - half;
                                if (qx >= 0 && qx < side) {
                                    sum += (double) weights[w + ty * kernel + tx] * x[plane + qy * side + qx];
                                }
                            }
                        }
                    }
                    out[f * side * side + py * side + px] = Math.max(0.0, sum);
                }
            }
        }
    }

    /** The branch's pooling of the last convolution's output: global per filter, or windows of 2, stride 2. */
    private void pool(double[] activations) {
        BranchPooling pooling = spec.pooling();
        boolean max = pooling == BranchPooling.MAX_STRIDE_2 || pooling == BranchPooling.GLOBAL_MAX;
        if (pooling.isGlobal()) {
            for (int f = 0; f < filters; f++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
                for (int p = 0; p < positions; p++) {
                    double v = activations[f * positions + p];
                    acc = max ? Math.max(acc, v) : acc + v;
                }
                pooled[f] = max ? acc : acc / positions;
            }
            return;
        }
        int windows = length / 2;
        for (int f = 0; f < filters; f++) {
            for (int j = 0; j < windows; j++) {
                double a = activations[f * length + 2 * j];
                double b = activations[f * length + 2 * j + 1];
                pooled[f * windows + j] = max ? Math.max(a, b) : (a + b) / 2;
            }
        }
    }

    /** Dense layer and softmax. */
    private void dense(float[] out, int outAt) {
        double[] z = logits;
        double largest = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            double sum = denseBias[k];
            for (int i = 0; i < denseIn; i++) {
                sum += pooled[i] * denseWeights[i * classes + k];
            }
            z[k] = sum;
            largest = Math.max(largest, sum);
        }
        double total = 0;
        for (int k = 0; k < classes; k++) {
            z[k] = Math.exp(z[k] - largest);
            total += z[k];
        }
        for (int k = 0; k < classes; k++) {
            out[outAt + k] = (float) (z[k] / total);
        }
    }

    /**
     * The weights of a DL4J 1.0.0-M2.1 {@code Convolution1DLayer} as [filter][inChannel][tap]. Its parameter
     * {@code W} has the shape [filters, inChannels, kernel, 1], but the layer hands the buffer to the native conv1d
     * op reshaped (not permuted) to that op's [kernel, inChannels, filters] layout, so the weight of (filter, channel,
     * tap) is element {@code (tap · inChannels + channel) · filters + filter} of the row-major buffer. Reading the
     * array by its own indices gives another network (measured; the load-time agreement check guards it).
     */
    private static float[] conv1dWeights(INDArray w, int filters, int inChannels, int kernel) {
        float[] raw = values(w);
        float[] out = new float[raw.length];
        for (int f = 0; f < filters; f++) {
            for (int c = 0; c < inChannels; c++) {
                for (int t = 0; t < kernel; t++) {
                    out[(f * inChannels + c) * kernel + t] = raw[(t * inChannels + c) * filters + f];
                }
            }
        }
        return out;
    }

    /** A parameter's values in row-major order, whatever the array's own order. */
    private static float[] values(INDArray array) {
        return array.dup('c').data().asFloat();
    }
}
