package org.exitbench.model;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the ResNet configurations of {@link BackboneSpec}: CIFAR-style stem (3×3 convolution, no max-pool),
 * BasicBlocks (two 3×3 convolutions, each followed by batch-norm, ReLU after the residual add), 1×1 convolution
 * plus batch-norm projection shortcuts where the shape changes, global average pooling and a dense softmax head.
 * This matches the common PyTorch CIFAR ResNet-18 (He et al. 2016, option B shortcuts), which is the reading
 * consistent with the paper's 555.4 M MACs (PAPER.md §6).
 */
final class ResNetGraphBuilder {

    private ResNetGraphBuilder() {
    }

    static ComputationGraphConfiguration configuration(BackboneSpec spec, long seed, NetworkSettings settings) {
        CNN2DFormat format = settings.dataFormat();
        ComputationGraphConfiguration.GraphBuilder graph = settings.newBuilder(seed)
                .graphBuilder()
                .addInputs(BackboneVertices.INPUT)
                .setInputTypes(spec.inputType(CNN2DFormat.NCHW));
        List<Integer> widths = spec.widths();
        List<Integer> blocks = spec.blocks();

        // The input is NCHW whatever the layout inside, so every caller feeds a backbone the same way.
        InputPreProcessor toLayout = format == CNN2DFormat.NHWC ? new NchwToNhwcPreProcessor() : null;
        String previous = convBn(graph, settings, "stem_conv", "stem_bn", toLayout, BackboneVertices.INPUT, 3, 1,
                widths.get(0));
        graph.addLayer(BackboneVertices.STEM, relu(), previous);
        previous = BackboneVertices.STEM;
        int channels = widths.get(0);
        for (int s = 1; s <= widths.size(); s++) {
            int width = widths.get(s - 1);
            for (int b = 1; b <= blocks.get(s - 1); b++) {
                int stride = (b == 1 && s > 1) ? 2 : 1;
                String output = b == blocks.get(s - 1) ? BackboneVertices.stage(s)
                        : BackboneVertices.blockOutput(s, b);
                basicBlock(graph, settings, BackboneVertices.blockPrefix(s, b), previous, output, channels, width,
                        stride);
                previous = output;
                channels = width;
            }
        }
        graph.addLayer(BackboneVertices.GLOBAL_POOL, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), previous);
        graph.addLayer(BackboneVertices.OUTPUT, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(spec.numClasses())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build(), BackboneVertices.GLOBAL_POOL);
        graph.setOutputs(BackboneVertices.OUTPUT);
        return graph.build();
    }

    private static void basicBlock(ComputationGraphConfiguration.GraphBuilder graph, NetworkSettings settings,
                                   String prefix, String input, String output, int inChannels, int outChannels,
                                   int stride) {
        String bn1 = convBn(graph, settings, prefix + "conv1", prefix + "bn1", null, input, 3, stride, outChannels);
        graph.addLayer(prefix + "relu1", relu(), bn1);
        String bn2 = convBn(graph, settings, prefix + "conv2", prefix + "bn2", null, prefix + "relu1", 3, 1,
                outChannels);
        String shortcut = input;
        if (stride != 1 || inChannels != outChannels) {
            shortcut = convBn(graph, settings, prefix + "proj_conv", prefix + "proj_bn", null, input, 1, stride,
                    outChannels);
        }
        graph.addVertex(prefix + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), bn2, shortcut);
        graph.addLayer(output, relu(), prefix + "add");
    }

    /**
     * Adds a bias-free convolution followed by batch-norm (a bias would be cancelled by the batch-norm), with
     * "same" padding for odd kernels, so a stride-2 stage maps H to ceil(H / 2) for any input size.
     *
     * @param preProcessor applied to the convolution's input, or null
     * @return the name of the batch-norm layer
     */
    private static String convBn(ComputationGraphConfiguration.GraphBuilder graph, NetworkSettings settings,
                                 String conv, String bn, InputPreProcessor preProcessor, String input, int kernel,
                                 int stride, int outChannels) {
        graph.addLayer(conv, settings.convolutionLayer(new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .padding(kernel / 2, kernel / 2)
                .nOut(outChannels)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .weightInit(WeightInit.RELU)), preProcessor, input);
        graph.addLayer(bn, settings.batchNormLayer(), conv);
        return bn;
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
