package org.exitbench.deploy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.SplittableRandom;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.NetworkSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** A branch written as ONNX computes what its DL4J network computes on the pooled map, one or two layers deep. */
class BranchOnnxWriterTest {

    /**
     * Two-layer branches (issue 17's capacity axis) of every family, the default one pooled by PairPooling1DLayer:
     * ONNX Runtime on the raw map gives DL4J's probabilities on the workbench's pooled features.
     */
    @Test
    void twoLayerBranchesOfEveryFamilyGiveDl4jsProbabilities() throws OrtException {
        List<BranchSpec> specs = List.of(BranchSpec.defaults().withLayers(2),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 6, 5, BranchPooling.AVERAGE_STRIDE_2, 2),
                new BranchSpec(BranchType.CONV1D_TOKENS, 5, 3, BranchPooling.GLOBAL_MAX, 2),
                new BranchSpec(BranchType.CONV2D, 4, 3, BranchPooling.GLOBAL_AVERAGE, 2),
                BranchSpec.defaults());
        SplittableRandom random = new SplittableRandom(21);
        int channels = 16;
        int side = 7;
        int n = 6;
        for (BranchSpec spec : specs) {
            FeaturePooling pooling = spec.type().needsSpatialMap() ? FeaturePooling.adaptiveAverage(3)
                    : FeaturePooling.GLOBAL_AVERAGE;
            BranchInput input = new BranchInput(channels, pooling.grid(), 10);
            ExitBranch branch = ExitBranch.create(spec, input, 4, NetworkSettings.defaults(), new LossMCXENT());
            float[] maps = new float[n * channels * side * side];
            for (int i = 0; i < maps.length; i++) {
                maps[i] = (float) Math.abs(random.nextGaussian() * 1.5);
            }
            float[] features = new float[n * pooling.featureDim(channels)];
            pooling.pool(maps, n, channels, side, side, features, 0);
            float[] expected = branch.probabilities(features, null);
            float[] actual;
            try (OrtSession session = OrtCalls.open(BranchOnnxWriter.model(branch, pooling, channels, side, side,
                    "test"), 1, spec.describe())) {
                actual = OrtCalls.runSingle(session, maps, new long[] {n, channels, side, side}).values();
            }
            assertEquals(expected.length, actual.length, spec.describe());
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f, spec.describe() + ", value " + i);
            }
            if (spec.layers() == 2) {
                String graph = BranchOnnxWriter.model(branch, pooling, channels, side, side, "test").getGraph()
                        .getNodeList().toString();
                assertTrue(graph.contains("exit_conv2"), spec.describe() + ": the second convolution is written");
            }
        }
    }
}
