package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The oneDNN layer helpers are what make DL4J usable on a CPU; these checks fail the build without them. */
class Dl4jEngineTest {

    @Test
    void nativeLibraryIsTheOneDnnBuild() {
        assertTrue(Dl4jEngine.oneDnnAvailable(), "ND4J loaded a native library without oneDNN: "
                + Dl4jEngine.describe());
    }

    @Test
    void convolutionLayersGetAOneDnnHelper() {
        Dl4jEngine.initialize();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("gap", new GlobalPoolingLayer(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        assertTrue(Dl4jEngine.helpersActive(graph), "convolution runs without oneDNN: " + Dl4jEngine.describe());
    }
}
