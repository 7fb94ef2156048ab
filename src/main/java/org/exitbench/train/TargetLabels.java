package org.exitbench.train;

import org.exitbench.model.SplitFeatures;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The label rows an exit branch is trained against, computed from the feature cache alone: one-hot backbone
 * predictions, one-hot ground truth, or the backbone's softmax at temperature T.
 */
public final class TargetLabels {

    private TargetLabels() {
    }

    /**
     * @param target      what to predict
     * @param temperature T of {@link BranchTarget#DISTILLATION}; ignored otherwise
     * @param split       the cached split
     * @param rows        the samples, in the order wanted
     * @return {@code rows.length} rows of C values, row-major; each row sums to 1
     */
    public static float[] of(BranchTarget target, double temperature, SplitFeatures split, int[] rows) {
        int classes = split.numClasses();
        float[] labels = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            int row = rows[i];
            switch (target) {
                case BACKBONE_ARGMAX -> labels[i * classes + split.predictions()[row]] = 1f;
                case GROUND_TRUTH -> labels[i * classes + split.labels()[row]] = 1f;
                case DISTILLATION -> softmax(split.logits(), row * classes, classes, temperature, labels,
                        i * classes);
            }
        }
        return labels;
    }

    /**
     * Softmax of {@code values[from .. from + n)} divided by {@code temperature}, in double precision, into
     * {@code out[at .. at + n)}. The cache's logits may be pre-softmax or log-softmax: both give the same
     * softmax at every temperature (they differ by a constant per row).
     */
    static void softmax(float[] values, int from, int n, double temperature, float[] out, int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, values[from + c]);
        }
        double[] e = new double[n];
        double sum = 0;
        for (int c = 0; c < n; c++) {
            e[c] = Math.exp((values[from + c] - max) / temperature);
            sum += e[c];
        }
        for (int c = 0; c < n; c++) {
            out[at + c] = (float) (e[c] / sum);
        }
    }

    /** @return the backbone's softmax (temperature 1) for every sample of the split, N × C row-major */
    public static float[] backboneProbabilities(SplitFeatures split) {
        int classes = split.numClasses();
        float[] out = new float[split.size() * classes];
        for (int i = 0; i < split.size(); i++) {
            softmax(split.logits(), i * classes, classes, 1.0, out, i * classes);
        }
        return out;
    }

    /**
     * @return the loss that trains a branch towards {@code target}: distillation at T, or cross-entropy (the same
     *         loss at T = 1 on one-hot rows)
     */
    public static ILossFunction lossFor(BranchTarget target, double temperature) {
        return new SoftTargetLoss(target == BranchTarget.DISTILLATION ? temperature : 1.0);
    }

    /** The activation the branches' output layer applies, which a loss is evaluated through. */
    static ActivationSoftmax outputActivation() {
        return new ActivationSoftmax();
    }
}
