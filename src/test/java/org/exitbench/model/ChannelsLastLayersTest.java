package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.model.NetworkSettings.LayerImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The channels-last convolution and batch-norm train exactly like DL4J's layers: same outputs, gradients and
 * running statistics.
 */
class ChannelsLastLayersTest {

    private static final BackboneSpec SPEC = BackboneSpec.smallResNet(List.of(4, 8), List.of(1, 1), 3, 12, 12, 3);

    @Test
    void trainingStepsMatchDl4jsBatchNormInBothLayouts() {
        for (CNN2DFormat layout : CNN2DFormat.values()) {
            NetworkSettings settings = NetworkSettings.builder().dataFormat(layout).build();
            ComputationGraph reference = SPEC.build(11, settings.toBuilder().layers(LayerImplementation.DL4J).build());
            ComputationGraph channelsLast = SPEC.build(11, settings.toBuilder().layers(
                    LayerImplementation.CHANNELS_LAST).build());
            assertEquals(reference.params(), channelsLast.params());
            DataSet batch = batch(16, 3);
            for (int step = 0; step < 4; step++) {
                reference.fit(batch);
                channelsLast.fit(batch);
            }
            // Parameters after four Adam steps, batch-norm running mean and variance included.
            assertClose(reference.params(), channelsLast.params(), 1e-4, layout + " parameters");
            assertClose(reference.outputSingle(batch.getFeatures()), channelsLast.outputSingle(batch.getFeatures()),
                    1e-4, layout + " inference output");
            assertClose(reference.outputSingle(true, batch.getFeatures()),
                    channelsLast.outputSingle(true, batch.getFeatures()), 1e-4, layout + " training-mode output");
        }
    }

    @Test
    void theLayersAreUsedByDefaultAndSurviveSavingAndLoading(@TempDir Path folder) throws IOException,
            ReflectiveOperationException {
        ComputationGraph graph = SPEC.build(3);
        assertInstanceOf(ChannelsLastConvolutionLayer.Implementation.class, graph.getLayer("s1b1_conv2"));
        assertInstanceOf(ChannelsLastBatchNormalization.class, graph.getLayer("stem_bn").conf().getLayer());
        assertInstanceOf(ChannelsLastBatchNormHelper.class, helper(graph.getLayer("stem_bn")));
        graph.fit(batch(8, 5));
        File file = folder.resolve("net.zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, true);
        assertInstanceOf(ChannelsLastBatchNormHelper.class, helper(loaded.getLayer("s2b1_bn2")));
        assertInstanceOf(ChannelsLastConvolutionLayer.Implementation.class, loaded.getLayer("s2b1_proj_conv"));
        INDArray x = batch(8, 6).getFeatures();
        assertEquals(graph.outputSingle(x), loaded.outputSingle(x));
        assertInstanceOf(ChannelsLastBatchNormHelper.class, helper(graph.clone().getLayer("s1b1_bn1")));
    }

    @Test
    void dl4jImplementationKeepsDl4jsLayers() {
        ComputationGraph graph = SPEC.build(3, NetworkSettings.builder()
                .layers(LayerImplementation.DL4J).build());
        assertEquals(org.deeplearning4j.nn.conf.layers.BatchNormalization.class,
                graph.getLayer("stem_bn").conf().getLayer().getClass());
        assertEquals(org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class,
                graph.getLayer("stem_conv").conf().getLayer().getClass());
    }

    private static Object helper(org.deeplearning4j.nn.api.Layer layer) throws ReflectiveOperationException {
        Field field = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
        field.setAccessible(true);
        return field.get(layer);
    }

    private static DataSet batch(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, 12, 12).muli(2).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return new DataSet(x, y);
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(difference <= relative * scale, what + ": largest difference " + difference + " for values up to "
                + scale);
    }
}
