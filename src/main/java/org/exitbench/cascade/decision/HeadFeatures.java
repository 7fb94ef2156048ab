package org.exitbench.cascade.decision;

/**
 * The features a learned exit-decision head reads at exit k, all things the cascade already has when it reaches
 * that exit: the branch's softmax vector (C values), its largest probability, the margin between its two largest,
 * its normalised entropy, and for every earlier exit j &lt; k its largest probability and whether its answer equals
 * exit k's (1 or 0). C + 3 + 2k values.
 */
public final class HeadFeatures {

    private HeadFeatures() {
    }

    /** @return how many features exit {@code exit} has with {@code classes} classes */
    public static int count(int classes, int exit) {
        return classes + 3 + 2 * exit;
    }

    /** Writes sample i's features at exit k into {@code out} from {@code at} on. */
    public static void write(DecisionInputs inputs, int exit, int sample, double[] out, int at) {
        int c = inputs.classes();
        float[] p = inputs.exitProbabilities()[exit];
        int row = sample * c;
        float first = -1f;
        float second = -1f;
        for (int j = 0; j < c; j++) {
            float v = p[row + j];
            out[at + j] = v;
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        out[at + c] = first;
        out[at + c + 1] = first - second;
        out[at + c + 2] = EntropyRule.normalisedEntropy(inputs, exit, sample);
        int own = inputs.predicted(exit, sample);
        for (int j = 0; j < exit; j++) {
            int answer = inputs.predicted(j, sample);
            out[at + c + 3 + 2 * j] = inputs.exitProbabilities()[j][sample * c + answer];
            out[at + c + 4 + 2 * j] = answer == own ? 1 : 0;
        }
    }
}
