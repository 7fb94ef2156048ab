package org.exitbench.deploy.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * A graph under construction with the ONNX protobuf classes: nodes, their weights (initializers), inputs and
 * outputs, with names kept unique. One instance builds one graph or one {@code If} branch; weights go into the graph
 * whose nodes use them, so a subgraph that never runs carries its own weights with it.
 */
final class OnnxGraphBuilder {

    /** The ONNX operator set every graph Exitbench writes is built against. */
    static final int OPSET = 13;
    /** The IR version matching {@link #OPSET} (ONNX 1.8 and later read it). */
    static final int IR_VERSION = 7;

    private final Onnx.GraphProto.Builder graph;
    private final Set<String> names;
    private int counter;

    /**
     * @param name  the graph's name
     * @param taken names already used by enclosing graphs (shared, so nested branches stay unique too)
     */
    OnnxGraphBuilder(String name, Set<String> taken) {
        this.graph = Onnx.GraphProto.newBuilder().setName(name);
        this.names = taken;
    }

    /** A top-level graph. */
    OnnxGraphBuilder(String name) {
        this(name, new HashSet<>());
    }

    /** A branch graph (for an {@code If}) sharing this graph's names. */
    OnnxGraphBuilder subgraph(String name) {
        return new OnnxGraphBuilder(name, names);
    }

    /** @return a name not used before in this graph family, derived from {@code base} */
    String fresh(String base) {
        String candidate = base;
        while (!names.add(candidate)) {
            candidate = base + "_" + (++counter);
        }
        return candidate;
    }

    /** Marks a name used (e.g. a graph input named by the caller). */
    String reserve(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("the name '" + name + "' is used twice in the ONNX graph");
        }
        return name;
    }

    /**
     * Adds a node.
     *
     * @param output the base of its single output's name (made unique)
     * @return the output's name
     */
    String node(String op, String output, List<String> inputs, Onnx.AttributeProto... attributes) {
        String out = fresh(output);
        add(op, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds a node whose outputs are named by the caller (already unique). */
    void add(String op, List<String> inputs, List<String> outputs, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op)
                .setName(fresh("n_" + op + "_" + outputs.get(0)));
        inputs.forEach(node::addInput);
        outputs.forEach(node::addOutput);
        for (Onnx.AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
    }

    /** Adds a float weight. @return its name */
    String floats(String base, float[] values, long... dims) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("weight " + base + ": " + values.length + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(base, Onnx.TensorProto.DataType.FLOAT, bytes.array(), dims);
    }

    /** Adds an int64 constant. @return its name */
    String longs(String base, long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return tensor(base, Onnx.TensorProto.DataType.INT64, bytes.array(), dims);
    }

    private String tensor(String base, Onnx.TensorProto.DataType type, byte[] raw, long[] dims) {
        String name = fresh(base);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Declares a graph input. */
    void input(String name, Onnx.TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(reserve(name), type, dims));
    }

    /** Declares a graph output (an existing tensor name). */
    void output(String name, Onnx.TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** Appends another graph's nodes and initializers (names must already be unique here). */
    void absorb(Onnx.GraphProto other) {
        graph.addAllNode(other.getNodeList());
        graph.addAllInitializer(other.getInitializerList());
    }

    /** @return the graph as built so far */
    Onnx.GraphProto build() {
        return graph.build();
    }

    /** @return a model around the graph */
    Onnx.ModelProto model(String docString) {
        return model(build(), OPSET, docString);
    }

    static Onnx.ModelProto model(Onnx.GraphProto graph, int opset, String docString) {
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("Exitbench")
                .setProducerVersion(producerVersion())
                .setDocString(docString)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    /** @return the jar's implementation version, or "development" when run from classes */
    static String producerVersion() {
        String version = OnnxGraphBuilder.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /**
     * @param dims per dimension a Long (fixed) or a String (symbolic, e.g. "batch"); none for a scalar
     */
    static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static Onnx.AttributeProto real(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static Onnx.AttributeProto graph(String name, Onnx.GraphProto value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.GRAPH)
                .setG(value).build();
    }

    static Onnx.AttributeProto tensor(String name, Onnx.TensorProto value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR)
                .setT(value).build();
    }

    /** @return a one-element int64 tensor of shape [1] */
    static Onnx.TensorProto longTensor(long value) {
        ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return Onnx.TensorProto.newBuilder().setDataType(Onnx.TensorProto.DataType.INT64.getNumber()).addDims(1)
                .setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    /** @return the names of a list */
    static List<String> list(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
