package org.exitbench.cascade;

/**
 * Scores for a subset of a split's samples, built from the full split's softmax outputs: what CPM calibrates on
 * when only part of the validation split is set aside for it ({@link org.exitbench.calibrate.CalibrationSplit}).
 */
public final class ScoreRows {

    private ScoreRows() {
    }

    /**
     * @param exitProbabilities     per exit, the N × C probabilities of the whole split
     * @param backboneProbabilities the backbone's N × C probabilities of the whole split
     * @param labels                the N ground-truth classes
     * @param classCount            C
     * @param rows                  the rows to keep, in the order the new scores hold them
     * @return the scores of those rows alone
     */
    public static ExitScores select(float[][] exitProbabilities, float[] backboneProbabilities, int[] labels,
                                    int classCount, int[] rows) {
        float[][] exits = new float[exitProbabilities.length][];
        for (int e = 0; e < exits.length; e++) {
            exits[e] = rows(exitProbabilities[e], rows, classCount);
        }
        return ExitScores.fromProbabilities(exits, rows(backboneProbabilities, rows, classCount),
                rows(labels, rows), classCount);
    }

    /** @return the rows of an N × width row-major array */
    public static float[] rows(float[] values, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    /** @return the entries of {@code values} at {@code rows} */
    public static int[] rows(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }
}
