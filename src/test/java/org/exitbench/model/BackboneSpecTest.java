package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BackboneSpecTest {

    /** Activations with feature maps in NCHW, so the shapes below read the same for every layout. */
    private static Map<String, INDArray> forward(ComputationGraph graph, long... inputShape) {
        Nd4j.getRandom().setSeed(1);
        return TestBackbones.activationsNchw(graph, Nd4j.rand(inputShape));
    }

    private static void assertShape(Map<String, INDArray> activations, String vertex, long... expected) {
        assertArrayEquals(expected, activations.get(vertex).shape(), vertex);
    }

    @Test
    void smallResNetOnGrayscale28HasHalvingStages() {
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), 1, 28, 28, 10);
        Map<String, INDArray> a = forward(spec.build(3), 2, 1, 28, 28);
        assertShape(a, BackboneVertices.STEM, 2, 16, 28, 28);
        assertShape(a, "stage1", 2, 16, 28, 28);
        assertShape(a, "stage2", 2, 32, 14, 14);
        assertShape(a, "stage3", 2, 64, 7, 7);
        assertShape(a, BackboneVertices.GLOBAL_POOL, 2, 64);
        assertShape(a, BackboneVertices.OUTPUT, 2, 10);
        assertEquals(2.0, a.get(BackboneVertices.OUTPUT).sumNumber().doubleValue(), 1e-5, "softmax rows sum to 1");
    }

    @Test
    void smallResNetOnOddSizedRgbRoundsStridedSizesUp() {
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(8, 16, 24), List.of(2, 1, 2), 3, 17, 23, 4);
        Map<String, INDArray> a = forward(spec.build(3), 2, 3, 17, 23);
        assertShape(a, "s1b1", 2, 8, 17, 23);
        assertShape(a, "stage1", 2, 8, 17, 23);
        assertShape(a, "stage2", 2, 16, 9, 12);
        assertShape(a, "s3b1", 2, 24, 5, 6);
        assertShape(a, "stage3", 2, 24, 5, 6);
        assertShape(a, BackboneVertices.OUTPUT, 2, 4);
        assertTrue(a.containsKey("s2b1_proj_conv"), "a widening stage has a projection shortcut");
        assertTrue(!a.containsKey("s1b2_proj_conv"), "a block that keeps the shape has an identity shortcut");
    }

    @Test
    void resNet18StagesOnGrayscale28() {
        BackboneSpec spec = BackboneSpec.resnet18Cifar(1, 28, 28, 10);
        ComputationGraph graph = spec.build(5);
        Map<String, INDArray> a = forward(graph, 1, 1, 28, 28);
        assertShape(a, "stage1", 1, 64, 28, 28);
        assertShape(a, "stage2", 1, 128, 14, 14);
        assertShape(a, "stage3", 1, 256, 7, 7);
        assertShape(a, "stage4", 1, 512, 4, 4);
        assertShape(a, BackboneVertices.OUTPUT, 1, 10);
        assertTrue(Dl4jEngine.helpersActive(graph), "ResNet-18 convolutions must run on oneDNN");
    }

    @Test
    void resNet18HasTheParameterCountOfTheCifarReference() {
        // 11,173,962 trainable parameters as in the common PyTorch CIFAR ResNet-18; DL4J also counts the batch-norm
        // running mean and variance (2 × 4,800 channels) as parameters.
        ComputationGraphConfiguration conf = BackboneSpec.resnet18Cifar(3, 32, 32, 10)
                .configuration(1, NetworkSettings.defaults());
        long params = conf.getVertices().values().stream().mapToLong(v -> v.numParams(false)).sum();
        assertEquals(11_173_962L + 9_600L, params);
    }

    @Test
    void sameSeedBuildsTheSameNetworkAndAnotherSeedDoesNot() {
        BackboneSpec spec = TestBackbones.tinySpec(3);
        INDArray a = spec.build(42).params();
        INDArray b = spec.build(42).params();
        INDArray c = spec.build(43).params();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void nhwcLayoutComputesTheSameFunctionOnTheSameNchwInput() {
        BackboneSpec spec = TestBackbones.tinySpec(3);
        ComputationGraph nchw = spec.build(9, NetworkSettings.builder().dataFormat(CNN2DFormat.NCHW).build());
        ComputationGraph nhwc = spec.build(9, NetworkSettings.builder().dataFormat(CNN2DFormat.NHWC).build());
        assertEquals(nchw.params(), nhwc.params(), "weights do not depend on the layout");
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(2, 3, 16, 16);
        INDArray expected = nchw.outputSingle(x);
        INDArray actual = nhwc.outputSingle(x);
        assertTrue(expected.equalsWithEps(actual, 1e-5), expected + " vs " + actual);
        assertEquals(CNN2DFormat.NCHW, TrainedBackbone.inputFormat(nhwc), "built backbones always take NCHW input");
        INDArray stage1 = nhwc.feedForward(x, false).get(BackboneVertices.stage(1));
        assertArrayEquals(new long[] {2, 16, 16, 4}, stage1.shape(), "the NHWC network computes in NHWC inside");
    }

    @Test
    void invalidSpecsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackboneSpec.smallResNet(List.of(16, 32), List.of(1), 3, 32, 32, 10));
        assertTrue(e.getMessage().contains("one entry per stage"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new BackboneSpec(Architecture.RESNET18_CIFAR, List.of(16), List.of(1), 3, 32, 32, 10));
        assertTrue(e.getMessage().contains("SMALL_RESNET"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BackboneSpec.resnet18Cifar(2, 32, 32, 10));
        assertTrue(e.getMessage().contains("inputChannels"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> BackboneSpec.external(3, 32, 32, 10).build(1));
    }

    @Test
    void describeNamesTheArchitecture() {
        assertEquals("ResNet-18 (CIFAR) 64/128/256/512 × 2/2/2/2, 3×32×32, 10 classes",
                BackboneSpec.resnet18Cifar(3, 32, 32, 10).describe());
    }
}
