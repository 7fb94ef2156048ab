package org.exitbench.cascade;

import java.util.Arrays;
import java.util.Objects;

/**
 * Runs a cascade over precomputed {@link ExitScores}: given {@link Thresholds}, each sample leaves at the first
 * exit k whose score reaches τ[k][ĉ_k] (ĉ_k being exit k's predicted class), or at the backbone head when no
 * exit fires (PAPER §2.7, our reconstruction of the standard cascade). Costs follow the {@link CostModel}.
 *
 * <p>Built for interactive use: one evaluation is a single pass over the N samples that touches only primitive
 * arrays and allocates nothing; the small {@link CascadeResult} is built after the pass. The per-sample exits
 * of the latest evaluation stay available ({@link #exitOf}, {@link #copyExits}, {@link #survivorsAt}) for
 * galleries and survivor sets, and {@link #survivorStatistics()} adds the per-class survivor counts that
 * threshold tables show, in a second pass only when asked.
 *
 * <p><strong>Not thread-safe.</strong> The evaluator owns reusable work arrays, so confine each instance to one
 * thread (for example the GUI's evaluation worker) or give each thread its own; the {@link ExitScores} it reads
 * may be shared. The results it returns are immutable and may travel freely.
 */
public final class CascadeEvaluator {

    /** {@link #exitOf} of a sample left out of the latest evaluation by its subset mask. */
    public static final int NOT_EVALUATED = -1;

    private final ExitScores scores;
    private final CostModel costs;
    private final int exits;
    private final int classes;
    private final int samples;
    private final double[] exitCost;
    // Reusable work arrays: every evaluation overwrites them.
    private final double[] tau;       // [exit * C + class]
    private final int[] exitOf;       // [sample]
    private final int[] confusion;    // [(exit * C + true class) * C + answer], exit K + 1 discarded
    private final boolean[] everySample;
    private boolean evaluated;

    /**
     * @throws IllegalArgumentException when the cost model's number of exits differs from the scores'
     */
    public CascadeEvaluator(ExitScores scores, CostModel costs) {
        this.scores = Objects.requireNonNull(scores, "scores");
        this.costs = Objects.requireNonNull(costs, "costs");
        if (costs.exitCount() != scores.exitCount()) {
            throw new IllegalArgumentException("the cost model has " + costs.exitCount() + " exits, the scores have "
                    + scores.exitCount());
        }
        this.exits = scores.exitCount();
        this.classes = scores.classCount();
        this.samples = scores.sampleCount();
        this.exitCost = new double[exits + 1];
        for (int e = 0; e <= exits; e++) {
            exitCost[e] = costs.costOfExit(e);
        }
        this.tau = new double[exits * classes];
        this.exitOf = new int[samples];
        this.confusion = new int[(exits + 2) * classes * classes];
        this.everySample = new boolean[samples];
        Arrays.fill(everySample, true);
    }

    /** @return the scores this evaluator reads */
    public ExitScores scores() {
        return scores;
    }

    /** @return the cost model this evaluator charges */
    public CostModel costModel() {
        return costs;
    }

    /** Evaluates the cascade on every sample. */
    public CascadeResult evaluate(Thresholds thresholds) {
        return evaluate(thresholds, null);
    }

    /**
     * Evaluates the cascade on the samples whose {@code subset} entry is true (all samples when {@code subset}
     * is null); the others get {@link #NOT_EVALUATED} in {@link #exitOf}.
     *
     * @throws IllegalArgumentException when the thresholds' or the mask's shape does not fit the scores
     */
    public CascadeResult evaluate(Thresholds thresholds, boolean[] subset) {
        Objects.requireNonNull(thresholds, "thresholds");
        if (thresholds.exitCount() != exits || thresholds.classCount() != classes) {
            throw new IllegalArgumentException("thresholds are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, the scores " + exits + " × " + classes);
        }
        if (subset != null && subset.length != samples) {
            throw new IllegalArgumentException("subset has " + subset.length + " entries, the scores " + samples
                    + " samples");
        }
        thresholds.copyTo(tau);
        Arrays.fill(confusion, 0);
        long packed = scan(scores.scoreArray(thresholds.rule()), subset);
        evaluated = true;
        int evaluatedCount = (int) (packed >>> 32);
        int backboneCorrect = (int) packed;

        double macs = 0;
        int perExit = classes * classes;
        for (int e = 0; e <= exits; e++) {
            int leaving = 0;
            for (int cell = e * perExit, end = cell + perExit; cell < end; cell++) {
                leaving += confusion[cell];
            }
            macs += leaving * exitCost[e];
        }
        return new CascadeResult(exits, classes, evaluatedCount, backboneCorrect, macs / evaluatedCount,
                costs.fullBackboneMacs(), Arrays.copyOf(confusion, (exits + 1) * classes * classes));
    }

