package org.exitbench.model;

import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * How DL4J runs Exitbench's networks: the one place for data layout, workspaces, caching and the updater, so
 * that performance tuning (issue 9) changes a single record. The oneDNN helpers themselves are switched on by
 * {@link Dl4jEngine#initialize()}, which every builder here calls.
 *
 * <p>The defaults are what measured fastest on CPU with oneDNN (docs/performance.md, issue 9):
 * <ul>
 *   <li>NHWC layout: oneDNN's AVX-512 convolutions and batch-norm work in NHWC, so NCHW costs a reorder of every
 *       activation before and after each convolution, and its NCHW batch-norm kernels are several times slower.
 *       The network input stays NCHW in either layout (ResNetGraphBuilder puts an {@link NchwToNhwcPreProcessor}
 *       in front), so the layout is invisible to callers.</li>
 *   <li>{@code CacheMode.DEVICE}: without an activation cache DL4J's convolution layers run their forward pass a
 *       second time during backpropagation.</li>
 *   <li>{@link LayerImplementation#CHANNELS_LAST}: batch statistics and their gradients as matrix–vector
 *       products ({@link ChannelsLastBatchNormalization}) instead of DL4J's per-channel reductions, and NHWC
 *       convolutions without DL4J's throw-away NCHW copy of their input ({@link ChannelsLastConvolutionLayer}).</li>
 *   <li>workspaces enabled (disabling them cuts inference to 0.2–0.5×); float32 (half precision is 70–240×
 *       slower on CPU with NaN losses).</li>
 * </ul>
 *
 * @param dataFormat             layout of convolution activations (NCHW or NHWC); the network input is NCHW in both
 * @param trainingWorkspaceMode  DL4J workspaces during fit
 * @param inferenceWorkspaceMode DL4J workspaces during output
 * @param cacheMode              DL4J's activation cache during training
 * @param updater                the optimiser, with its learning rate or schedule
 * @param weightDecay            decoupled weight decay coefficient (DL4J {@code weightDecay}); 0 for none
 * @param layers                 which convolution and batch-norm layer implementations the backbones get
 */
public record NetworkSettings(CNN2DFormat dataFormat, WorkspaceMode trainingWorkspaceMode,
                              WorkspaceMode inferenceWorkspaceMode, CacheMode cacheMode, IUpdater updater,
                              double weightDecay, LayerImplementation layers) {

    /** The convolution and batch-norm layers a backbone can be built with; both compute the same function. */
    public enum LayerImplementation {
        /** DL4J's own layers, with their oneDNN helpers. */
        DL4J,
        /**
         * {@link ChannelsLastConvolutionLayer} and {@link ChannelsLastBatchNormalization}: DL4J's layers with faster
         * paths for NHWC activations (and, for batch-norm, dense ones); in NCHW the convolution is DL4J's.
         */
        CHANNELS_LAST
    }

    /** @throws IllegalArgumentException naming the field whose value is out of range */
    public NetworkSettings {
        Objects.requireNonNull(dataFormat, "dataFormat is missing");
        Objects.requireNonNull(trainingWorkspaceMode, "trainingWorkspaceMode is missing");
        Objects.requireNonNull(inferenceWorkspaceMode, "inferenceWorkspaceMode is missing");
        Objects.requireNonNull(cacheMode, "cacheMode is missing");
        Objects.requireNonNull(updater, "updater is missing");
        Objects.requireNonNull(layers, "layers is missing");
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, was " + weightDecay);
        }
    }

    /**
     * NHWC, workspaces on, activation cache on, channels-last layers, Adam with learning rate 1e-3, no weight
     * decay.
     */
    public static NetworkSettings defaults() {
        return new NetworkSettings(CNN2DFormat.NHWC, WorkspaceMode.ENABLED, WorkspaceMode.ENABLED, CacheMode.DEVICE,
                new Adam(1e-3), 0.0, LayerImplementation.CHANNELS_LAST);
    }

    /** @return a builder holding the {@link #defaults()}, to change the settings by name */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** @return a builder holding these settings, to make a changed copy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters over every setting; {@link #build()} validates them together. */
    public static final class Builder {
        private CNN2DFormat dataFormat;
        private WorkspaceMode trainingWorkspaceMode;
        private WorkspaceMode inferenceWorkspaceMode;
        private CacheMode cacheMode;
        private IUpdater updater;
        private double weightDecay;
        private LayerImplementation layers;

        private Builder(NetworkSettings from) {
            dataFormat = from.dataFormat;
            trainingWorkspaceMode = from.trainingWorkspaceMode;
            inferenceWorkspaceMode = from.inferenceWorkspaceMode;
            cacheMode = from.cacheMode;
            updater = from.updater;
            weightDecay = from.weightDecay;
            layers = from.layers;
        }

        public Builder dataFormat(CNN2DFormat value) {
            dataFormat = value;
            return this;
        }

        public Builder trainingWorkspaceMode(WorkspaceMode value) {
            trainingWorkspaceMode = value;
            return this;
        }

        public Builder inferenceWorkspaceMode(WorkspaceMode value) {
            inferenceWorkspaceMode = value;
            return this;
        }

        public Builder cacheMode(CacheMode value) {
            cacheMode = value;
            return this;
        }

        public Builder updater(IUpdater value) {
            updater = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder layers(LayerImplementation value) {
            layers = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the field whose value is out of range */
        public NetworkSettings build() {
            return new NetworkSettings(dataFormat, trainingWorkspaceMode, inferenceWorkspaceMode, cacheMode,
                    updater, weightDecay, layers);
        }
    }

    /** @return a batch-norm layer configuration of the chosen implementation, in this layout */
    public BatchNormalization batchNormLayer() {
        return layers == LayerImplementation.CHANNELS_LAST ? ChannelsLastBatchNormalization.of(dataFormat)
                : new BatchNormalization.Builder().dataFormat(dataFormat).build();
    }

    /**
     * @param builder a convolution's settings; its data format is set to this layout
     * @return the convolution layer configuration of the chosen implementation
     */
    public ConvolutionLayer convolutionLayer(ConvolutionLayer.Builder builder) {
        builder.dataFormat(dataFormat);
        return layers == LayerImplementation.CHANNELS_LAST && dataFormat == CNN2DFormat.NHWC
                ? new ChannelsLastConvolutionLayer(builder) : builder.build();
    }

    /**
     * Starts a network configuration with these settings and the given seed; initialises the engine first.
     *
     * @param seed the seed of every weight initialisation, so the same seed builds the same network
     */
    public NeuralNetConfiguration.Builder newBuilder(long seed) {
        Dl4jEngine.initialize();
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater.clone())
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(trainingWorkspaceMode)
                .inferenceWorkspaceMode(inferenceWorkspaceMode)
                .cacheMode(cacheMode);
        if (weightDecay > 0) {
            builder.weightDecay(weightDecay);
        }
        return builder;
    }

    /**
     * Applies the run-time part of these settings (workspaces, cache mode) to a graph that was built or loaded
     * elsewhere, e.g. from a model zip saved with other settings. Layout and updater are part of the saved model
     * and stay as they are.
     */
    public void applyRuntime(ComputationGraph graph) {
        graph.getConfiguration().setTrainingWorkspaceMode(trainingWorkspaceMode);
        graph.getConfiguration().setInferenceWorkspaceMode(inferenceWorkspaceMode);
        graph.getConfiguration().setCacheMode(cacheMode);
        // Each layer keeps its own copy of the cache mode, read when it decides whether to cache.
        graph.setCacheMode(cacheMode);
    }
}
