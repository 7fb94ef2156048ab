package org.exitbench.cascade;

import java.util.Arrays;
import java.util.Objects;

/**
 * What every exit branch said about every sample of one split, reduced to what threshold decisions need:
 * for exit k and sample i the predicted class, the confidence (largest softmax probability), the normalised
 * entropy of the softmax, and the top classes with their probabilities; plus the backbone's own prediction and
 * the ground-truth label of each sample.
 *
 * <p>Exits are numbered from 0 to {@link #exitCount()} − 1 in the order a sample meets them; the backbone's
 * final head is not one of them (the cascade falls back to it when no exit fires). The object is immutable and
 * safe to share between threads. Values live in primitive arrays laid out sample by sample (all exits of one
 * sample are adjacent), which is what {@link CascadeEvaluator}'s scan reads; the accessors copy nothing.
 */
public final class ExitScores {

    /** How many of the most probable classes are kept per exit and sample (fewer when there are fewer classes). */
    public static final int TOP_CLASSES = 3;

    /** Largest tolerated |Σp − 1| of one softmax row; float32 softmax over a few hundred classes stays far below. */
    private static final double SUM_TOLERANCE = 1e-3;

    private final int exits;
    private final int samples;
    private final int classes;
    private final int top;
    // Sample-major: the value of exit k for sample i is at [i * K + k].
    final int[] predicted;
    // The same predictions with the backbone's appended, at [i * (K + 1) + e] for e = 0..K, so the evaluator
    // reads the answer of whichever exit a sample takes without a branch. Both layouts are kept: the evaluator
    // measured about 10 % faster reading thresholds through the first and answers through the second.
    final int[] answers;
    final float[] confidence;
    // 1 − normalised entropy, the score of ExitRule.ENTROPY; computed in double, then rounded.
    final float[] certainty;
    private final float[] entropy;
    // [(i * exits + k) * top + r]
    private final int[] topClass;
    private final float[] topProbability;
    final int[] labels;
    // [i * top + r]; built from backbone predictions alone, only rank 0 is known (the rest are -1 and NaN).
    private final int[] backboneTopClass;
    private final float[] backboneTopProbability;
    private final boolean backboneProbabilitiesKnown;
    private final ScoreRanking[][] rankings;
    // The score of ExitRule.DERIVED, sample-major like the others; null until a decision rule is attached.
    private final float[] derived;

    /** A copy sharing every array of {@code source}, with {@code derived} as the score of {@link ExitRule#DERIVED}. */
    private ExitScores(ExitScores source, float[] derived) {
        this.exits = source.exits;
        this.samples = source.samples;
        this.classes = source.classes;
        this.top = source.top;
        this.predicted = source.predicted;
        this.answers = source.answers;
        this.confidence = source.confidence;
        this.certainty = source.certainty;
        this.entropy = source.entropy;
        this.topClass = source.topClass;
        this.topProbability = source.topProbability;
        this.labels = source.labels;
        this.backboneTopClass = source.backboneTopClass;
        this.backboneTopProbability = source.backboneTopProbability;
        this.backboneProbabilitiesKnown = source.backboneProbabilitiesKnown;
        this.rankings = new ScoreRanking[ExitRule.values().length][exits];
        this.derived = derived;
    }

    private ExitScores(BranchArrays branches, int[] backbonePredicted, int[] backboneTopClass,
            float[] backboneTopProbability, boolean backboneProbabilitiesKnown) {
        this.exits = branches.exits;
        this.samples = branches.labels.length;
        this.classes = branches.classes;
        this.top = branches.top;
        this.predicted = branches.predicted;
        this.answers = new int[Math.multiplyExact(samples, exits + 1)];
        for (int i = 0; i < samples; i++) {
            System.arraycopy(branches.predicted, i * exits, answers, i * (exits + 1), exits);
            answers[i * (exits + 1) + exits] = backbonePredicted[i];
        }
        this.confidence = branches.confidence;
        this.certainty = branches.certainty;
        this.entropy = branches.entropy;
        this.topClass = branches.topClass;
        this.topProbability = branches.topProbability;
        this.labels = branches.labels;
        this.backboneTopClass = backboneTopClass;
        this.backboneTopProbability = backboneTopProbability;
        this.backboneProbabilitiesKnown = backboneProbabilitiesKnown;
        this.rankings = new ScoreRanking[ExitRule.values().length][exits];
        this.derived = null;
    }

