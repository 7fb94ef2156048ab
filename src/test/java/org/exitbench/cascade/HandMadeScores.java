package org.exitbench.cascade;

/**
 * Builds small {@link ExitScores} from chosen predictions and confidences, for specification-style tests:
 * sample i's softmax at exit k puts {@code confidence[k][i]} on {@code predicted[k][i]} and spreads the rest
 * evenly over the other classes, so the confidence is exactly the given float.
 */
public final class HandMadeScores {

    private HandMadeScores() {
    }

    /**
     * @param classes    C
     * @param predicted  [exit][sample] the class each exit predicts
     * @param confidence [exit][sample] its probability, above 1 / C so that it is the argmax
     * @param backbone   [sample] the backbone's prediction
     * @param labels     [sample] the ground truth
     */
    public static ExitScores of(int classes, int[][] predicted, float[][] confidence, int[] backbone, int[] labels) {
        float[][] probabilities = new float[predicted.length][];
        for (int k = 0; k < predicted.length; k++) {
            probabilities[k] = softmaxRows(classes, predicted[k], confidence[k]);
        }
        return ExitScores.fromProbabilities(probabilities, backbone, labels, classes);
    }

    /** @return N × C rows with {@code confidence[i]} on {@code predicted[i]}, the rest spread evenly */
    public static float[] softmaxRows(int classes, int[] predicted, float[] confidence) {
        float[] p = new float[predicted.length * classes];
        for (int i = 0; i < predicted.length; i++) {
            if (confidence[i] <= 1.0f / classes) {
                throw new IllegalArgumentException("sample " + i + ": confidence " + confidence[i]
                        + " would not be the largest probability");
            }
            float rest = (1.0f - confidence[i]) / (classes - 1);
            for (int c = 0; c < classes; c++) {
                p[i * classes + c] = c == predicted[i] ? confidence[i] : rest;
            }
        }
        return p;
    }
}