    /**
     * The hot loop: one pass, primitive arrays only, no allocation, and no data-dependent branch.
     *
     * @return the number of samples evaluated in the high 32 bits, how many of them the backbone gets right in
     *         the low 32 bits
     */
    private long scan(float[] score, boolean[] subset) {
        final int k = exits;
        final int stride = exits + 1;
        final int c = classes;
        final int discarded = exits + 1;
        final int[] predicted = scores.predicted;
        final int[] answers = scores.answers;
        final int[] labels = scores.labels;
        final boolean[] mask = subset == null ? everySample : subset;
        final double[] tau = this.tau;
        final int[] exitOf = this.exitOf;
        final int[] confusion = this.confusion;
        int evaluatedCount = 0;
        int backboneCorrect = 0;
        for (int i = 0, at = 0, base = 0; i < samples; i++, at += k, base += stride) {
            // The first exit that fires, found by visiting all exits from the last: the selects compile to
            // conditional moves, where an early break mispredicts on about every other sample (measured three
            // times slower at 3 exits). Samples outside the subset are counted in a discarded slot for the same
            // reason: a random mask would mispredict as often.
            int exit = k;
            for (int e = k - 1; e >= 0; e--) {
                exit = score[at + e] >= tau[e * c + predicted[at + e]] ? e : exit;
            }
            int in = mask[i] ? 1 : 0;
            int out = 1 - in;
            exitOf[i] = exit * in - out; // NOT_EVALUATED = -1 when out
            int label = labels[i];
            confusion[((exit + (discarded - exit) * out) * c + label) * c + answers[base + exit]]++;
            evaluatedCount += in;
            backboneCorrect += in & (answers[base + k] == label ? 1 : 0);
        }
        return ((long) evaluatedCount << 32) | backboneCorrect;
    }

    /**
     * Counts who reached each exit in the latest evaluation, per class: what a per-exit × per-class threshold
     * table shows next to each threshold, and the backbone precision among survivors that cascade-aware CPM
     * anchors on. A second pass over the N samples, kept out of {@link #evaluate} because most callers (sweeps,
     * calibration) do not need it and it would nearly double the cost of every evaluation.
     *
     * @throws IllegalStateException before the first evaluation
     */
    public SurvivorStatistics survivorStatistics() {
        requireEvaluated();
        final int k = exits;
        final int stride = exits + 1;
        final int c = classes;
        final int[] predicted = scores.predicted;
        final int[] answers = scores.answers;
        final int[] labels = scores.labels;
        int[] byBranchClass = new int[k * c];
        // [(exit * C + backbone class) * 4 + 2·(backbone right) + (cascade answer = backbone class)]
        int[] backboneOutcomes = new int[(k + 1) * c * 4];
        for (int i = 0, at = 0, base = 0; i < samples; i++, at += k, base += stride) {
            int exit = exitOf[i];
            if (exit == NOT_EVALUATED) {
                continue;
            }
            for (int e = 0; e < k; e++) {
                byBranchClass[e * c + predicted[at + e]] += e <= exit ? 1 : 0;
            }
            int backboneClass = answers[base + k];
            backboneOutcomes[((exit * c + backboneClass) << 2) | (backboneClass == labels[i] ? 2 : 0)
                    | (answers[base + exit] == backboneClass ? 1 : 0)]++;
        }
        int[] backboneAt = new int[(k + 1) * c];
        int[] backboneCorrectAt = new int[(k + 1) * c];
        int[] agreeing = new int[(k + 1) * c];
        int[] exitedByAnswer = new int[(k + 1) * c];
        for (int e = k; e >= 0; e--) {
            for (int cls = 0; cls < c; cls++) {
                int cell = e * c + cls;
                // Survivors at exit e are the samples leaving at e or later: suffix sums over the exits.
                int later = e < k ? cell + c : -1;
                backboneAt[cell] = later < 0 ? 0 : backboneAt[later];
                backboneCorrectAt[cell] = later < 0 ? 0 : backboneCorrectAt[later];
                for (int flags = 0; flags < 4; flags++) {
                    int n = backboneOutcomes[cell * 4 + flags];
                    backboneAt[cell] += n;
                    backboneCorrectAt[cell] += (flags & 2) != 0 ? n : 0;
                    agreeing[cell] += (flags & 1) != 0 ? n : 0;
                }
                for (int t = 0; t < c; t++) {
                    exitedByAnswer[cell] += confusion[(e * c + t) * c + cls];
                }
            }
        }
        return new SurvivorStatistics(k, c, byBranchClass, backboneAt, backboneCorrectAt, agreeing, exitedByAnswer);
    }

    /**
     * @return where sample {@code sample} left in the latest evaluation: 0..K−1 for a branch, K for the backbone
     *         head, {@link #NOT_EVALUATED} when the subset mask left it out
     * @throws IllegalStateException before the first evaluation
     */
    public int exitOf(int sample) {
        requireEvaluated();
        return exitOf[sample];
    }

    /**
     * @return the cascade's answer for sample {@code sample} in the latest evaluation, or −1 when it was not
     *         evaluated
     */
    public int predictionOf(int sample) {
        int exit = exitOf(sample);
        return exit == NOT_EVALUATED ? -1 : scores.answers[sample * (exits + 1) + exit];
    }

    /** Copies the exit of every sample from the latest evaluation into {@code target} (N places). */
    public void copyExits(int[] target) {
        requireEvaluated();
        System.arraycopy(exitOf, 0, target, 0, samples);
    }

    /**
     * Marks the samples that reached exit {@code exit} (0..K) in the latest evaluation: the survivors of the
     * exits before it, the set a boosted branch k trains and calibrates on.
     *
     * @param target N places; entry i becomes true when sample i was evaluated and reached {@code exit}
     */
    public void survivorsAt(int exit, boolean[] target) {
        requireEvaluated();
        Objects.checkIndex(exit, exits + 1);
        for (int i = 0; i < samples; i++) {
            target[i] = exitOf[i] >= exit;
        }
    }

    private void requireEvaluated() {
        if (!evaluated) {
            throw new IllegalStateException("no evaluation yet: call evaluate first");
        }
    }
}
