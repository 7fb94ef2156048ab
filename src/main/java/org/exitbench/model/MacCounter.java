package org.exitbench.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Counts multiply-accumulates exactly from a graph's configuration and input shape: for each convolution,
 * output positions × output channels × kernel area × input channels (per group where a layer is depthwise or
 * separable); for each dense or output layer, inputs × outputs (per time step for sequences). Batch-norm,
 * activations, element-wise vertices and pooling count 0, as in PAPER.md §6; any other layer that has parameters
 * is refused rather than guessed.
 */
public final class MacCounter {

    private MacCounter() {
    }

    /**
     * Counts a backbone at its spec's input size without initialising any parameters.
     *
     * @throws IllegalStateException for an external spec, which cannot be rebuilt
     */
    public static MacTable count(BackboneSpec spec, ExitPoints exits) {
        // Built backbones take NCHW input whatever their layout inside (ResNetGraphBuilder).
        return count(spec.configuration(0L, NetworkSettings.defaults()), exits, spec.inputType(CNN2DFormat.NCHW));
    }

    /**
     * Counts a graph with cumulative figures at the given exit points (and the whole network as the last exit).
     *
     * @param conf   the graph's configuration
     * @param exits  the early exits, validated against the graph
     * @param inputs the type of each network input
     */
    public static MacTable count(ComputationGraphConfiguration conf, ExitPoints exits, InputType... inputs) {
        exits.validate(conf, inputs[0]);
        return count(conf, exits.vertices(), inputs);
    }

    /** Counts any graph (e.g. a branch head) with only the whole network as exit. */
    public static MacTable count(ComputationGraphConfiguration conf, InputType... inputs) {
        return count(conf, List.of(), inputs);
    }

    /** @return the MACs of a whole graph, e.g. a branch head given its feature input type */
    public static long totalMacs(ComputationGraph graph, InputType... inputs) {
        return count(graph.getConfiguration(), inputs).total();
    }

    private static MacTable count(ComputationGraphConfiguration original, List<String> exitVertices,
                                  InputType... inputs) {
        GraphTopology topology = new GraphTopology(original);
        Map<String, InputType> types = topology.activationTypes(inputs);
        ComputationGraphConfiguration conf = topology.configuration();
        List<MacTable.LayerMacs> layers = new ArrayList<>();
        HashMap<String, Long> macsByVertex = new HashMap<>();
        long total = 0;
        for (String name : topology.order()) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (!(vertex instanceof LayerVertex layerVertex)) {
                continue;
            }
            InputType in = types.get(topology.inputsOf(name).get(0));
            InputPreProcessor preProcessor = layerVertex.getPreProcessor();
            if (preProcessor != null) {
                in = preProcessor.getOutputType(in);
            }
            InputType out = types.get(name);
            Layer layer = layerVertex.getLayerConf().getLayer();
            long macs = layerMacs(name, layer, layerVertex.numParams(false), in, out);
            layers.add(new MacTable.LayerMacs(name, layer.getClass().getSimpleName(), shape(out), macs));
            macsByVertex.put(name, macs);
            total += macs;
        }
        List<MacTable.ExitMacs> exits = new ArrayList<>();
        for (String exit : exitVertices) {
            long cumulative = 0;
            Set<String> needed = topology.ancestorsAndSelf(exit);
            for (String v : needed) {
                cumulative += macsByVertex.getOrDefault(v, 0L);
            }
            exits.add(new MacTable.ExitMacs(exit, exit, cumulative, total == 0 ? 0 : (double) cumulative / total));
        }
        exits.add(new MacTable.ExitMacs(ExitPoints.FINAL, String.join(",", conf.getNetworkOutputs()), total,
                total == 0 ? 0 : 1.0));
        return new MacTable(layers, exits, total);
    }

    private static long layerMacs(String name, Layer layer, long params, InputType in, InputType out) {
        if (layer instanceof Convolution1DLayer conv) {
            InputType.InputTypeRecurrent o = (InputType.InputTypeRecurrent) out;
            requireKnownLength(name, o.getTimeSeriesLength());
            return o.getTimeSeriesLength() * conv.getNOut() * conv.getKernelSize()[0] * conv.getNIn();
        }
        if (layer instanceof DepthwiseConvolution2D conv) {
            InputType.InputTypeConvolutional o = (InputType.InputTypeConvolutional) out;
            return o.getHeight() * o.getWidth() * conv.getNOut() * kernelArea(conv);
        }
        if (layer instanceof SeparableConvolution2D conv) {
            InputType.InputTypeConvolutional o = (InputType.InputTypeConvolutional) out;
            long depthwiseChannels = conv.getNIn() * conv.getDepthMultiplier();
            return o.getHeight() * o.getWidth()
                    * (depthwiseChannels * kernelArea(conv) + depthwiseChannels * conv.getNOut());
        }
        if (layer instanceof Deconvolution2D conv) {
            InputType.InputTypeConvolutional i = (InputType.InputTypeConvolutional) in;
            return i.getHeight() * i.getWidth() * conv.getNIn() * conv.getNOut() * kernelArea(conv);
        }
        if (layer.getClass() == ConvolutionLayer.class || layer instanceof ChannelsLastConvolutionLayer) {
            ConvolutionLayer conv = (ConvolutionLayer) layer;
            InputType.InputTypeConvolutional o = (InputType.InputTypeConvolutional) out;
            return o.getHeight() * o.getWidth() * conv.getNOut() * kernelArea(conv) * conv.getNIn();
        }
        if (layer instanceof DenseLayer || (layer instanceof BaseOutputLayer && params > 0)) {
            FeedForwardLayer dense = (FeedForwardLayer) layer;
            long steps = 1;
            if (in instanceof InputType.InputTypeRecurrent r) {
                requireKnownLength(name, r.getTimeSeriesLength());
                steps = r.getTimeSeriesLength();
            }
            return steps * dense.getNIn() * dense.getNOut();
        }
        if (params == 0 || layer instanceof BatchNormalization) {
            return 0;
        }
        throw new IllegalArgumentException("cannot count the MACs of layer '" + name + "' ("
                + layer.getClass().getSimpleName() + ", " + params + " parameters); only convolution, dense and "
                + "parameter-free layers are supported");
    }

    private static long kernelArea(ConvolutionLayer conv) {
        return (long) conv.getKernelSize()[0] * conv.getKernelSize()[1];
    }

    private static void requireKnownLength(String name, long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("cannot count the MACs of layer '" + name
                    + "': its sequence length is unknown; give the input type with a length");
        }
    }

    private static String shape(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return c.getChannels() + "×" + c.getHeight() + "×" + c.getWidth();
        }
        if (type instanceof InputType.InputTypeRecurrent r) {
            return r.getSize() + "×" + r.getTimeSeriesLength();
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return String.valueOf(f.getSize());
        }
        return String.valueOf(type);
    }
}
