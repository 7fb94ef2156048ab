package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Branch architectures: their layers as MAC counts worked out by hand, input layouts, and what they refuse. */
class BranchSpecTest {

    private static final BranchInput VECTOR = new BranchInput(16, 1, 10);
    private static final BranchInput MAP = new BranchInput(16, 2, 10);

    @Test
    void channelVectorBranchCostsItsConvolutionAndItsDenseLayer() {
        // Conv1D over a length-16 sequence, 1 channel in, 8 filters, kernel 3, same padding: 16·8·3·1 = 384;
        // max pool stride 2 leaves 8 positions × 8 filters = 64 inputs to a dense layer of 10: 640.
        assertEquals(384 + 640, BranchSpec.of(BranchType.CONV1D_CHANNELS, 8, 3).macs(VECTOR));
        // With global pooling the dense layer sees one value per filter: 8·10.
        BranchSpec global = new BranchSpec(BranchType.CONV1D_CHANNELS, 8, 3, BranchPooling.GLOBAL_AVERAGE);
        assertEquals(384 + 80, global.macs(VECTOR));
    }

    @Test
    void aSecondLayerCostsFiltersSquaredPerPosition() {
        // As the one-layer branch (384 + 640), plus a second Conv1D of 8 filters over 8 channels, kernel 3, at 16
        // positions: 16·8·3·8 = 3,072.
        BranchSpec deep = BranchSpec.of(BranchType.CONV1D_CHANNELS, 8, 3).withLayers(2);
        assertEquals(384 + 3_072 + 640, deep.macs(VECTOR));
        // 2-D: a second 3×3 convolution 8 → 8 at 2×2 positions: 4·8·9·8 = 2,304.
        assertEquals(4608 + 2_304 + 80, BranchSpec.of(BranchType.CONV2D, 8, 3).withLayers(2).macs(MAP));
        assertEquals("1-D conv over the channel vector, 2 layers of 8 filters, kernel 3, max-stride-2",
                deep.describe());
        assertEquals(BranchSpec.of(BranchType.CONV1D_CHANNELS, 8, 3),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 8, 3, BranchPooling.MAX_STRIDE_2, 0),
                "0, a document written before layers existed, is one layer");
        var three = assertThrows(IllegalArgumentException.class, () -> deep.withLayers(3));
        assertTrue(three.getMessage().startsWith("layers must be 1 to 2"), three.getMessage());
    }

    @Test
    void twoLayerBranchesTrainAndReload(@TempDir Path dir) {
        BranchSpec deep = BranchSpec.of(BranchType.CONV1D_CHANNELS, 6, 3).withLayers(2);
        ExitBranch branch = ExitBranch.create(deep, VECTOR, 3L, NetworkSettings.defaults(), new LossMCXENT());
        assertTrue(branch.graph().getVertex(BranchSpec.convolutionName(2)) != null, "a second convolution");
        // Parameters: 6·3 + 6 (first), 6·6·3 + 6 (second), 6·8·10 + 10 (dense).
        assertEquals(6 * 3 + 6 + 6 * 6 * 3 + 6 + 6 * 8 * 10 + 10, branch.graph().numParams());
        Path file = dir.resolve("deep.zip");
        branch.save(file);
        assertEquals(branch.graph().params(), ExitBranch.load(file, deep, VECTOR).graph().params());
        var oneLayer = assertThrows(org.exitbench.store.StoreException.class,
                () -> ExitBranch.load(file, deep.withLayers(1), VECTOR));
        assertTrue(oneLayer.getMessage().contains("deep.zip"), oneLayer.getMessage());
    }

    @Test
    void tokenAndConv2dBranchesCountEveryPositionOfTheMap() {
        // Tokens: 4 cells, kernel 1, 16 channels in, 8 filters: 4·8·1·16 = 512, then 8·10.
        assertEquals(512 + 80, BranchSpec.of(BranchType.CONV1D_TOKENS, 8, 1).macs(MAP));
        // 2-D: 2×2 positions, 8 filters, 3×3 kernel, 16 channels in: 4·8·9·16 = 4608, then 8·10.
        assertEquals(4608 + 80, BranchSpec.of(BranchType.CONV2D, 8, 3).macs(MAP));
    }

    @Test
    void widthScalesTheCost() {
        long narrow = BranchSpec.of(BranchType.CONV1D_CHANNELS, 4, 3).macs(VECTOR);
        long wide = BranchSpec.of(BranchType.CONV1D_CHANNELS, 16, 3).macs(VECTOR);
        assertEquals(4 * narrow, wide);
    }

    @Test
    void describeGivesTheShareOfTheSegment() {
        String text = BranchSpec.defaults().describe(VECTOR, 204_800, "stage1");
        assertEquals("1-D conv over the channel vector, 16 filters, kernel 3, max-stride-2: 2,048 MACs, 1.00 % of "
                + "segment stage1 (204,800 MACs)", text);
    }

    @Test
    void everyTypeProducesSoftmaxRowsFromCachedFeatureRows() {
        Random random = new Random(3);
        for (BranchSpec spec : new BranchSpec[] {BranchSpec.defaults(), BranchSpec.of(BranchType.CONV1D_TOKENS, 6, 1),
                BranchSpec.of(BranchType.CONV2D, 6, 3), BranchSpec.defaults().withLayers(2),
                BranchSpec.of(BranchType.CONV2D, 6, 3).withLayers(2)}) {
            BranchInput input = spec.type().needsSpatialMap() ? MAP : VECTOR;
            ExitBranch branch = ExitBranch.create(spec, input, 7L, NetworkSettings.defaults(), new LossMCXENT());
            float[] features = new float[5 * input.featureDim()];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) random.nextGaussian();
            }
            float[] p = branch.probabilities(features, new int[] {4, 0, 2});
            assertEquals(3 * 10, p.length);
            for (int r = 0; r < 3; r++) {
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    sum += p[r * 10 + c];
                }
                assertEquals(1.0, sum, 1e-5, spec.describe());
            }
            float[] all = branch.probabilities(features, null);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 40, 50), java.util.Arrays.copyOfRange(p, 0, 10),
                    1e-6f, "row 4 scores the same alone or in order");
        }
    }

    @Test
    void channelBranchOnAMapAveragesEachChannelsCells() {
        ExitBranch branch = ExitBranch.create(BranchSpec.defaults(), MAP, 1L, NetworkSettings.defaults(),
                new LossMCXENT());
        float[] features = new float[MAP.featureDim()];
        for (int c = 0; c < 16; c++) {
            for (int j = 0; j < 4; j++) {
                features[c * 4 + j] = c + j; // mean over the 4 cells: c + 1.5
            }
        }
        INDArray batch = branch.batch(features, null, 0, 1);
        assertArrayEquals(new long[] {1, 1, 16}, batch.shape());
        for (int c = 0; c < 16; c++) {
            assertEquals(c + 1.5, batch.getDouble(0, 0, c), 1e-6);
        }
    }

    @Test
    void sameSeedSameParameters() {
        ExitBranch a = ExitBranch.create(BranchSpec.defaults(), VECTOR, 11L, NetworkSettings.defaults(),
                new LossMCXENT());
        ExitBranch b = ExitBranch.create(BranchSpec.defaults(), VECTOR, 11L, NetworkSettings.defaults(),
                new LossMCXENT());
        assertEquals(a.graph().params(), b.graph().params());
    }

    @Test
    void saveAndLoadKeepTheParameters(@TempDir Path dir) {
        ExitBranch branch = ExitBranch.create(BranchSpec.of(BranchType.CONV2D, 4, 3), MAP, 5L,
                NetworkSettings.defaults(), new LossMCXENT());
        Path file = dir.resolve("branch.zip");
        branch.save(file);
        ExitBranch loaded = ExitBranch.load(file, branch.spec(), MAP);
        assertEquals(branch.graph().params(), loaded.graph().params());
        var wrong = assertThrows(org.exitbench.store.StoreException.class,
                () -> ExitBranch.load(file, BranchSpec.of(BranchType.CONV2D, 8, 3), MAP));
        assertTrue(wrong.getMessage().contains("branch.zip"), wrong.getMessage());
    }

    @Test
    void refusesWhatItCannotRead() {
        var noMap = assertThrows(IllegalArgumentException.class,
                () -> BranchSpec.of(BranchType.CONV2D, 8, 3).macs(VECTOR));
        assertTrue(noMap.getMessage().contains("pooling grid 2 or more"), noMap.getMessage());
        var even = assertThrows(IllegalArgumentException.class, () -> BranchSpec.of(BranchType.CONV2D, 8, 4));
        assertTrue(even.getMessage().startsWith("kernel"), even.getMessage());
        var filters = assertThrows(IllegalArgumentException.class, () -> BranchSpec.of(BranchType.CONV2D, 0, 3));
        assertTrue(filters.getMessage().startsWith("filters"), filters.getMessage());
        var pooling = assertThrows(IllegalArgumentException.class,
                () -> new BranchSpec(BranchType.CONV1D_TOKENS, 8, 1, BranchPooling.MAX_STRIDE_2));
        assertTrue(pooling.getMessage().startsWith("pooling"), pooling.getMessage());
    }
}
