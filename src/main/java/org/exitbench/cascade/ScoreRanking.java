package org.exitbench.cascade;

import java.util.Arrays;

/**
 * The samples of one split ordered by one exit's score, highest first; samples with equal scores follow in
 * ascending index order. Immutable. Calibrators walk it to find the largest prefix that meets a precision bar.
 *
 * @see ExitScores#ranking(ExitRule, int)
 */
public final class ScoreRanking {

    private final int[] samples;
    private final float[] scores;

    private ScoreRanking(int[] samples, float[] scores) {
        this.samples = samples;
        this.scores = scores;
    }

    /**
     * Orders {@code scores[offset + i * stride]} for {@code i} in {@code [0, count)} by descending score.
     * Scores must be non-negative and not NaN, which makes their IEEE bit patterns order like the values, so
     * one primitive sort of (inverted bits, index) keys does the work without boxing.
     */
    static ScoreRanking of(float[] scores, int offset, int stride, int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            int bits = Float.floatToIntBits(scores[offset + i * stride] + 0.0f);
            keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[count];
        float[] sorted = new float[count];
        for (int r = 0; r < count; r++) {
            order[r] = (int) keys[r];
            sorted[r] = Float.intBitsToFloat(Integer.MAX_VALUE - (int) (keys[r] >>> 32));
        }
        return new ScoreRanking(order, sorted);
    }

    /** @return the number of samples ranked (all samples of the split) */
    public int size() {
        return samples.length;
    }

    /**
     * @param rank 0 for the highest score
     * @return the index of the sample at that rank
     */
    public int sample(int rank) {
        return samples[rank];
    }

    /**
     * @param rank 0 for the highest score
     * @return the score at that rank (non-increasing in the rank)
     */
    public float score(int rank) {
        return scores[rank];
    }
}
