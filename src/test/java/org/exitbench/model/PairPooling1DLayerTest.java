package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The branches' fast stride-2 pooling against DL4J's own 1-D subsampling layer, on the pooled stage-3 features of
 * real sample images (the shipped backbone): the same outputs and, after several Adam updates, the same parameters.
 */
class PairPooling1DLayerTest {

    private static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    private static final int IMAGES = 96;
    private static float[] features;
    private static int channels;
    private static int[] labels;

    @BeforeAll
    static void extract() {
        TrainedBackbone backbone = BackboneFile.load(SAMPLE.resolve("backbone.zip"), false);
        ImageDataset test = DatasetReaders.read(SAMPLE).split(Split.TEST);
        ImageDataset images = test.subset(IntStream.range(0, IMAGES).map(i -> i * 7).toArray());
        FeatureExtractor extractor = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE,
                FeatureExtractor.DEFAULT_BATCH_SIZE);
        SplitFeatures split = extractor.extract(images, ProgressListener.NONE, CancellationToken.NEVER);
        int last = extractor.exitShapes().size() - 1;
        features = split.features(last);
        channels = extractor.exitShapes().get(last).channels();
        labels = images.labels();
    }

    /** The same branch network with DL4J's plain subsampling layer in place of the fast one. */
    private static ExitBranch withDl4jPooling(BranchSpec spec, BranchInput input, long seed) {
        NetworkSettings settings = NetworkSettings.builder().updater(new Adam(0.01)).build();
        ComputationGraphConfiguration conf = spec.configuration(input, seed, settings, new LossMCXENT());
        LayerVertex vertex = (LayerVertex) conf.getVertices().get("pool_window");
        assertInstanceOf(PairPooling1DLayer.class, vertex.getLayerConf().getLayer());
        Subsampling1DLayer plain = new Subsampling1DLayer();
        copyFields(vertex.getLayerConf().getLayer(), plain);
        vertex.getLayerConf().setLayer(plain);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return new ExitBranch(graph, spec, input);
    }

    private static void copyFields(Object from, Object to) {
        try {
            for (Class<?> c = Subsampling1DLayer.class; c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        field.setAccessible(true);
                        field.set(to, field.get(from));
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void maxAndAveragePairPoolingTrainLikeDl4jsLayer() {
        for (BranchPooling pooling : new BranchPooling[] {BranchPooling.MAX_STRIDE_2, BranchPooling.AVERAGE_STRIDE_2}) {
            BranchSpec spec = new BranchSpec(BranchType.CONV1D_CHANNELS, 24, 5, pooling);
            BranchInput input = new BranchInput(channels, 1, 10);
            NetworkSettings settings = NetworkSettings.builder().updater(new Adam(0.01)).build();
            ExitBranch fast = ExitBranch.create(spec, input, 9L, settings, new LossMCXENT());
            ExitBranch reference = withDl4jPooling(spec, input, 9L);
            assertEquals(reference.graph().params(), fast.graph().params(), "same seed, same start");

            float[] before = fast.probabilities(features, null);
            assertArrayEquals(reference.probabilities(features, null), before, 1e-6f, pooling + ": forward");

            float[] oneHot = new float[IMAGES * 10];
            for (int i = 0; i < IMAGES; i++) {
                oneHot[i * 10 + labels[i]] = 1;
            }
            for (int step = 0; step < 8; step++) {
                int from = (step * 32) % (IMAGES - 32);
                INDArray x = fast.batch(features, null, from, 32);
                INDArray y = Nd4j.create(java.util.Arrays.copyOfRange(oneHot, from * 10, (from + 32) * 10),
                        new long[] {32, 10}, 'c');
                fast.graph().fit(new DataSet(x, y));
                reference.graph().fit(new DataSet(x.dup(), y.dup()));
            }
            float[] fastParams = fast.graph().params().toFloatVector();
            float[] referenceParams = reference.graph().params().toFloatVector();
            assertArrayEquals(referenceParams, fastParams, 1e-4f, pooling + ": parameters after 8 updates");
            float[] after = fast.probabilities(features, null);
            double moved = 0;
            for (int i = 0; i < after.length; i++) {
                moved = Math.max(moved, Math.abs(after[i] - before[i]));
            }
            assertTrue(moved > 1e-3, pooling + ": training changed the branch (" + moved + ")");
            assertArrayEquals(reference.probabilities(features, null), after, 1e-5f, pooling + ": trained forward");
        }
    }

    @Test
    void wideBranchesScoreInPassesThatKeepTheirActivationsSmall() {
        BranchInput input = new BranchInput(64, 1, 10);
        ExitBranch narrow = ExitBranch.create(BranchSpec.defaults(), input, 1L, NetworkSettings.defaults(),
                new LossMCXENT());
        ExitBranch wide = ExitBranch.create(BranchSpec.of(BranchType.CONV1D_CHANNELS, 128, 5), input, 1L,
                NetworkSettings.defaults(), new LossMCXENT());
        assertEquals(ExitBranch.SCORING_BATCH, narrow.scoringBatch());
        assertEquals(256, wide.scoringBatch(), "128 filters × 64 positions = 8,192 floats a row");
    }
}
