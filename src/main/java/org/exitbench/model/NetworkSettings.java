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
 * <p>Measured on this kind of machine (docs/performance.md, shared/STACK.md): workspaces must stay enabled
 * (disabling them cuts inference to 0.2–0.5×); NHWC gives +20–30 % inference and nothing for training;
 * {@code CacheMode} is neutral once oneDNN is active; half precision is unusable, so the data type is fixed to
 * float32.
 *
 * @param dataFormat             layout of convolution activations (NCHW or NHWC); the network input follows it
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

    /** NCHW, workspaces on, no activation cache, Adam with learning rate 1e-3, no weight decay. */
    public static NetworkSettings defaults() {
        return new NetworkSettings(CNN2DFormat.NCHW, WorkspaceMode.ENABLED, WorkspaceMode.ENABLED, CacheMode.NONE,
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
    }
}
