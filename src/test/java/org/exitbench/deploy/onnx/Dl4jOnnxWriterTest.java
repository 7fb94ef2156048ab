package org.exitbench.deploy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.NchwToNhwcPreProcessor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The layer writer on small networks of every layer kind it translates, in both layouts; an untranslatable layer
 * and a layer that computes differently are named.
 */
class Dl4jOnnxWriterTest {

    /** conv (same / truncate) → BN → ReLU → residual add → max pool → global average → softmax output. */
    private static ComputationGraph network(CNN2DFormat format, Activation convActivation) {
        Dl4jEngine.initialize();
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(9, 9, 3, CNN2DFormat.NCHW));
        b.addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(6).stride(2, 2).padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate).dataFormat(format).activation(convActivation).build(),
                format == CNN2DFormat.NHWC ? new NchwToNhwcPreProcessor() : null, "in");
        b.addLayer("bn1", new BatchNormalization.Builder().dataFormat(format).activation(Activation.IDENTITY).build(), "conv1");
        b.addLayer("relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1");
        b.addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                .dataFormat(format).activation(Activation.IDENTITY).build(), "relu1");
        b.addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "relu1");
        b.addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                .stride(2, 2).dataFormat(format).build(), "add");
        b.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pool");
        b.addLayer("out", new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build(), "gap");
        b.setOutputs("out");
        ComputationGraph graph = new ComputationGraph(b.build());
        graph.init();
        // Non-trivial running statistics, so that batch-norm is not the identity.
        SplittableRandom random = new SplittableRandom(3);
        for (String param : new String[] {"mean", "log10stdev", "gamma", "beta"}) {
            INDArray p = graph.getLayer("bn1").getParam(param);
            for (int i = 0; i < p.length(); i++) {
                p.putScalar(i, random.nextDouble() - 0.3);
            }
        }
        return graph;
    }

    private static float[] input(int n) {
        SplittableRandom random = new SplittableRandom(9);
        float[] x = new float[n * 3 * 9 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @Test
    void everyLayerKindMatchesDl4jInBothLayouts() throws Exception {
        for (CNN2DFormat format : CNN2DFormat.values()) {
            ComputationGraph graph = network(format, Activation.RELU);
            Onnx.ModelProto model = Dl4jOnnxWriter.model(graph, InputType.convolutional(9, 9, 3, CNN2DFormat.NCHW),
                    "x", "y", "test").getKey();
            float[] x = input(5);
            float[] expected = graph.outputSingle(false, Nd4j.create(x, new long[] {5, 3, 9, 9}, 'c'))
                    .dup('c').data().asFloat();
            try (OrtSession session = OrtCalls.open(model, 1, "test")) {
                float[] actual = OrtCalls.runSingle(session, x, new long[] {5, 3, 9, 9}).values();
                assertTrue(OnnxCascadeExport.relativeDifference(actual, expected) < 1e-5, format + ": "
                        + OnnxCascadeExport.relativeDifference(actual, expected));
            }
        }
    }

    @Test
    void aLayerWithoutTranslationIsNamed() {
        ComputationGraph graph = network(CNN2DFormat.NCHW, Activation.CUBE);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () ->
                Dl4jOnnxWriter.model(graph, InputType.convolutional(9, 9, 3, CNN2DFormat.NCHW), "x", "y", "test"));
        assertTrue(e.getMessage().startsWith("cannot write vertex 'conv1' to ONNX: the activation cube"),
                e.getMessage());
    }

    @Test
    void theFirstLayerThatComputesDifferentlyIsNamed() {
        ComputationGraph graph = network(CNN2DFormat.NHWC, Activation.RELU);
        InputType type = InputType.convolutional(9, 9, 3, CNN2DFormat.NCHW);
        Map.Entry<Onnx.ModelProto, Dl4jOnnxWriter.Written> written = Dl4jOnnxWriter.model(graph, type, "x", "y",
                "test");
        // Corrupt one weight of conv2: ONNX Runtime then computes conv2 (and all after it) differently.
        Onnx.GraphProto.Builder g = written.getKey().getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("conv2.W")) {
                ByteBuffer raw = ByteBuffer.wrap(g.getInitializer(i).getRawData().toByteArray())
                        .order(ByteOrder.LITTLE_ENDIAN);
                raw.putFloat(0, raw.getFloat(0) + 3f);
                g.setInitializer(i, g.getInitializer(i).toBuilder().setRawData(ByteString.copyFrom(raw.array())));
            }
        }
        Onnx.ModelProto broken = written.getKey().toBuilder().setGraph(g).build();
        float[] x = input(2);
        String message = OnnxCascadeExport.firstDifferingLayer(graph, Nd4j.create(x, new long[] {2, 3, 9, 9}, 'c'),
                broken, written.getValue(), x, new long[] {2, 3, 9, 9});
        assertTrue(message.startsWith("the first layer that differs is 'conv2'"), message);
        assertEquals("x", written.getValue().vertexTensors().get("in"));
    }
}