    /**
     * The same scores with a decision rule's score attached as {@link ExitRule#DERIVED}; every other array is
     * shared, not copied.
     *
     * @param scores N × K values, sample-major (exit k of sample i at {@code [i * K + k]}), each in [0, 1]
     * @throws IllegalArgumentException naming the position of the first value outside [0, 1] (or NaN), or when
     *                                  the length is not N × K
     */
    public ExitScores withDerivedScores(float[] scores) {
        requireNotNull(scores, "scores");
        requireLength(scores.length, (long) samples * exits, "derived scores");
        for (int at = 0; at < scores.length; at++) {
            float v = scores[at];
            // The rankings sort the scores' bit patterns, which order like the values only for non-negative ones.
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("derived scores: sample " + at / exits + ", exit " + at % exits
                        + ": " + v + " is outside [0, 1]");
            }
        }
        return new ExitScores(this, scores.clone());
    }

    /** @return whether a decision rule's score is attached ({@link #withDerivedScores}) */
    public boolean hasDerivedScores() {
        return derived != null;
    }

    /**
     * Builds the scores from the branches' softmax outputs and the backbone's predictions.
     *
     * @param exitProbabilities one array per exit, each N × C softmax probabilities in row-major order
     *                          (sample i's probabilities at {@code [i * C, (i + 1) * C)})
     * @param backbonePredictions the backbone head's predicted class per sample
     * @param labels            the ground-truth class per sample
     * @param classCount        C, at least 2
     * @return the scores; the backbone's top classes beyond the first are unknown
     *         ({@link #hasBackboneProbabilities()} is false)
     * @throws IllegalArgumentException naming the argument and position of the first bad value
     */
    public static ExitScores fromProbabilities(float[][] exitProbabilities, int[] backbonePredictions,
            int[] labels, int classCount) {
        requireNotNull(backbonePredictions, "backbonePredictions");
        BranchArrays branches = BranchArrays.of(exitProbabilities, labels, classCount);
        int n = branches.labels.length;
        int top = branches.top;
        requireLength(backbonePredictions.length, n, "backbonePredictions");
        int[] predicted = new int[n];
        int[] topClass = new int[n * top];
        float[] topProbability = new float[n * top];
        Arrays.fill(topClass, -1);
        Arrays.fill(topProbability, Float.NaN);
        for (int i = 0; i < n; i++) {
            predicted[i] = requireClass(backbonePredictions[i], classCount, "backbonePredictions", i);
            topClass[i * top] = predicted[i];
        }
        return new ExitScores(branches, predicted, topClass, topProbability, false);
    }

    /**
     * Builds the scores from the branches' and the backbone's softmax outputs; the backbone's prediction is the
     * argmax of its probabilities (ties to the lower class index) and its top classes are kept for display.
     *
     * @param exitProbabilities     one array per exit, each N × C softmax probabilities in row-major order
     * @param backboneProbabilities the backbone head's N × C softmax probabilities in row-major order
     * @param labels                the ground-truth class per sample
     * @param classCount            C, at least 2
     * @throws IllegalArgumentException naming the argument and position of the first bad value
     */
    public static ExitScores fromProbabilities(float[][] exitProbabilities, float[] backboneProbabilities,
            int[] labels, int classCount) {
        requireNotNull(backboneProbabilities, "backboneProbabilities");
        BranchArrays branches = BranchArrays.of(exitProbabilities, labels, classCount);
        int n = branches.labels.length;
        int top = branches.top;
        requireLength(backboneProbabilities.length, (long) n * classCount, "backboneProbabilities");
        int[] predicted = new int[n];
        int[] topClass = new int[n * top];
        float[] topProbability = new float[n * top];
        float[] confidence = new float[n];
        for (int i = 0; i < n; i++) {
            checkRow(backboneProbabilities, i, classCount, "backboneProbabilities");
            predicted[i] = topClasses(backboneProbabilities, i * classCount, classCount, top, topClass,
                    topProbability, i * top, confidence, i);
        }
        return new ExitScores(branches, predicted, topClass, topProbability, true);
    }

    /** The per-exit arrays, computed from the branches' probabilities before the object is constructed. */
    private static final class BranchArrays {
        final int exits;
        final int classes;
        final int top;
        final int[] labels;
        final int[] predicted;
        final float[] confidence;
        final float[] certainty;
        final float[] entropy;
        final int[] topClass;
        final float[] topProbability;

        private BranchArrays(int exits, int samples, int classes) {
            this.exits = exits;
            this.classes = classes;
            this.top = Math.min(TOP_CLASSES, classes);
            int cells = Math.multiplyExact(samples, exits);
            this.labels = new int[samples];
            this.predicted = new int[cells];
            this.confidence = new float[cells];
            this.certainty = new float[cells];
            this.entropy = new float[cells];
            this.topClass = new int[Math.multiplyExact(cells, top)];
            this.topProbability = new float[cells * top];
        }

        static BranchArrays of(float[][] exitProbabilities, int[] labels, int classCount) {
            requireNotNull(exitProbabilities, "exitProbabilities");
            requireNotNull(labels, "labels");
            if (exitProbabilities.length == 0) {
                throw new IllegalArgumentException("exitProbabilities: at least one exit is needed");
            }
            if (classCount < 2) {
                throw new IllegalArgumentException("classCount must be at least 2, was " + classCount);
            }
            int exits = exitProbabilities.length;
            int n = labels.length;
            BranchArrays a = new BranchArrays(exits, n, classCount);
            for (int i = 0; i < n; i++) {
                a.labels[i] = requireClass(labels[i], classCount, "labels", i);
            }
            double logClasses = Math.log(classCount);
            for (int k = 0; k < exits; k++) {
                String name = "exitProbabilities[" + k + "]";
                float[] p = exitProbabilities[k];
                requireNotNull(p, name);
                requireLength(p.length, (long) n * classCount, name);
                for (int i = 0; i < n; i++) {
                    double h = checkRow(p, i, classCount, name);
                    int cell = i * exits + k;
                    a.predicted[cell] = topClasses(p, i * classCount, classCount, a.top, a.topClass,
                            a.topProbability, cell * a.top, a.confidence, cell);
                    // Normalised to [0, 1]; the clamp only removes rounding outside the range.
                    double normalised = Math.min(1.0, Math.max(0.0, h / logClasses));
                    a.entropy[cell] = (float) normalised;
                    a.certainty[cell] = (float) (1.0 - normalised);
                }
            }
            return a;
        }
    }

    /** Checks one softmax row and returns its entropy in nats. */
    private static double checkRow(float[] p, int sample, int classCount, String name) {
        int row = sample * classCount;
        double sum = 0;
        double h = 0;
        for (int c = 0; c < classCount; c++) {
            float v = p[row + c];
            if (!(v >= 0f) || v > 1f) {
                throw new IllegalArgumentException(name + ": sample " + sample + ", class " + c
                        + ": probability " + v + " is outside [0, 1]");
            }
            sum += v;
            if (v > 0f) {
                h -= v * Math.log(v);
            }
        }
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new IllegalArgumentException(name + ": sample " + sample + ": probabilities sum to " + sum
                    + ", expected 1 (pass softmax outputs, not logits)");
        }
        return h;
    }

    /**
     * Writes the {@code top} most probable classes of one row (ties to the lower class index), stores the largest
     * probability in {@code maxOut[maxAt]} and returns the argmax.
     */
    private static int topClasses(float[] p, int row, int classCount, int top, int[] classOut, float[] probOut,
            int at, float[] maxOut, int maxAt) {
        for (int r = 0; r < top; r++) {
            int best = -1;
            float bestValue = -1f;
            for (int c = 0; c < classCount; c++) {
                float v = p[row + c];
                if (v > bestValue && !alreadyTaken(classOut, at, r, c)) {
                    best = c;
                    bestValue = v;
                }
            }
            classOut[at + r] = best;
            probOut[at + r] = bestValue;
        }
        maxOut[maxAt] = probOut[at];
        return classOut[at];
    }

    private static boolean alreadyTaken(int[] classOut, int at, int filled, int c) {
        for (int r = 0; r < filled; r++) {
            if (classOut[at + r] == c) {
                return true;
            }
        }
        return false;
    }

    private static void requireNotNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
    }

    private static void requireLength(long actual, long expected, String name) {
        if (actual != expected) {
            throw new IllegalArgumentException(name + " has " + actual + " values, expected " + expected);
        }
    }

    private static int requireClass(int value, int classCount, String name, int sample) {
        if (value < 0 || value >= classCount) {
            throw new IllegalArgumentException(name + "[" + sample + "] = " + value + " is not a class in [0, "
                    + classCount + ")");
        }
        return value;
    }

    /** @return K, the number of exit branches (the backbone head not included) */
    public int exitCount() {
        return exits;
    }

    /** @return N, the number of samples */
    public int sampleCount() {
        return samples;
    }

    /** @return C, the number of classes */
    public int classCount() {
        return classes;
    }

    /** @return how many top classes {@link #topClass} offers per exit and sample: min(3, C) */
    public int topCount() {
        return top;
    }

    /** @return the class exit {@code exit} predicts for sample {@code sample} (its softmax argmax) */
    public int predicted(int exit, int sample) {
        return predicted[cell(exit, sample)];
    }

    /** @return the largest softmax probability of exit {@code exit} for sample {@code sample} */
    public float confidence(int exit, int sample) {
        return confidence[cell(exit, sample)];
    }

    /** @return the entropy of exit {@code exit}'s softmax for sample {@code sample}, divided by ln C: in [0, 1] */
    public float normalisedEntropy(int exit, int sample) {
        return entropy[cell(exit, sample)];
    }

    /**
     * @return the score {@code rule} compares with the threshold: the confidence, 1 − normalised entropy
     *         (computed in double precision, then rounded to float), or the attached derived score
     * @throws IllegalArgumentException for {@link ExitRule#DERIVED} when no derived score is attached
     */
    public float score(ExitRule rule, int exit, int sample) {
        return scoreArray(rule)[cell(exit, sample)];
    }

    /**
     * @param rank 0 for the most probable class, up to {@link #topCount()} − 1
     * @return the class at that rank in exit {@code exit}'s softmax for sample {@code sample}
     */
    public int topClass(int exit, int sample, int rank) {
        return topClass[cell(exit, sample) * top + checkRank(rank)];
    }

    /** @return the probability of {@link #topClass(int, int, int)} */
    public float topProbability(int exit, int sample, int rank) {
        return topProbability[cell(exit, sample) * top + checkRank(rank)];
    }

    /** @return the backbone head's predicted class for sample {@code sample} */
    public int backbonePredicted(int sample) {
        return answers[Objects.checkIndex(sample, samples) * (exits + 1) + exits];
    }

    /** @return the ground-truth class of sample {@code sample} */
    public int label(int sample) {
        return labels[sample];
    }

    /** @return whether the backbone's top classes and probabilities are known (built from its probabilities) */
    public boolean hasBackboneProbabilities() {
        return backboneProbabilitiesKnown;
    }

    /**
     * @return the backbone's class at rank {@code rank}; rank 0 is always known, the others only when
     *         {@link #hasBackboneProbabilities()} (otherwise −1)
     */
    public int backboneTopClass(int sample, int rank) {
        return backboneTopClass[sample * top + checkRank(rank)];
    }

    /** @return the probability of {@link #backboneTopClass(int, int)}, NaN when unknown */
    public float backboneTopProbability(int sample, int rank) {
        return backboneTopProbability[sample * top + checkRank(rank)];
    }

    /**
     * The samples ordered by exit {@code exit}'s score under {@code rule}, highest first. Computed on first use
     * (one sort of N keys) and kept, so calibrating many times on the same scores sorts only once.
     */
    public ScoreRanking ranking(ExitRule rule, int exit) {
        Objects.checkIndex(exit, exits);
        synchronized (rankings) {
            ScoreRanking r = rankings[rule.ordinal()][exit];
            if (r == null) {
                r = ScoreRanking.of(scoreArray(rule), exit, exits, samples);
                rankings[rule.ordinal()][exit] = r;
            }
            return r;
        }
    }

    float[] scoreArray(ExitRule rule) {
        return switch (rule) {
            case MAX_SOFTMAX -> confidence;
            case ENTROPY -> certainty;
            case DERIVED -> {
                if (derived == null) {
                    throw new IllegalArgumentException("these scores carry no derived score: attach the decision "
                            + "rule's scores (withDerivedScores) before thresholding " + ExitRule.DERIVED);
                }
                yield derived;
            }
        };
    }

    private int cell(int exit, int sample) {
        Objects.checkIndex(exit, exits);
        Objects.checkIndex(sample, samples);
        return sample * exits + exit;
    }

    private int checkRank(int rank) {
        return Objects.checkIndex(rank, top);
    }

    @Override
    public String toString() {
        return "ExitScores[" + exits + " exits, " + samples + " samples, " + classes + " classes]";
    }
}
