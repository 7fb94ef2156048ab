package org.exitbench.model;

import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
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
 */
public record NetworkSettings(CNN2DFormat dataFormat, WorkspaceMode trainingWorkspaceMode,
                              WorkspaceMode inferenceWorkspaceMode, CacheMode cacheMode, IUpdater updater,
                              double weightDecay) {

    public NetworkSettings {
        Objects.requireNonNull(dataFormat, "dataFormat");
        Objects.requireNonNull(trainingWorkspaceMode, "trainingWorkspaceMode");
        Objects.requireNonNull(inferenceWorkspaceMode, "inferenceWorkspaceMode");
        Objects.requireNonNull(cacheMode, "cacheMode");
        Objects.requireNonNull(updater, "updater");
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, was " + weightDecay);
        }
    }

    /** NHWC, workspaces on, activation cache on, Adam with learning rate 1e-3, no weight decay. */
    public static NetworkSettings defaults() {
        return new NetworkSettings(CNN2DFormat.NHWC, WorkspaceMode.ENABLED, WorkspaceMode.ENABLED, CacheMode.DEVICE,
                new Adam(1e-3), 0.0);
    }

    public NetworkSettings withUpdater(IUpdater newUpdater) {
        return new NetworkSettings(dataFormat, trainingWorkspaceMode, inferenceWorkspaceMode, cacheMode, newUpdater,
                weightDecay);
    }

    public NetworkSettings withWeightDecay(double newWeightDecay) {
        return new NetworkSettings(dataFormat, trainingWorkspaceMode, inferenceWorkspaceMode, cacheMode, updater,
                newWeightDecay);
    }

    public NetworkSettings withDataFormat(CNN2DFormat newDataFormat) {
        return new NetworkSettings(newDataFormat, trainingWorkspaceMode, inferenceWorkspaceMode, cacheMode, updater,
                weightDecay);
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
