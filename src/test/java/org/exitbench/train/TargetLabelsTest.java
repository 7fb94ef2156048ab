package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.exitbench.model.SplitFeatures;
import org.junit.jupiter.api.Test;

/** The label rows each target produces, from the cached logits, predictions and labels alone. */
class TargetLabelsTest {

    // Three samples, three classes. Sample 0: backbone says 2, truth 2; sample 1: backbone 0, truth 1;
    // sample 2: backbone 1, truth 1. Logits as a backbone head would give them.
    private static final SplitFeatures SPLIT = new SplitFeatures(new int[] {1}, List.of(new float[3]), 3,
            new float[] {0f, 1f, 3f, /**/ 2f, 1.5f, -1f, /**/ 0f, ln(4), 0f},
            new int[] {2, 0, 1}, new int[] {2, 1, 1});

    private static float ln(double x) {
        return (float) Math.log(x);
    }

    @Test
    void backboneArgmaxIsOneHotOfTheBackbonesPrediction() {
        assertArrayEquals(new float[] {1, 0, 0, /**/ 0, 0, 1},
                TargetLabels.of(BranchTarget.BACKBONE_ARGMAX, 4, SPLIT, new int[] {1, 0}));
    }

    @Test
    void groundTruthIsOneHotOfTheLabel() {
        assertArrayEquals(new float[] {0, 1, 0, /**/ 0, 0, 1},
                TargetLabels.of(BranchTarget.GROUND_TRUTH, 4, SPLIT, new int[] {1, 0}));
    }

    @Test
    void distillationIsTheBackbonesSoftmaxAtTemperatureT() {
        // Sample 2 has logits (0, ln 4, 0): at T = 2 the weights are (1, 2, 1) / 4.
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f},
                TargetLabels.of(BranchTarget.DISTILLATION, 2, SPLIT, new int[] {2}), 1e-6f);
        // At T = 1 it is the plain softmax: (1, 4, 1) / 6.
        assertArrayEquals(new float[] {1 / 6f, 4 / 6f, 1 / 6f},
                TargetLabels.of(BranchTarget.DISTILLATION, 1, SPLIT, new int[] {2}), 1e-6f);
        // A higher temperature flattens: the largest probability of sample 0 falls with T.
        float t1 = TargetLabels.of(BranchTarget.DISTILLATION, 1, SPLIT, new int[] {0})[2];
        float t4 = TargetLabels.of(BranchTarget.DISTILLATION, 4, SPLIT, new int[] {0})[2];
        assertEquals(Math.exp(3) / (1 + Math.E + Math.exp(3)), t1, 1e-6);
        assertEquals(Math.exp(0.75) / (1 + Math.exp(0.25) + Math.exp(0.75)), t4, 1e-6);
    }

    @Test
    void backboneProbabilitiesAreTheSoftmaxOfEverySample() {
        float[] p = TargetLabels.backboneProbabilities(SPLIT);
        assertArrayEquals(new float[] {1 / 6f, 4 / 6f, 1 / 6f}, java.util.Arrays.copyOfRange(p, 6, 9), 1e-6f);
    }
}
