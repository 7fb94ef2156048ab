package org.exitbench.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Turns a trained network into an inference graph that computes the same function with less work, for frozen
 * backbones (feature extraction, exported cascades).
 *
 * <ul>
 *   <li><b>Batch-norm folding</b>: a batch-norm in inference mode is a per-channel affine map, so a convolution
 *       followed by it equals one convolution with scaled weights and a bias: with
 *       {@code s = gamma / sqrt(runningVar + eps)}, {@code W' = W·s} per output channel and
 *       {@code b' = (b - runningMean)·s + beta}. This is exact up to float rounding.</li>
 *   <li><b>Activation fusion</b>: an activation layer that follows such a convolution becomes the convolution's own
 *       activation, which DL4J applies in place instead of copying the activation first.</li>
 *   <li><b>NHWC layout</b> (optional): convolutions, batch-norms and pooling compute in NHWC, which oneDNN runs
 *       without reordering every activation on AVX-512 machines (docs/performance.md); the graph still takes
 *       NCHW input through an {@link NchwToNhwcPreProcessor}.</li>
 * </ul>
 *
 * <p>A chain {@code conv → batch-norm → activation} becomes one convolution that takes the name of the chain's last
 * vertex, so every vertex that read the chain's output still finds it under the same name. A vertex named in
 * {@code keep} (exit points, stage outputs, network outputs) is never merged into a later one, so its activation
 * stays available under its name; stage outputs (ReLU after the residual add) are never merged in any case.
 * Layout conversion is skipped, and the original layout kept, when the graph holds a layer whose behaviour
 * depends on layout in a way not handled here (anything but plain convolution, batch-norm, activation, 2-D
 * subsampling, global pooling, dense/output layers on pooled vectors and element-wise vertices).
 *
 * <p>The folded graph has no batch-norm, so it must not be trained; its workspace and cache settings follow the
 * original's.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /**
     * Folds a backbone for inference, keeping its exit points, stage outputs and output, in NHWC where possible.
     *
     * @return an initialised graph with the same inputs, outputs and kept vertex names as {@code backbone.graph()}
     */
    public static ComputationGraph fold(TrainedBackbone backbone) {
        Set<String> keep = new LinkedHashSet<>(backbone.exitPoints().vertices());
        ComputationGraphConfiguration conf = backbone.graph().getConfiguration();
        for (String stage : backbone.spec().stageVertices()) {
            if (conf.getVertices().containsKey(stage)) {
                keep.add(stage);
            }
        }
        return fold(backbone.graph(), backbone.inputType(), keep, CNN2DFormat.NHWC);
    }

    /**
     * Folds a network for inference.
     *
     * @param graph  an initialised network with one input
     * @param input  the type of its input
     * @param keep   vertices whose activations must stay available under their names (network outputs always
     *               are)
     * @param layout the layout the folded graph computes in; {@code NHWC} converts an NCHW graph where supported,
     *               {@code NCHW} keeps the graph's own layout
     * @return an initialised graph computing the same outputs
     */
    public static ComputationGraph fold(ComputationGraph graph, InputType input, Collection<String> keep,
                                        CNN2DFormat layout) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1) {
            throw new IllegalArgumentException("folding needs a graph with one input, this one has "
                    + conf.getNetworkInputs());
        }
        GraphTopology topology = new GraphTopology(conf);
        Set<String> kept = new LinkedHashSet<>(keep);
        kept.addAll(conf.getNetworkOutputs());
        for (String vertex : kept) {
            if (!topology.contains(vertex)) {
                throw new IllegalArgumentException("'" + vertex + "' is not a vertex of the graph");
            }
        }
        Map<String, List<String>> consumers = consumers(conf);
        boolean toNhwc = layout == CNN2DFormat.NHWC && convertibleToNhwc(conf, topology.activationTypes(input));

        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .trainingWorkspaceMode(conf.getTrainingWorkspaceMode())
                .inferenceWorkspaceMode(conf.getInferenceWorkspaceMode())
                .cacheMode(conf.getCacheMode());
        ComputationGraphConfiguration.GraphBuilder builder = global.graphBuilder()
                .addInputs(conf.getNetworkInputs())
                .setInputTypes(input);
        List<FoldedConvolution> folds = new ArrayList<>();
        Set<String> merged = new LinkedHashSet<>();
        for (String name : topology.order()) {
            if (topology.isNetworkInput(name) || merged.contains(name)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> inputs = topology.inputsOf(name);
            if (vertex instanceof LayerVertex lv && isPlainConvolution(lv.getLayerConf().getLayer())) {
                FoldedConvolution fold = chain(name, conf, consumers, kept);
                merged.addAll(fold.mergedVertices());
                ConvolutionLayer original = (ConvolutionLayer) lv.getLayerConf().getLayer();
                boolean nhwc = toNhwc || original.getCnn2dDataFormat() == CNN2DFormat.NHWC;
                // In NHWC, the convolution that skips DL4J's throw-away NCHW copy of its input.
                ConvolutionLayer layer = nhwc ? ChannelsLastConvolutionLayer.of(original) : original.clone();
                layer.setHasBias(true);
                layer.setActivationFn(fold.activation());
                InputPreProcessor pre = lv.getPreProcessor() == null ? null : lv.getPreProcessor().clone();
                if (toNhwc) {
                    layer.setCnn2dDataFormat(CNN2DFormat.NHWC);
                    if (pre == null && inputs.stream().anyMatch(topology::isNetworkInput)) {
                        pre = new NchwToNhwcPreProcessor();
                    }
                }
                builder.addLayer(fold.outputName(), layer, pre, inputs.toArray(String[]::new));
                folds.add(fold);
            } else if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer().clone();
                if (toNhwc) {
                    toNhwc(layer);
                }
                InputPreProcessor pre = lv.getPreProcessor() == null ? null : lv.getPreProcessor().clone();
                builder.addLayer(name, layer, pre, inputs.toArray(String[]::new));
            } else {
                builder.addVertex(name, vertex.clone(), inputs.toArray(String[]::new));
            }
        }
        builder.setOutputs(conf.getNetworkOutputs().toArray(String[]::new));

        ComputationGraph folded = new ComputationGraph(builder.build());
        folded.init();
        Set<String> foldedNames = new LinkedHashSet<>();
        for (FoldedConvolution fold : folds) {
            foldedNames.add(fold.outputName());
            fold.writeParameters(graph, folded);
        }
        for (org.deeplearning4j.nn.api.Layer layer : folded.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (!foldedNames.contains(name)) {
                for (Map.Entry<String, INDArray> param : graph.getLayer(name).paramTable().entrySet()) {
                    layer.setParam(param.getKey(), param.getValue());
                }
            }
        }
        return folded;
    }

    /** Whether a graph of these vertices can compute in NHWC with the conversions of {@link #toNhwc(Layer)}. */
    private static boolean convertibleToNhwc(ComputationGraphConfiguration conf, Map<String, InputType> types) {
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            GraphVertex vertex = entry.getValue();
            if (vertex instanceof ElementWiseVertex) {
                continue;
            }
            if (!(vertex instanceof LayerVertex lv)) {
                return false;
            }
            if (lv.getPreProcessor() != null && !(lv.getPreProcessor() instanceof NchwToNhwcPreProcessor)) {
                return false;
            }
            Layer layer = lv.getLayerConf().getLayer();
            boolean supported = isPlainConvolution(layer) || layer instanceof BatchNormalization
                    || layer instanceof ActivationLayer || layer.getClass() == SubsamplingLayer.class
                    || layer instanceof GlobalPoolingLayer
                    || layer instanceof DenseLayer || layer instanceof BaseOutputLayer;
            if (!supported) {
                return false;
            }
            // Dense and output layers must read vectors (after global pooling), never flattened feature maps.
            if ((layer instanceof DenseLayer || layer instanceof BaseOutputLayer)
                    && conf.getVertexInputs().get(entry.getKey()).stream()
                    .anyMatch(in -> types.get(in) == null || types.get(in).getType() != InputType.Type.FF)) {
                return false;
            }
        }
        return true;
    }

    private static void toNhwc(Layer layer) {
        if (layer instanceof BatchNormalization bn) {
            bn.setCnn2DFormat(CNN2DFormat.NHWC);
        } else if (layer instanceof SubsamplingLayer pool) {
            pool.setCnn2dDataFormat(CNN2DFormat.NHWC);
        } else if (layer instanceof GlobalPoolingLayer pool) {
            pool.setPoolingDimensions(new int[] {1, 2});
        } else if (isPlainConvolution(layer)) {
            ((ConvolutionLayer) layer).setCnn2dDataFormat(CNN2DFormat.NHWC);
        }
    }

    /**
     * A 2-D convolution of DL4J's own class or Exitbench's channels-last one; DL4J's subclasses (1-D, depthwise,
     * separable, …) differ in their weights.
     */
    private static boolean isPlainConvolution(Layer layer) {
        return layer.getClass() == ConvolutionLayer.class || layer.getClass() == ChannelsLastConvolutionLayer.class;
    }

    /**
     * Follows a convolution through the batch-norm and the activation layer it may feed, as far as the rules of
     * the class comment allow.
     */
    private static FoldedConvolution chain(String conv, ComputationGraphConfiguration conf,
                                           Map<String, List<String>> consumers, Set<String> kept) {
        ConvolutionLayer convLayer = (ConvolutionLayer) layerOf(conf, conv);
        boolean identity = convLayer.getActivationFn() == null || convLayer.getActivationFn() instanceof ActivationIdentity;
        String bn = null;
        String activation = null;
        IActivation function = identity ? new ActivationIdentity() : convLayer.getActivationFn();
        String last = conv;
        if (identity) {
            String next = soleConsumer(last, conf, consumers, kept);
            if (next != null && layerOf(conf, next) instanceof BatchNormalization) {
                bn = next;
                last = next;
                next = soleConsumer(last, conf, consumers, kept);
            }
            if (next != null && layerOf(conf, next) instanceof ActivationLayer act) {
                activation = next;
                last = next;
                function = act.getActivationFn();
            }
        }
        return new FoldedConvolution(conv, bn, activation, last, function);
    }

    /**
     * @return the only consumer of {@code vertex} when it is a layer without preprocessor fed by nothing else and
     *         {@code vertex} need not stay visible; otherwise null
     */
    private static String soleConsumer(String vertex, ComputationGraphConfiguration conf,
                                       Map<String, List<String>> consumers, Set<String> kept) {
        List<String> users = consumers.getOrDefault(vertex, List.of());
        if (kept.contains(vertex) || users.size() != 1) {
            return null;
        }
        String user = users.get(0);
        if (!(conf.getVertices().get(user) instanceof LayerVertex lv) || lv.getPreProcessor() != null
                || conf.getVertexInputs().get(user).size() != 1) {
            return null;
        }
        return user;
    }

    private static Layer layerOf(ComputationGraphConfiguration conf, String vertex) {
        return conf.getVertices().get(vertex) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    private static Map<String, List<String>> consumers(ComputationGraphConfiguration conf) {
        Map<String, List<String>> consumers = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : conf.getVertexInputs().entrySet()) {
            for (String input : entry.getValue()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(entry.getKey());
            }
        }
        return consumers;
    }

    /**
     * One convolution with the batch-norm and activation merged into it.
     *
     * @param conv            the convolution's vertex
     * @param batchNorm       the batch-norm folded into it, or null
     * @param activationLayer the activation layer fused into it, or null
     * @param outputName      the name of the chain's last vertex, which the merged layer takes
     * @param activation      the merged layer's activation function
     */
    private record FoldedConvolution(String conv, String batchNorm, String activationLayer, String outputName,
                                     IActivation activation) {

        List<String> mergedVertices() {
            List<String> names = new ArrayList<>(List.of(conv));
            if (batchNorm != null) {
                names.add(batchNorm);
            }
            if (activationLayer != null) {
                names.add(activationLayer);
            }
            return names;
        }

        /** Computes the folded weights and bias from the original graph and writes them into the folded one. */
        void writeParameters(ComputationGraph original, ComputationGraph folded) {
            org.deeplearning4j.nn.api.Layer convolution = original.getLayer(conv);
            INDArray weights = convolution.getParam(ConvolutionParamInitializer.WEIGHT_KEY).castTo(DataType.DOUBLE);
            long outChannels = weights.size(0);
            INDArray bias = convolution.paramTable().containsKey(ConvolutionParamInitializer.BIAS_KEY)
                    ? convolution.getParam(ConvolutionParamInitializer.BIAS_KEY).castTo(DataType.DOUBLE)
                    .reshape(outChannels)
                    : Nd4j.zeros(DataType.DOUBLE, outChannels);
            if (batchNorm != null) {
                org.deeplearning4j.nn.api.Layer norm = original.getLayer(batchNorm);
                BatchNormalization conf = (BatchNormalization) norm.conf().getLayer();
                INDArray mean = vector(norm, BatchNormalizationParamInitializer.GLOBAL_MEAN, outChannels);
                INDArray variance = norm.paramTable().containsKey(BatchNormalizationParamInitializer.GLOBAL_VAR)
                        ? vector(norm, BatchNormalizationParamInitializer.GLOBAL_VAR, outChannels)
                        // DL4J stores log10 of the standard deviation by default: variance = (10^v)^2.
                        : Transforms.exp(vector(norm, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, outChannels)
                        .muli(2 * Math.log(10)), false);
                INDArray gamma = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {outChannels}, conf.getGamma(),
                        DataType.DOUBLE) : vector(norm, BatchNormalizationParamInitializer.GAMMA, outChannels);
                INDArray beta = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {outChannels}, conf.getBeta(),
                        DataType.DOUBLE) : vector(norm, BatchNormalizationParamInitializer.BETA, outChannels);
                INDArray scale = gamma.div(Transforms.sqrt(variance.add(conf.getEps()), false));
                weights = weights.reshape(outChannels, weights.length() / outChannels).mulColumnVector(scale)
                        .reshape(weights.shape());
                bias = bias.sub(mean).muli(scale).addi(beta);
            }
            org.deeplearning4j.nn.api.Layer target = folded.getLayer(outputName);
            target.setParam(ConvolutionParamInitializer.WEIGHT_KEY, weights.castTo(DataType.FLOAT));
            target.setParam(ConvolutionParamInitializer.BIAS_KEY, bias.reshape(1, outChannels).castTo(DataType.FLOAT));
        }

        /** @return a copy of a parameter as a double vector */
        private static INDArray vector(org.deeplearning4j.nn.api.Layer layer, String key, long length) {
            return layer.getParam(key).castTo(DataType.DOUBLE).reshape(length).dup();
        }
    }
}
