package org.exitbench.model;

import java.util.Locale;
import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The architecture of an exit branch, independent of where it attaches: its {@link BranchType}, its width (the
 * number of convolution filters, the "size" knob of branch-capacity sweeps), the convolution's kernel and the
 * pooling before the dense softmax. Together with a {@link BranchInput} and a seed it determines the network
 * exactly, and {@link #macs} counts its multiply-accumulates with {@link MacCounter}.
 *
 * <p>The layers (our reconstruction, PAPER §2.4; only "lightweight branches based on 1D convolutions" is stated):
 * <ul>
 *   <li>{@link BranchType#CONV1D_CHANNELS}: input 1 × C → Conv1D(filters, kernel, same padding, ReLU) → pooling
 *       (stride 2 then flattened, or global) → dense softmax;</li>
 *   <li>{@link BranchType#CONV1D_TOKENS}: input C × k² → Conv1D(filters, kernel, same padding, ReLU) → global
 *       pooling → dense softmax;</li>
 *   <li>{@link BranchType#CONV2D}: input C × k × k → Conv2D(filters, kernel × kernel, same padding, ReLU) →
 *       global pooling → dense softmax.</li>
 * </ul>
 *
 * <p>With {@code layers} = 2 a second convolution of the same kind (filters → filters, the same kernel, same
 * padding, ReLU) follows the first, before the pooling: the deeper branch of the capacity axis of report v2
 * (issue 17), whose cost grows with filters² where one layer's grows with filters.
 *
 * @param type    the family
 * @param filters output channels of each convolution, 1 to {@value #MAX_FILTERS}
 * @param kernel  the convolutions' kernel size (odd, 1 to {@value #MAX_KERNEL})
 * @param pooling the pooling after the convolutions; the token and 2-D branches pool globally
 * @param layers  convolution layers, 1 or {@value #MAX_LAYERS}; 0, what a document written before branches had
 *                layers reads as, means 1
 */
public record BranchSpec(BranchType type, int filters, int kernel, BranchPooling pooling, int layers) {

    /** The most filters a branch may have. */
    public static final int MAX_FILTERS = 1024;
    /** The largest kernel. */
    public static final int MAX_KERNEL = 9;
    /** The most convolution layers. */
    public static final int MAX_LAYERS = 2;
    /** The name of the branch network's input. */
    public static final String INPUT = "features";
    /** The name of the branch network's softmax output. */
    public static final String OUTPUT = "output";

    /** @throws IllegalArgumentException naming the field whose value is out of range */
    public BranchSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(pooling, "pooling");
        if (filters < 1 || filters > MAX_FILTERS) {
            throw new IllegalArgumentException("filters must be 1 to " + MAX_FILTERS + ", was " + filters);
        }
        if (kernel < 1 || kernel > MAX_KERNEL || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd, 1 to " + MAX_KERNEL + ", was " + kernel);
        }
        if (type != BranchType.CONV1D_CHANNELS && !pooling.isGlobal()) {
            throw new IllegalArgumentException("pooling must be global for a " + type.title() + " branch, was "
                    + pooling);
        }
        if (layers == 0) {
            layers = 1;
        }
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be 1 to " + MAX_LAYERS + ", was " + layers);
        }
    }

    /** A one-layer branch. */
    public BranchSpec(BranchType type, int filters, int kernel, BranchPooling pooling) {
        this(type, filters, kernel, pooling, 1);
    }

    /** @return this branch with {@code count} convolution layers */
    public BranchSpec withLayers(int count) {
        return new BranchSpec(type, filters, kernel, pooling, count);
    }

    /**
     * The default branch: reading (a), 16 filters, kernel 3, max pooling with stride 2; well under 1 % of the
     * MACs of a small ResNet's stage.
     */
    public static BranchSpec defaults() {
        return of(BranchType.CONV1D_CHANNELS, 16, 3);
    }

    /** A branch of the given type with that type's default pooling. */
    public static BranchSpec of(BranchType type, int filters, int kernel) {
        return new BranchSpec(type, filters, kernel, BranchPooling.defaultFor(type));
    }

    /**
     * Checks that this branch can read the given input.
     *
     * @throws IllegalArgumentException saying what the input lacks
     */
    public void checkFits(BranchInput input) {
        if (type.needsSpatialMap() && input.grid() < 2) {
            throw new IllegalArgumentException("a " + type.title() + " branch needs features pooled to a k×k map "
                    + "(pooling grid 2 or more); the features are pooled to a " + input.grid() + "×" + input.grid()
                    + " map");
        }
        int length = sequenceLength(input);
        if (type != BranchType.CONV2D && kernel > length) {
            throw new IllegalArgumentException("kernel " + kernel + " is longer than the branch's input sequence ("
                    + length + ")");
        }
        if (!pooling.isGlobal() && length < 2) {
            throw new IllegalArgumentException("stride-2 pooling needs a sequence of at least 2, the input has "
                    + length);
        }
    }

    /** @return the network's input type for this input; the data layout {@link ExitBranch} feeds */
    public InputType inputType(BranchInput input) {
        return switch (type) {
            case CONV1D_CHANNELS -> InputType.recurrent(1, input.channels(), RNNFormat.NCW);
            case CONV1D_TOKENS -> InputType.recurrent(input.channels(), input.cells(), RNNFormat.NCW);
            case CONV2D -> InputType.convolutional(input.grid(), input.grid(), input.channels(), CNN2DFormat.NCHW);
        };
    }

    /** @return the shape of a batch of {@code n} inputs, as {@link #inputType} describes it */
    long[] batchShape(BranchInput input, int n) {
        return switch (type) {
            case CONV1D_CHANNELS -> new long[] {n, 1, input.channels()};
            case CONV1D_TOKENS -> new long[] {n, input.channels(), input.cells()};
            case CONV2D -> new long[] {n, input.channels(), input.grid(), input.grid()};
        };
    }

    /**
     * @param layer 1 for the first convolution, 2 for the second
     * @return the name of that convolution's vertex: "conv" (the name one-layer branches always had), "conv2"
     */
    public static String convolutionName(int layer) {
        return layer == 1 ? "conv" : "conv" + layer;
    }

    /** @return the floats of the largest activation per input row: a convolution's output */
    long activationsPerRow(BranchInput input) {
        long positions = type == BranchType.CONV2D ? (long) input.grid() * input.grid() : sequenceLength(input);
        return positions * filters;
    }

    private int sequenceLength(BranchInput input) {
        return type == BranchType.CONV1D_TOKENS ? input.cells() : input.channels();
    }

    /**
     * Builds the configuration with a softmax output trained with cross-entropy.
     *
     * @param seed the seed of the weight initialisation
     */
    public ComputationGraphConfiguration configuration(BranchInput input, long seed, NetworkSettings settings) {
        return configuration(input, seed, settings, new LossMCXENT());
    }

    /**
     * Builds the configuration.
     *
     * @param seed the seed of the weight initialisation
     * @param loss the loss of the softmax output layer (cross-entropy, or a distillation loss)
     * @throws IllegalArgumentException when the branch cannot read the input
     */
    public ComputationGraphConfiguration configuration(BranchInput input, long seed, NetworkSettings settings,
                                                       ILossFunction loss) {
        checkFits(input);
        ComputationGraphConfiguration.GraphBuilder graph = settings.newBuilder(seed)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(inputType(input));
        String conv = INPUT;
        for (int layer = 1; layer <= layers; layer++) {
            String in = conv;
            conv = convolutionName(layer);
            if (type == BranchType.CONV2D) {
                graph.addLayer(conv, new ConvolutionLayer.Builder(kernel, kernel)
                        .nOut(filters)
                        .convolutionMode(ConvolutionMode.Same)
                        .dataFormat(CNN2DFormat.NCHW)
                        .activation(Activation.RELU)
                        .weightInit(WeightInit.RELU)
                        .build(), in);
            } else {
                graph.addLayer(conv, new Convolution1DLayer.Builder(kernel)
                        .nOut(filters)
                        .convolutionMode(ConvolutionMode.Same)
                        .rnnDataFormat(RNNFormat.NCW)
                        .activation(Activation.RELU)
                        .weightInit(WeightInit.RELU)
                        .build(), in);
            }
        }
        String pooled = "pool";
        if (pooling.isGlobal()) {
            graph.addLayer(pooled, new GlobalPoolingLayer.Builder(pooling.poolingType()).build(), conv);
        } else {
            // DL4J's own layer would hand this pooling to a slow oneDNN reference kernel (PairPooling1DLayer).
            graph.addLayer("pool_window", PairPooling1DLayer.of(
                    new Subsampling1DLayer.Builder(pooling.subsamplingType(), 2, 2).build()), conv);
            // Flatten [N, filters, L/2] to [N, filters·L/2]: a dense layer after a sequence would otherwise be
            // applied per position (DL4J's RnnToFeedForward pre-processor).
            graph.addVertex(pooled, new ReshapeVertex(-1, filters * (sequenceLength(input) / 2)),
                    "pool_window");
        }
        graph.addLayer(OUTPUT, new OutputLayer.Builder(loss)
                .nOut(input.classes())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build(), pooled);
        graph.setOutputs(OUTPUT);
        return graph.build();
    }

    /** @return the exact multiply-accumulates of one forward pass of this branch on the given input */
    public long macs(BranchInput input) {
        return MacCounter.count(configuration(input, 0L, NetworkSettings.defaults()), inputType(input)).total();
    }

    /**
     * @return a one-line description without costs, e.g. "1-D conv over the channel vector, 16 filters, kernel 3,
     *         max-stride-2"
     */
    public String describe() {
        return type.title() + ", " + (layers > 1 ? layers + " layers of " : "") + filters + " filters, kernel "
                + kernel + ", " + pooling.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Describes the branch with its cost relative to the backbone segment it follows, e.g. "1-D conv over the
     * channel vector, 8 filters, kernel 3, max-stride-2: 2,048 MACs, 0.21 % of segment stage1 (983,040 MACs)".
     *
     * @param segmentMacs  the MACs of the backbone segment ending at this exit (from the previous exit, or the
     *                     input, to this one)
     * @param segmentLabel the segment's name, e.g. its exit vertex
     */
    public String describe(BranchInput input, long segmentMacs, String segmentLabel) {
        long macs = macs(input);
        return String.format(Locale.ROOT, "%s: %,d MACs, %.2f %% of segment %s (%,d MACs)", describe(), macs,
                segmentMacs > 0 ? 100.0 * macs / segmentMacs : Double.NaN, segmentLabel, segmentMacs);
    }
}
