package org.exitbench.model.onnx;

import java.util.List;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Builds small ONNX graphs in tests, with zero weights (shapes and MACs do not depend on values). Node outputs are
 * named after the node, so tests can refer to them.
 */
final class TestGraphs {

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("test");
    private int counter;

    /** Adds a float input; a dimension of -1 is dynamic (named "N" for the batch, "d<i>" else). */
    TestGraphs input(String name, long... dims) {
        graph.addInput(value(name, dims));
        return this;
    }

    String conv(String x, int cin, int cout, int kernel, int stride, int pad, int group) {
        String name = "conv" + (++counter);
        String w = weight(name + "_w", cout, cin / group, kernel, kernel);
        String b = weight(name + "_b", cout);
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Conv").setName(name).addInput(x).addInput(w).addInput(b)
                .addOutput(name).addAttribute(ints("kernel_shape", kernel, kernel))
                .addAttribute(ints("strides", stride, stride)).addAttribute(ints("pads", pad, pad, pad, pad))
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("group").setI(group)
                        .setType(Onnx.AttributeProto.AttributeType.INT)));
        return name;
    }

    String op(String type, String... inputs) {
        String name = type.toLowerCase() + (++counter);
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(List.of(inputs))
                .addOutput(name));
        return name;
    }

    String maxPool(String x, int kernel, int stride, int pad) {
        String name = "maxpool" + (++counter);
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("MaxPool").setName(name).addInput(x).addOutput(name)
                .addAttribute(ints("kernel_shape", kernel, kernel)).addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", pad, pad, pad, pad)));
        return name;
    }

    String gemm(String x, int in, int out) {
        String name = "gemm" + (++counter);
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Gemm").setName(name).addInput(x)
                .addInput(weight(name + "_w", out, in)).addInput(weight(name + "_b", out)).addOutput(name)
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("transB").setI(1)
                        .setType(Onnx.AttributeProto.AttributeType.INT)));
        return name;
    }

    String matMul(String x, int k, int n) {
        String name = "matmul" + (++counter);
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("MatMul").setName(name).addInput(x)
                .addInput(weight(name + "_w", k, n)).addOutput(name));
        return name;
    }

    /** A torchvision BasicBlock (batch-norm folded into the convolutions' biases, as an eval-mode export). */
    String basicBlock(String x, int cin, int cout, int stride) {
        String a = op("Relu", conv(x, cin, cout, 3, stride, 1, 1));
        String b = conv(a, cout, cout, 3, 1, 1, 1);
        String shortcut = stride != 1 || cin != cout ? conv(x, cin, cout, 1, stride, 0, 1) : x;
        return op("Relu", op("Add", b, shortcut));
    }

    Onnx.ModelProto model(String output, long... outputDims) {
        return modelWithOpset(13, output, outputDims);
    }

    Onnx.ModelProto modelWithOpset(int opset, String output, long... outputDims) {
        Onnx.GraphProto.Builder g = graph.clone().addOutput(value(output, outputDims));
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("exitbench-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g)
                .build();
    }

    /** torchvision's ResNet-18 for 3×size×size images and 1000 classes, zero weights. */
    static Onnx.ModelProto resnet18(int size) {
        TestGraphs t = new TestGraphs().input("input", -1, 3, size, size);
        String x = t.maxPool(t.op("Relu", t.conv("input", 3, 64, 7, 2, 3, 1)), 3, 2, 1);
        int cin = 64;
        int[] widths = {64, 128, 256, 512};
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < 2; b++) {
                x = t.basicBlock(x, cin, widths[s], s > 0 && b == 0 ? 2 : 1);
                cin = widths[s];
            }
        }
        String logits = t.gemm(t.op("Flatten", t.op("GlobalAveragePool", x)), 512, 1000);
        return t.model(logits, -1, 1000);
    }

    private String weight(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(new byte[(int) n * 4]));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static Onnx.ValueInfoProto value(String name, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(dims[i] >= 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i])
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(i == 0 ? "N" : "d" + i));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))).build();
    }
}
