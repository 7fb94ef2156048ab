package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class FeatureExtractorTest {

    private static final ImageDataset IMAGES = TestBackbones.images(40, 3, 16, 5);

    @Test
    void globalAverageFeaturesLogitsAndPredictionsMatchAPlainForwardPass() {
        TrainedBackbone backbone = TestBackbones.tinyBackbone(3, 21);
        FeatureExtractor extractor = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE, 16);
        assertEquals(LogitsKind.PRE_SOFTMAX, extractor.logitsKind());
        assertEquals(List.of(new ExitFeatureShape("stage1", 4, 16, 16, 4), new ExitFeatureShape("stage2", 8, 8, 8, 8)),
                extractor.exitShapes());
        SplitFeatures features = extractor.extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER);

        INDArray x = ImageDataSetIterator.inOrder(IMAGES, 40, backbone.stats()).next().getFeatures();
        Map<String, INDArray> all = TestBackbones.activationsNchw(backbone.graph(), x);
        assertClose(all.get("stage1").mean(2, 3), features.features(0), 40, 4);
        assertClose(all.get("stage2").mean(2, 3), features.features(1), 40, 8);
        INDArray probabilities = all.get(BackboneVertices.OUTPUT);
        INDArray softmaxOfLogits = org.nd4j.linalg.ops.transforms.Transforms.softmax(
                org.nd4j.linalg.factory.Nd4j.create(features.logits(), new long[] {40, 3}, 'c'));
        assertTrue(probabilities.equalsWithEps(softmaxOfLogits, 1e-5));
        assertArrayEquals(probabilities.argMax(1).toIntVector(), features.predictions());
        assertArrayEquals(IMAGES.labels(), features.labels());
    }

    @Test
    void adaptivePoolingKeepsAGridPerChannel() {
        TrainedBackbone backbone = TestBackbones.tinyBackbone(3, 21);
        SplitFeatures features = new FeatureExtractor(backbone, FeaturePooling.adaptiveAverage(2), 64)
                .extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(4 * 2 * 2, features.featureDim(0));
        INDArray x = ImageDataSetIterator.inOrder(IMAGES, 40, backbone.stats()).next().getFeatures();
        INDArray stage1 = TestBackbones.activationsNchw(backbone.graph(), x).get("stage1");
        // Image 3, channel 2, bottom-left bin: rows 8..15, columns 0..7 of the 16×16 map.
        double expected = stage1.get(org.nd4j.linalg.indexing.NDArrayIndex.point(3),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(8, 16),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8)).meanNumber().doubleValue();
        assertEquals(expected, features.features(0)[3 * 16 + 2 * 4 + 2], 1e-5);
    }

    @Test
    void adaptiveBinsOverlapOnOddSidesLikePyTorch() {
        float[] map = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] pooled = new float[4];
        FeaturePooling.adaptiveAverage(2).pool(map, 1, 1, 3, 3, pooled, 0);
        // Rows and columns {0,1} and {1,2}.
        assertArrayEquals(new float[] {3, 4, 6, 7}, pooled, 1e-6f);
    }

    @Test
    void batchSizeAndLayoutDoNotChangeTheFeatures() {
        BackboneSpec spec = TestBackbones.tinySpec(3);
        TrainedBackbone nchw = TrainedBackbone.of(spec.build(8, NetworkSettings.builder()
                .dataFormat(CNN2DFormat.NCHW).build()), spec, TestBackbones.CLASSES, ChannelStats.identity(3));
        TrainedBackbone nhwc = TrainedBackbone.of(spec.build(8, NetworkSettings.builder()
                .dataFormat(CNN2DFormat.NHWC).build()), spec, TestBackbones.CLASSES, ChannelStats.identity(3));
        SplitFeatures reference = new FeatureExtractor(nchw, FeaturePooling.GLOBAL_AVERAGE, 128)
                .extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER);
        for (SplitFeatures other : List.of(
                new FeatureExtractor(nchw, FeaturePooling.GLOBAL_AVERAGE, 7)
                        .extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER),
                new FeatureExtractor(nhwc, FeaturePooling.GLOBAL_AVERAGE, 16)
                        .extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER))) {
            assertArrayEquals(reference.features(1), other.features(1), 1e-5f);
            assertArrayEquals(reference.logits(), other.logits(), 1e-5f);
            assertArrayEquals(reference.predictions(), other.predictions());
        }
    }

    @Test
    void headWithoutRecoverableLogitsFallsBackToLogSoftmax() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer(), "conv")
                .addLayer("dense", new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build(), "pool")
                .addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("loss")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        TrainedBackbone external = new TrainedBackbone(graph, BackboneSpec.external(3, 16, 16, 3),
                TestBackbones.CLASSES, ChannelStats.identity(3), ExitPoints.of("conv"), Map.of());
        FeatureExtractor extractor = new FeatureExtractor(external, FeaturePooling.GLOBAL_AVERAGE, 32);
        assertEquals(LogitsKind.LOG_SOFTMAX, extractor.logitsKind());
        SplitFeatures features = extractor.extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER);
        INDArray x = ImageDataSetIterator.inOrder(IMAGES, 40, external.stats()).next().getFeatures();
        INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.log(graph.outputSingle(x));
        assertClose(expected, features.logits(), 40, 3);
    }

    @Test
    void reportsProgressAndStopsWhenCancelled() {
        TrainedBackbone backbone = TestBackbones.tinyBackbone(3, 21);
        FeatureExtractor extractor = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE, 10);
        CancellationToken cancel = new CancellationToken();
        List<Long> seen = new java.util.ArrayList<>();
        assertThrows(CancelledException.class, () -> extractor.extract(IMAGES, p -> {
            seen.add(p.done());
            if (p.done() >= 20) {
                cancel.cancel();
            }
        }, cancel));
        assertEquals(List.of(0L, 10L, 20L), seen);
    }

    @Test
    void imagesOfAnotherGeometryOrClassListAreRefused() {
        TrainedBackbone backbone = TestBackbones.tinyBackbone(1, 21);
        FeatureExtractor extractor = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> extractor.extract(IMAGES, ProgressListener.NONE, CancellationToken.NEVER));
        assertTrue(e.getMessage().contains("3×16×16") && e.getMessage().contains("1×16×16"), e.getMessage());
    }

    private static void assertClose(INDArray expected, float[] actual, int rows, int cols) {
        assertEquals((long) rows * cols, actual.length);
        float[] flat = expected.reshape(rows, cols).dup('c').data().asFloat();
        assertArrayEquals(flat, actual, 1e-5f);
    }
}
