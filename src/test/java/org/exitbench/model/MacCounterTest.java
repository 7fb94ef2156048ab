package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MacCounterTest {

    @Test
    void resNet18CifarMatchesThePaperBackgroundNumbers() {
        // PAPER.md §6: 555.4 M MACs; after layer1/2/3: 27.5 / 51.7 / 75.8 %.
        BackboneSpec spec = BackboneSpec.resnet18Cifar(3, 32, 32, 10);
        MacTable table = MacCounter.count(spec, ExitPoints.defaultsFor(spec));
        assertEquals(555.4e6, table.total(), 555.4e6 * 0.005, table.toText());
        assertEquals(4, table.exits().size());
        assertEquals(27.5, 100 * table.exits().get(0).share(), 0.5);
        assertEquals(51.7, 100 * table.exits().get(1).share(), 0.5);
        assertEquals(75.8, 100 * table.exits().get(2).share(), 0.5);
        assertEquals(ExitPoints.FINAL, table.exits().get(3).label());
        assertEquals(table.total(), table.cumulativeMacs(3));
    }

    @Test
    void tinyResNetCountsEveryConvolutionProjectionAndTheHeadExactly() {
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(4, 8), List.of(1, 1), 1, 8, 8, 3);
        MacTable table = MacCounter.count(spec, ExitPoints.of("stage1"));
        long stem = 8 * 8 * 4 * 9 * 1;
        long stage1 = 2 * (8 * 8 * 4 * 9 * 4);
        long stage2 = 4 * 4 * 8 * 9 * 4 + 4 * 4 * 8 * 9 * 8 + 4 * 4 * 8 * 4;
        long head = 8 * 3;
        assertEquals(stem + stage1, table.cumulativeMacs(0));
        assertEquals(stem + stage1 + stage2 + head, table.total());
        assertEquals(4 * 4 * 8 * 4, macsOf(table, "s2b1_proj_conv"), "1×1 projection shortcut is counted");
        assertEquals(0, macsOf(table, "s2b1_bn1"), "batch-norm is ignored");
        assertEquals(head, macsOf(table, BackboneVertices.OUTPUT));
    }

    @Test
    void countsASmallBranchLikeGraphWithOneDimensionalConvolution() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("features")
                .addLayer("conv1d", new Convolution1DLayer.Builder(3).nOut(4).activation(Activation.RELU).build(),
                        "features")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv1d")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(2, 10))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        // Output length 10 - 3 + 1 = 8: 8 positions × 4 filters × 3 taps × 2 channels, then 4 × 5.
        assertEquals(8 * 4 * 3 * 2 + 4 * 5, MacCounter.totalMacs(graph, InputType.recurrent(2, 10)));
    }

    @Test
    void layersItCannotCountAreRefusedByName() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .addLayer("lstm", new LSTM.Builder().nOut(3).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "lstm")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(2, 5))
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MacCounter.count(conf, InputType.recurrent(2, 5)));
        assertTrue(e.getMessage().contains("'lstm'"), e.getMessage());
    }

    private static long macsOf(MacTable table, String vertex) {
        return table.layers().stream().filter(l -> l.vertex().equals(vertex)).findFirst().orElseThrow().macs();
    }
}
