package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Folding batch-norm into the convolutions of a frozen network changes its cost, never its function: stage
 * outputs, pooled features and class probabilities agree with the original within float rounding.
 */
@Tag("slow")
class BatchNormFoldingTest {

    private static final Path SAMPLE_TEST = Path.of("sample-data", "fashion-mnist", "test");
    private static final List<String> CLASSES = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
    /** Largest difference allowed, relative to the largest magnitude of the activation compared. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    /** A three-stage small ResNet (4/8/16 channels × 1 block) for the sample's 1×32×32 images. */
    private static final BackboneSpec TINY = BackboneSpec.smallResNet(List.of(4, 8, 16), List.of(1, 1, 1), 1, 32, 32,
            10);

    /** The shipped backbone of the sample: a small ResNet 16/32/64/128 trained to 91 % test accuracy. */
    private static final Path SHIPPED_BACKBONE = Path.of("sample-data", "fashion-mnist", "backbone.zip");

    /** Four images of each of the sample's ten classes as unsigned byte values, in class-folder order. */
    private static int[][] samplePixels;
    /** The same images normalised with a typical mean and deviation: 40 × 1 × 32 × 32. */
    private static INDArray sampleImages;

    @BeforeAll
    static void readSample() throws IOException {
        assertTrue(Files.isDirectory(SAMPLE_TEST), "the bundled sample is missing: " + SAMPLE_TEST.toAbsolutePath());
        List<int[]> images = new ArrayList<>();
        try (Stream<Path> classes = Files.list(SAMPLE_TEST)) {
            for (Path folder : classes.sorted().toList()) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.sorted().limit(4).toList()) {
                        BufferedImage image = ImageIO.read(file.toFile());
                        int[] pixels = new int[32 * 32];
                        for (int y = 0; y < 32; y++) {
                            for (int x = 0; x < 32; x++) {
                                pixels[y * 32 + x] = image.getRGB(x, y) & 0xff;
                            }
                        }
                        images.add(pixels);
                    }
                }
            }
        }
        assertEquals(40, images.size());
        samplePixels = images.toArray(int[][]::new);
        sampleImages = normalised(new ChannelStats(new double[] {0.29}, new double[] {0.35}));
    }

    /** The sample images normalised as a backbone with these statistics sees them. */
    private static INDArray normalised(ChannelStats stats) {
        float[][] rows = new float[samplePixels.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[samplePixels[i].length];
            for (int p = 0; p < rows[i].length; p++) {
                rows[i][p] = stats.normalize(0, samplePixels[i][p]);
            }
        }
        return Nd4j.create(rows).reshape(rows.length, 1, 32, 32);
    }

    @Test
    void foldedShippedSampleBackboneMatchesOnTheSample() {
        assertTrue(Files.isRegularFile(SHIPPED_BACKBONE), SHIPPED_BACKBONE + " is missing");
        TrainedBackbone shipped = BackboneFile.load(SHIPPED_BACKBONE, false);
        INDArray images = normalised(shipped.stats());
        ComputationGraph folded = assertFoldedMatches(shipped, images);
        // The trained backbone recognises the sample, so agreeing on it means agreeing on real predictions.
        INDArray predicted = shipped.graph().outputSingle(images).argMax(1);
        INDArray predictedFolded = folded.outputSingle(images).argMax(1);
        assertEquals(predicted, predictedFolded, "the folded backbone predicts other classes");
        int correct = 0;
        for (int i = 0; i < 40; i++) {
            correct += predicted.getInt(i) == i / 4 ? 1 : 0;
        }
        assertTrue(correct >= 30, "the shipped backbone recognises only " + correct + " of 40 sample images");
    }

    @Test
    void foldedSmallResNetMatchesOnTheSampleAfterTraining() {
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), 1, 32, 32, 10);
        ComputationGraph graph = spec.build(5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 40, 10);
        for (int i = 0; i < 40; i++) {
            labels.putScalar(i, i / 4, 1);
        }
        for (int step = 0; step < 5; step++) {
            graph.fit(new org.nd4j.linalg.dataset.DataSet(sampleImages, labels));
        }
        assertFoldedMatches(backbone(graph, spec));
    }

    @Test
    void foldedResNet18MatchesOnTheSampleWithArbitraryNormalisation() {
        BackboneSpec spec = BackboneSpec.resnet18Cifar(1, 32, 32, 10);
        ComputationGraph graph = spec.build(6);
        randomiseBatchNorm(graph, 7);
        assertFoldedMatches(backbone(graph, spec));
    }

    @Test
    void anNchwNetworkIsFoldedIntoNhwcWithTheSameOutputs() {
        BackboneSpec spec = TINY;
        ComputationGraph graph = spec.build(8, NetworkSettings.builder().dataFormat(CNN2DFormat.NCHW).build());
        randomiseBatchNorm(graph, 9);
        TrainedBackbone backbone = backbone(graph, spec);
        ComputationGraph folded = assertFoldedMatches(backbone);
        assertEquals(CNN2DFormat.NHWC, ((ConvolutionLayer) folded.getLayer("stem").conf().getLayer())
                .getCnn2dDataFormat());
        assertEquals(CNN2DFormat.NCHW, TrainedBackbone.inputFormat(folded), "the input stays NCHW");
    }

    @Test
    void batchNormIsGoneAndActivationsAreFusedButStageOutputsRemain() {
        BackboneSpec spec = TINY;
        ComputationGraph original = spec.build(3);
        ComputationGraph folded = BatchNormFolding.fold(backbone(original, spec));
        long batchNorms = Stream.of(folded.getLayers()).filter(l -> l.conf().getLayer() instanceof BatchNormalization)
                .count();
        assertEquals(0, batchNorms);
        // Left: the ReLU after each residual add (block outputs); the stem's and each block's first ReLU are fused.
        List<String> activations = Stream.of(folded.getLayers())
                .filter(l -> l.conf().getLayer() instanceof ActivationLayer)
                .map(l -> l.conf().getLayer().getLayerName()).sorted().toList();
        assertEquals(List.of("stage1", "stage2", "stage3"), activations);
        assertEquals(((ConvolutionLayer) folded.getLayer("s1b1_relu1").conf().getLayer()).getActivationFn(),
                Activation.RELU.getActivationFunction());
        // The stem loses its batch-norm and ReLU, each block bn1, relu1 and bn2, the two projections proj_bn.
        assertEquals(original.getNumLayers() - 2 - 3 * 3 - 2, folded.getNumLayers());
    }

    @Test
    void aKeptVertexInsideAChainStaysObservable() {
        BackboneSpec spec = TINY;
        ComputationGraph graph = spec.build(4);
        randomiseBatchNorm(graph, 5);
        TrainedBackbone backbone = backbone(graph, spec);
        ComputationGraph folded = BatchNormFolding.fold(graph, backbone.inputType(), Set.of("s2b1_bn1"),
                CNN2DFormat.NHWC);
        INDArray x = sampleImages.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8));
        assertClose(TestBackbones.activationsNchw(graph, x).get("s2b1_bn1"),
                TestBackbones.activationsNchw(folded, x).get("s2b1_bn1"), "s2b1_bn1");
        assertTrue(folded.getLayer("s2b1_relu1").conf().getLayer() instanceof ActivationLayer,
                "the ReLU after a kept batch-norm is not fused into the convolution before it");
    }

    @Test
    void flattenedFeatureMapsKeepTheirLayout() {
        // A dense layer on a flattened NCHW map depends on the element order, so the graph must stay NCHW.
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(32, 32, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("dense", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "relu")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        randomiseBatchNorm(graph, 3);
        ComputationGraph folded = BatchNormFolding.fold(graph, InputType.convolutional(32, 32, 1), Set.of(),
                CNN2DFormat.NHWC);
        assertEquals(CNN2DFormat.NCHW, ((ConvolutionLayer) folded.getLayer("relu").conf().getLayer())
                .getCnn2dDataFormat());
        assertClose(graph.outputSingle(sampleImages), folded.outputSingle(sampleImages), "out");
        assertFalse(folded.getConfiguration().getVertices().containsKey("bn"));
    }

    /** Folds a backbone and checks its stage outputs, pooled features and probabilities on the sample images. */
    private static ComputationGraph assertFoldedMatches(TrainedBackbone backbone) {
        return assertFoldedMatches(backbone, sampleImages);
    }

    private static ComputationGraph assertFoldedMatches(TrainedBackbone backbone, INDArray images) {
        ComputationGraph folded = BatchNormFolding.fold(backbone);
        Map<String, INDArray> expected = TestBackbones.activationsNchw(backbone.graph(), images);
        Map<String, INDArray> actual = TestBackbones.activationsNchw(folded, images);
        List<String> compared = new ArrayList<>(backbone.spec().stageVertices());
        compared.add(BackboneVertices.GLOBAL_POOL);
        compared.add(BackboneVertices.OUTPUT);
        for (String vertex : compared) {
            assertClose(expected.get(vertex), actual.get(vertex), vertex);
        }
        INDArray w = backbone.graph().getLayer(BackboneVertices.OUTPUT).getParam("W");
        INDArray b = backbone.graph().getLayer(BackboneVertices.OUTPUT).getParam("b");
        INDArray w2 = folded.getLayer(BackboneVertices.OUTPUT).getParam("W");
        INDArray b2 = folded.getLayer(BackboneVertices.OUTPUT).getParam("b");
        assertClose(expected.get(BackboneVertices.GLOBAL_POOL).mmul(w).addRowVector(b),
                actual.get(BackboneVertices.GLOBAL_POOL).mmul(w2).addRowVector(b2), "logits");
        return folded;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(List.of(expected.shape()[0], expected.length()), List.of(actual.shape()[0], actual.length()),
                what + " shapes");
        double scale = expected.amaxNumber().doubleValue();
        double difference = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue();
        assertTrue(scale > 0, what + " is all zeros, which would compare nothing");
        assertTrue(difference <= RELATIVE_TOLERANCE * scale, what + ": largest difference " + difference
                + " for values up to " + scale);
    }

    /** Gives every batch-norm layer arbitrary scale, shift and running statistics. */
    private static void randomiseBatchNorm(ComputationGraph graph, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof BatchNormalization) {
                for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                    INDArray u = Nd4j.rand(DataType.FLOAT, p.getValue().shape());
                    INDArray value = switch (p.getKey()) {
                        case "gamma" -> u.muli(1.0).addi(0.5);
                        case "beta", "mean" -> u.subi(0.5).muli(0.4);
                        case "var" -> u.addi(0.5);
                        // log10 of a standard deviation between 0.7 and 1.4
                        case "log10stdev" -> u.muli(0.3).subi(0.15);
                        default -> throw new IllegalStateException("unexpected batch-norm parameter " + p.getKey());
                    };
                    layer.setParam(p.getKey(), value);
                }
            }
        }
    }

    private static TrainedBackbone backbone(ComputationGraph graph, BackboneSpec spec) {
        return TrainedBackbone.of(graph, spec, CLASSES.subList(0, spec.numClasses()),
                ChannelStats.identity(spec.inputChannels()));
    }
}
