package org.exitbench.cascade.decision;

import java.util.Objects;

/**
 * What a decision rule reads for one split: every exit's full softmax output (the branches' own probabilities, as
 * the run folder stores them), N × C per exit. Rules derive every feature from these, so the same rule gives the
 * same scores in the workbench, in a saved run and in an exported cascade. Arrays are not copied; treat them as
 * read-only.
 *
 * @param exitProbabilities per exit, N × C probabilities, row-major
 * @param samples           N
 * @param classes           C, at least 2
 */
public record DecisionInputs(float[][] exitProbabilities, int samples, int classes) {

    /** @throws IllegalArgumentException naming the exit whose array has the wrong length */
    public DecisionInputs {
        Objects.requireNonNull(exitProbabilities, "exitProbabilities");
        if (exitProbabilities.length == 0) {
            throw new IllegalArgumentException("exitProbabilities: at least one exit is needed");
        }
        if (classes < 2 || samples < 0) {
            throw new IllegalArgumentException("need at least 2 classes and no negative sample count, got "
                    + classes + " classes and " + samples + " samples");
        }
        for (int k = 0; k < exitProbabilities.length; k++) {
            float[] p = Objects.requireNonNull(exitProbabilities[k], "exitProbabilities[" + k + "]");
            if (p.length != (long) samples * classes) {
                throw new IllegalArgumentException("exitProbabilities[" + k + "] has " + p.length + " values, expected "
                        + samples + " × " + classes);
            }
        }
    }

    /** @return the inputs with C inferred from the first exit's length */
    public static DecisionInputs of(float[][] exitProbabilities, int classes) {
        Objects.requireNonNull(exitProbabilities, "exitProbabilities");
        if (exitProbabilities.length == 0 || exitProbabilities[0] == null) {
            throw new IllegalArgumentException("exitProbabilities: at least one exit is needed");
        }
        return new DecisionInputs(exitProbabilities, exitProbabilities[0].length / classes, classes);
    }

    /** @return K, the number of exits */
    public int exitCount() {
        return exitProbabilities.length;
    }

    /** @return the inputs of exits 0..{@code exits} − 1 only */
    public DecisionInputs firstExits(int exits) {
        float[][] kept = new float[exits][];
        System.arraycopy(exitProbabilities, 0, kept, 0, exits);
        return new DecisionInputs(kept, samples, classes);
    }

    /** @return the inputs of the given rows only, in that order */
    public DecisionInputs rows(int[] rows) {
        float[][] kept = new float[exitProbabilities.length][];
        for (int k = 0; k < kept.length; k++) {
            float[] out = new float[rows.length * classes];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(exitProbabilities[k], rows[i] * classes, out, i * classes, classes);
            }
            kept[k] = out;
        }
        return new DecisionInputs(kept, rows.length, classes);
    }

    /** @return exit k's predicted class for sample i: the argmax, ties to the lower class (as ExitScores) */
    public int predicted(int exit, int sample) {
        float[] p = exitProbabilities[exit];
        int at = sample * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[at + c] > p[at + best]) {
                best = c;
            }
        }
        return best;
    }
}
