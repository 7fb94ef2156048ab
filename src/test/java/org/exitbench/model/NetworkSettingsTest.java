package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.WeightDecay;

class NetworkSettingsTest {

    @Test
    void updaterAndWeightDecayReachEveryLayer() {
        NetworkSettings settings = NetworkSettings.builder().updater(new Nesterovs(0.1, 0.9)).weightDecay(5e-4).build();
        ComputationGraph graph = TestBackbones.tinySpec(1).build(1, settings);
        BaseLayer conv = (BaseLayer) graph.getLayer("s2b1_conv1").conf().getLayer();
        assertEquals(new Nesterovs(0.1, 0.9), conv.getIUpdater());
        assertTrue(conv.getRegularization().stream().anyMatch(r -> r instanceof WeightDecay w
                && w.getCoeff().valueAt(0, 0) == 5e-4), String.valueOf(conv.getRegularization()));
        assertEquals(WeightInit.RELU.getWeightInitFunction(), conv.getWeightInitFn());
    }

    @Test
    void runtimeSettingsApplyToALoadedGraph() throws ReflectiveOperationException {
        ComputationGraph graph = TestBackbones.tinySpec(1).build(1);
        assertEquals(WorkspaceMode.ENABLED, graph.getConfiguration().getInferenceWorkspaceMode());
        NetworkSettings.builder().trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .cacheMode(CacheMode.HOST).build().applyRuntime(graph);
        assertEquals(WorkspaceMode.NONE, graph.getConfiguration().getTrainingWorkspaceMode());
        assertEquals(WorkspaceMode.NONE, graph.getConfiguration().getInferenceWorkspaceMode());
        assertEquals(CacheMode.HOST, graph.getConfiguration().getCacheMode());
        assertEquals(CacheMode.HOST, layerCacheMode(graph.getLayer("stem_conv")), "layers decide on their own copy");
    }

    private static Object layerCacheMode(org.deeplearning4j.nn.api.Layer layer) throws ReflectiveOperationException {
        java.lang.reflect.Field field = org.deeplearning4j.nn.layers.AbstractLayer.class.getDeclaredField("cacheMode");
        field.setAccessible(true);
        return field.get(layer);
    }

    @Test
    void negativeWeightDecayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> NetworkSettings.builder().weightDecay(-1).build());
    }

    @Test
    void theBuilderChangesOnlyTheSettingsItNames() {
        NetworkSettings d = NetworkSettings.defaults();
        assertEquals(d, NetworkSettings.builder().build());
        NetworkSettings nchw = d.toBuilder().dataFormat(CNN2DFormat.NCHW).build();
        assertEquals(new NetworkSettings(CNN2DFormat.NCHW, d.trainingWorkspaceMode(), d.inferenceWorkspaceMode(),
                d.cacheMode(), d.updater(), d.weightDecay(), d.layers()), nchw);
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> d.toBuilder().cacheMode(null).build());
        assertEquals("cacheMode is missing", missing.getMessage());
    }
}
