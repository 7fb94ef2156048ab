package org.exitbench.deploy.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.exitbench.model.ChannelsLastConvolutionLayer;
import org.exitbench.model.NchwToNhwcPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a DL4J network of the kinds Exitbench builds (its ResNets, folded or not, and their segments) as ONNX
 * nodes: 2-D convolution with bias and ReLU (or sigmoid, tanh), batch-norm (as the per-channel affine map it is at inference), ReLU,
 * softmax, element-wise add, 2-D max/average pooling without padding, global pooling, dense and softmax output
 * layers. Anything else is refused, naming the vertex, rather than written approximately.
 *
 * <p>Layout: ONNX convolutions are NCHW, so the ONNX graph computes in NCHW whatever layout the DL4J network
 * computes in (Exitbench's backbones run NHWC inside). DL4J 1.0.0-M2.1 keeps convolution weights as
 * [out, in, kH, kW] in both layouts and converts NHWC activations around its kernels, so the weights are written
 * as they are and the layout pre-processors ({@link NchwToNhwcPreProcessor}) become nothing. A map a segment hands
 * on is therefore NCHW in ONNX even where the DL4J segment hands it on in NHWC.
 */
final class Dl4jOnnxWriter {

    private Dl4jOnnxWriter() {
    }

    /**
     * What writing produced.
     *
     * @param output        the tensor holding the network's output
     * @param vertexTensors per DL4J vertex written, the ONNX tensor holding its activation (in NCHW for maps)
     * @param types         per vertex, its DL4J activation type (layout included), the network input's too
     */
    record Written(String output, Map<String, String> vertexTensors, Map<String, InputType> types) {
    }

    /**
     * A whole network (one input, one output) as a standalone model.
     *
     * @param inputType  the network's input type, in the layout it was built with
     * @param inputName  the model input's name
     * @param outputName the model output's name
     * @return the model and the tensor of every vertex
     */
    static Map.Entry<Onnx.ModelProto, Written> model(ComputationGraph graph, InputType inputType, String inputName,
                                                     String outputName, String docString) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(docString);
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
        g.input(inputName, Onnx.TensorProto.DataType.FLOAT, "batch", in.getChannels(), in.getHeight(),
                in.getWidth());
        Written written = write(g, graph, inputType, inputName);
        g.add("Identity", List.of(written.output()), List.of(g.reserve(outputName)));
        g.output(outputName, Onnx.TensorProto.DataType.FLOAT, shape(written.types().get(outputVertex(graph))));
        return Map.entry(g.model(docString), written);
    }

    /** @return the dimensions of an activation in ONNX's layout, batch symbolic */
    static Object[] shape(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return new Object[] {"batch", c.getChannels(), c.getHeight(), c.getWidth()};
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return new Object[] {"batch", f.getSize()};
        }
        throw new IllegalArgumentException("no ONNX shape for activations of type " + type);
    }

    static String outputVertex(ComputationGraph graph) {
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (outputs.size() != 1 || graph.getConfiguration().getNetworkInputs().size() != 1) {
            throw new IllegalArgumentException("only networks with one input and one output are written to ONNX, "
                    + "this one has inputs " + graph.getConfiguration().getNetworkInputs() + " and outputs "
                    + outputs);
        }
        return outputs.get(0);
    }

    /**
     * Writes a network's vertices into a graph.
     *
     * @param input the tensor holding the network's input (NCHW)
     */
    static Written write(OnnxGraphBuilder g, ComputationGraph graph, InputType inputType, String input) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        String outputVertex = outputVertex(graph);
        String networkInput = conf.getNetworkInputs().get(0);
        Map<String, InputType> types = new LinkedHashMap<>(conf.clone().getLayerActivationTypes(true, inputType));
        types.put(networkInput, inputType);
        Map<String, String> tensors = new LinkedHashMap<>();
        tensors.put(networkInput, input);
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (name.equals(networkInput)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> inputs = new ArrayList<>();
            for (String from : conf.getVertexInputs().get(name)) {
                inputs.add(tensors.get(from));
            }
            InputType inType = types.get(conf.getVertexInputs().get(name).get(0));
            String out;
            try {
                if (vertex instanceof LayerVertex lv) {
                    if (lv.getPreProcessor() != null && !(lv.getPreProcessor() instanceof NchwToNhwcPreProcessor)) {
                        throw unsupported("its input pre-processor " + lv.getPreProcessor().getClass().getSimpleName());
                    }
                    out = layer(g, graph, name, lv.getLayerConf().getLayer(), inputs.get(0), inType);
                } else if (vertex instanceof ElementWiseVertex ew) {
                    out = elementWise(g, name, ew, inputs);
                } else {
                    throw unsupported("its kind " + vertex.getClass().getSimpleName());
                }
            } catch (UnsupportedOperationException e) {
                throw new UnsupportedOperationException("cannot write vertex '" + name + "' to ONNX: "
                        + e.getMessage(), e);
            }
            tensors.put(name, out);
        }
        return new Written(tensors.get(outputVertex), tensors, types);
    }

    private static String layer(OnnxGraphBuilder g, ComputationGraph graph, String name, Layer layer, String in,
                                InputType inType) {
        org.deeplearning4j.nn.api.Layer trained = graph.getLayer(name);
        if (layer.getClass() == ConvolutionLayer.class || layer.getClass() == ChannelsLastConvolutionLayer.class) {
            return convolution(g, name, (ConvolutionLayer) layer, trained, in, (InputType.InputTypeConvolutional) inType);
        }
        if (layer instanceof BatchNormalization bn) {
            return batchNorm(g, name, bn, trained, in, inType);
        }
        if (layer instanceof ActivationLayer act) {
            return activation(g, name, act.getActivationFn(), in);
        }
        if (layer.getClass() == SubsamplingLayer.class) {
            return pooling(g, name, (SubsamplingLayer) layer, in);
        }
        if (layer instanceof GlobalPoolingLayer pool) {
            if (!(inType instanceof InputType.InputTypeConvolutional) || !pool.isCollapseDimensions()) {
                throw unsupported("global pooling is written for 2-D maps collapsed to vectors only");
            }
            String op = switch (pool.getPoolingType()) {
                case AVG -> "GlobalAveragePool";
                case MAX -> "GlobalMaxPool";
                default -> throw unsupported("global " + pool.getPoolingType() + " pooling");
            };
            String pooled = g.node(op, name + "_4d", List.of(in));
            return g.node("Flatten", name, List.of(pooled), OnnxGraphBuilder.integer("axis", 1));
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            if (!(inType instanceof InputType.InputTypeFeedForward)) {
                throw unsupported("a dense layer is written only on vectors (after global pooling), it reads "
                        + inType);
            }
            return dense(g, name, (FeedForwardLayer) layer, trained, in);
        }
        throw unsupported("its layer type " + layer.getClass().getSimpleName());
    }

    private static String convolution(OnnxGraphBuilder g, String name, ConvolutionLayer conv,
                                      org.deeplearning4j.nn.api.Layer trained, String in,
                                      InputType.InputTypeConvolutional inType) {
        INDArray w = trained.getParam("W");
        long[] shape = w.shape();
        if (shape.length != 4 || shape[0] != conv.getNOut() || shape[1] != conv.getNIn()) {
            throw unsupported("its weights have shape " + java.util.Arrays.toString(shape) + ", expected [out "
                    + conv.getNOut() + ", in " + conv.getNIn() + ", kH, kW]");
        }
        int[] k = conv.getKernelSize();
        int[] s = conv.getStride();
        int[] d = conv.getDilation();
        long[] pads;
        if (conv.getConvolutionMode() == ConvolutionMode.Same) {
            pads = new long[4];
            long[] sizes = {inType.getHeight(), inType.getWidth()};
            for (int i = 0; i < 2; i++) {
                long out = (sizes[i] + s[i] - 1) / s[i];
                long total = Math.max((out - 1) * s[i] + (long) (k[i] - 1) * d[i] + 1 - sizes[i], 0);
                pads[i] = total / 2;
                pads[i + 2] = total - total / 2;
            }
        } else if (conv.getConvolutionMode() == ConvolutionMode.Truncate
                || conv.getConvolutionMode() == ConvolutionMode.Strict) {
            int[] p = conv.getPadding();
            pads = new long[] {p[0], p[1], p[0], p[1]};
        } else {
            throw unsupported("convolution mode " + conv.getConvolutionMode());
        }
        List<String> inputs = OnnxGraphBuilder.list(in, g.floats(name + ".W", floats(w), shape));
        if (conv.hasBias()) {
            inputs.add(g.floats(name + ".b", floats(trained.getParam("b")), conv.getNOut()));
        }
        String out = g.node("Conv", conv.getActivationFn() instanceof ActivationIdentity ? name : name + "_conv",
                inputs, OnnxGraphBuilder.ints("kernel_shape", k[0], k[1]), OnnxGraphBuilder.ints("strides", s[0], s[1]),
                OnnxGraphBuilder.ints("dilations", d[0], d[1]), OnnxGraphBuilder.ints("pads", pads));
        return activation(g, name, conv.getActivationFn(), out);
    }

    private static String batchNorm(OnnxGraphBuilder g, String name, BatchNormalization bn,
                                    org.deeplearning4j.nn.api.Layer trained, String in, InputType inType) {
        if (!(inType instanceof InputType.InputTypeConvolutional c)) {
            throw unsupported("batch-norm is written for 2-D maps only");
        }
        int channels = (int) c.getChannels();
        double[] mean = doubles(trained.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        double[] variance;
        if (trained.paramTable().containsKey(BatchNormalizationParamInitializer.GLOBAL_VAR)) {
            variance = doubles(trained.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
        } else {
            // DL4J stores log10 of the standard deviation by default: variance = (10^v)^2.
            double[] logStd = doubles(trained.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
            variance = new double[channels];
            for (int i = 0; i < channels; i++) {
                variance[i] = Math.pow(10, 2 * logStd[i]);
            }
        }
        double[] gamma = bn.isLockGammaBeta() ? filled(channels, bn.getGamma())
                : doubles(trained.getParam(BatchNormalizationParamInitializer.GAMMA));
        double[] beta = bn.isLockGammaBeta() ? filled(channels, bn.getBeta())
                : doubles(trained.getParam(BatchNormalizationParamInitializer.BETA));
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int i = 0; i < channels; i++) {
            double s = gamma[i] / Math.sqrt(variance[i] + bn.getEps());
            scale[i] = (float) s;
            shift[i] = (float) (beta[i] - mean[i] * s);
        }
        String scaled = g.node("Mul", name + "_scaled", List.of(in, g.floats(name + ".scale", scale, 1, channels,
                1, 1)));
        String out = g.node("Add", bn.getActivationFn() instanceof ActivationIdentity ? name : name + "_bn",
                List.of(scaled, g.floats(name + ".shift", shift, 1, channels, 1, 1)));
        return activation(g, name, bn.getActivationFn(), out);
    }

    private static String pooling(OnnxGraphBuilder g, String name, SubsamplingLayer pool, String in) {
        int[] p = pool.getPadding();
        if (p[0] != 0 || p[1] != 0 || pool.getConvolutionMode() == ConvolutionMode.Same) {
            throw unsupported("padded pooling");
        }
        String op = switch (pool.getPoolingType()) {
            case MAX -> "MaxPool";
            case AVG -> "AveragePool";
            default -> throw unsupported(pool.getPoolingType() + " pooling");
        };
        int[] k = pool.getKernelSize();
        int[] s = pool.getStride();
        return g.node(op, name, List.of(in), OnnxGraphBuilder.ints("kernel_shape", k[0], k[1]),
                OnnxGraphBuilder.ints("strides", s[0], s[1]));
    }

    private static String dense(OnnxGraphBuilder g, String name, FeedForwardLayer layer,
                                org.deeplearning4j.nn.api.Layer trained, String in) {
        INDArray w = trained.getParam("W");
        List<String> inputs = OnnxGraphBuilder.list(in, g.floats(name + ".W", floats(w), w.size(0), w.size(1)));
        if (trained.paramTable().containsKey("b")) {
            inputs.add(g.floats(name + ".b", floats(trained.getParam("b")), w.size(1)));
        }
        IActivation fn = layer.getActivationFn();
        String out = g.node("Gemm", fn instanceof ActivationIdentity ? name : name + "_logits", inputs);
        return activation(g, name, fn, out);
    }

    private static String activation(OnnxGraphBuilder g, String name, IActivation fn, String in) {
        if (fn == null || fn instanceof ActivationIdentity) {
            return in;
        }
        if (fn instanceof ActivationReLU relu) {
            if (relu.getMax() != null || relu.getThreshold() != null && relu.getThreshold() != 0.0
                    || relu.getNegativeSlope() != null && relu.getNegativeSlope() != 0.0) {
                throw unsupported("a ReLU with a cap, threshold or slope");
            }
            return g.node("Relu", name, List.of(in));
        }
        if (fn instanceof ActivationSigmoid) {
            return g.node("Sigmoid", name, List.of(in));
        }
        if (fn instanceof ActivationTanH) {
            return g.node("Tanh", name, List.of(in));
        }
        if (fn instanceof ActivationSoftmax) {
            return g.node("Softmax", name, List.of(in), OnnxGraphBuilder.integer("axis", 1));
        }
        throw unsupported("the activation " + fn);
    }

    private static String elementWise(OnnxGraphBuilder g, String name, ElementWiseVertex vertex, List<String> inputs) {
        String op = switch (vertex.getOp()) {
            case Add -> inputs.size() == 2 ? "Add" : "Sum";
            case Product -> "Mul";
            case Subtract -> "Sub";
            case Max -> "Max";
            default -> throw unsupported("element-wise " + vertex.getOp());
        };
        return g.node(op, name, inputs);
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " has no ONNX translation here");
    }

    /** A parameter's values in row-major order, whatever the array's own order. */
    static float[] floats(INDArray array) {
        return array.dup('c').data().asFloat();
    }

    private static double[] doubles(INDArray array) {
        return array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static double[] filled(int n, double value) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
