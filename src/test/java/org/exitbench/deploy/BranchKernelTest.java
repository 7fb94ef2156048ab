package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.NetworkSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** The plain-Java branch forward pass gives what the branch's DL4J network gives, for every branch family. */
class BranchKernelTest {

    @Test
    void everyBranchFamilyAndPoolingAgreesWithDl4j() {
        List<BranchSpec> specs = List.of(BranchSpec.defaults(),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 8, 5, BranchPooling.AVERAGE_STRIDE_2),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 8, 3, BranchPooling.GLOBAL_MAX),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 4, 1, BranchPooling.GLOBAL_AVERAGE),
                BranchSpec.of(BranchType.CONV1D_TOKENS, 8, 3),
                new BranchSpec(BranchType.CONV1D_TOKENS, 6, 3, BranchPooling.GLOBAL_MAX),
                BranchSpec.of(BranchType.CONV2D, 8, 3),
                new BranchSpec(BranchType.CONV2D, 5, 1, BranchPooling.GLOBAL_MAX));
        SplittableRandom random = new SplittableRandom(3);
        int checked = 0;
        for (BranchSpec spec : specs) {
            for (int grid : new int[] {1, 2, 3}) {
                BranchInput input = new BranchInput(17, grid, 10);
                if (spec.type().needsSpatialMap() && grid < 2) {
                    continue;
                }
                ExitBranch branch = ExitBranch.create(spec, input, 7, NetworkSettings.defaults(), new LossMCXENT());
                BranchKernel kernel = new BranchKernel(branch);
                int n = 6;
                float[] features = new float[n * input.featureDim()];
                for (int i = 0; i < features.length; i++) {
                    features[i] = (float) (random.nextGaussian() * 2);
                }
                INDArray batch = branch.batch(features, null, 0, n);
                float[] expected = branch.graph().outputSingle(false, batch).dup('c').data().asFloat();
                float[] in = batch.dup('c').data().asFloat();
                float[] actual = new float[n * 10];
                for (int i = 0; i < n; i++) {
                    kernel.probabilities(in, i * kernel.inputSize(), actual, i * 10);
                }
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-6f, spec.describe() + ", grid " + grid + ", value " + i);
                }
                checked++;
            }
        }
        assertEquals(20, checked);
    }

    /**
     * Two-layer branches (the capacity axis of issue 17): the second convolution reads the first's filters, and the
     * kernel must compute both, for every family, or the predictor's load-time check refuses the file.
     */
    @Test
    void twoLayerBranchesOfEveryFamilyAgreeWithDl4j() {
        List<BranchSpec> specs = List.of(BranchSpec.defaults().withLayers(2),
                new BranchSpec(BranchType.CONV1D_CHANNELS, 6, 5, BranchPooling.GLOBAL_AVERAGE, 2),
                new BranchSpec(BranchType.CONV1D_TOKENS, 5, 3, BranchPooling.GLOBAL_MAX, 2),
                new BranchSpec(BranchType.CONV2D, 4, 3, BranchPooling.GLOBAL_AVERAGE, 2));
        SplittableRandom random = new SplittableRandom(5);
        for (BranchSpec spec : specs) {
            BranchInput input = new BranchInput(17, spec.type().needsSpatialMap() ? 3 : 2, 10);
            ExitBranch branch = ExitBranch.create(spec, input, 9, NetworkSettings.defaults(), new LossMCXENT());
            BranchKernel kernel = new BranchKernel(branch);
            int n = 5;
            float[] features = new float[n * input.featureDim()];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) (random.nextGaussian() * 2);
            }
            INDArray batch = branch.batch(features, null, 0, n);
            float[] expected = branch.graph().outputSingle(false, batch).dup('c').data().asFloat();
            float[] one = ExitBranch.create(spec.withLayers(1), input, 9, NetworkSettings.defaults(),
                    new LossMCXENT()).graph().outputSingle(false, batch).dup('c').data().asFloat();
            float[] in = batch.dup('c').data().asFloat();
            float[] actual = new float[n * 10];
            for (int i = 0; i < n; i++) {
                kernel.probabilities(in, i * kernel.inputSize(), actual, i * 10);
            }
            double fromOneLayer = 0;
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6f, spec.describe() + ", value " + i);
                fromOneLayer = Math.max(fromOneLayer, Math.abs(expected[i] - one[i]));
            }
            assertTrue(fromOneLayer > 1e-3, spec.describe() + ": the second layer changes the answer");
        }
    }
}
