package org.exitbench.model.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import onnx.Onnx;

/**
 * Cuts an ONNX backbone at its exit tensors into consecutive segments, each its own ONNX model: input → tap 1,
 * tap 1 → tap 2, …, tap K → logits. Running them one after the other computes the whole graph, and a cascade can
 * stop after any segment whose exit fires (the exported cascade of an imported backbone, issue 16).
 *
 * <p>Each segment holds exactly the nodes needed to compute its output from its input, and the initializers those
 * nodes read. That the taps cut the graph ({@link OnnxGraph#cuts}) is what makes this possible: no node after a
 * tap needs anything from before it except the tap itself.
 */
public final class OnnxSegments {

    /**
     * The segments of a backbone.
     *
     * @param segments   K + 1 models: segment k reads {@code inputs.get(k)} and writes {@code outputs.get(k)}
     * @param inputs     the input tensor of each segment: the image input, then the taps
     * @param outputs    the output tensor of each segment: the taps, then the logits
     * @param imageInput the image input's name
     * @param imageShape the image input's shape for one image, in its layout (e.g. [1, 1, 32, 32])
     * @param taps       the exit tensors, shallow to deep
     */
    public record Segments(List<Onnx.ModelProto> segments, List<String> inputs, List<String> outputs,
                           String imageInput, long[] imageShape, List<String> taps) {

        public Segments {
            segments = List.copyOf(segments);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            taps = List.copyOf(taps);
            imageShape = imageShape.clone();
        }

        @Override
        public long[] imageShape() {
            return imageShape.clone();
        }
    }

    private OnnxSegments() {
    }

    /**
     * Cuts the graph at the given taps.
     *
     * @param graph an inspected backbone
     * @param taps  exit tensors, shallow to deep; each must cut the graph ({@link OnnxGraph#checkExits})
     * @throws org.exitbench.model.BackboneFileException when a tap does not cut the graph
     */
    public static Segments cut(OnnxGraph graph, List<String> taps) {
        graph.checkExits(taps);
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        inputs.add(graph.input().name());
        inputs.addAll(taps);
        outputs.addAll(taps);
        outputs.add(graph.output());
        List<Onnx.ModelProto> segments = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            segments.add(segment(graph, inputs.get(k), outputs.get(k), k));
        }
        return new Segments(segments, inputs, outputs, graph.input().name(), graph.input().shape(1), taps);
    }

    /** The model computing {@code to} from {@code from}: the needed nodes in the original order. */
    static Onnx.ModelProto segment(OnnxGraph graph, String from, String to, int index) {
        Onnx.ModelProto model = graph.model();
        Onnx.GraphProto source = model.getGraph();
        Set<Onnx.NodeProto> needed = graph.ancestors(List.of(to), Set.of(from));
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
                .setName(source.getName() + "_segment" + index);
        Set<String> read = new HashSet<>();
        for (Onnx.NodeProto node : source.getNodeList()) {
            if (needed.contains(node)) {
                g.addNode(node);
                read.addAll(node.getInputList());
            }
        }
        for (Onnx.TensorProto t : source.getInitializerList()) {
            if (read.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        g.addInput(valueInfo(graph, from, index == 0 ? graph.input().shape(1) : graph.shape(from)));
        g.addOutput(valueInfo(graph, to, graph.shape(to)));
        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder()
                .setIrVersion(model.getIrVersion())
                .addAllOpsetImport(model.getOpsetImportList())
                .setProducerName("exitbench")
                .setGraph(g);
        return m.build();
    }

    /** A float tensor value with a dynamic batch axis "N" and the other dimensions of one image. */
    private static Onnx.ValueInfoProto valueInfo(OnnxGraph graph, String name, long[] oneImage) {
        Objects.requireNonNull(oneImage, name);
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int i = 1; i < oneImage.length; i++) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(oneImage[i]));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
