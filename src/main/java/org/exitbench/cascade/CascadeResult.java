package org.exitbench.cascade;

import java.util.Objects;

/**
 * The outcome of one cascade evaluation: where the evaluated samples left, how accurate the cascade was and
 * what it cost. Immutable; built by {@link CascadeEvaluator} after its scan from a few small count tables
 * (sizes in K and C only, never N), so it can be handed to another thread.
 *
 * <p>Exits are numbered 0..K−1 for the branches and K ({@link #backboneExit()}) for the backbone head. Rates
 * and precisions are fractions in [0, 1], and NaN when their denominator is zero (an exit nobody took, an
 * empty subset). "Survivors at exit k" are the samples that reach exit k: none of the exits before k fired;
 * per-class survivor counts are in {@link SurvivorStatistics}.
 */
public final class CascadeResult {

    private final int exits;
    private final int classes;
    private final int samples;
    private final double meanMacs;
    private final long fullBackboneMacs;
    private final int[] confusion; // [(exit * C + true class) * C + answer]
    private final int[] exitCounts;
    private final int[] exitCorrect;
    private final int[] classTotals;
    private final int correct;
    private final int backboneCorrect;

    CascadeResult(int exits, int classes, int samples, int backboneCorrect, double meanMacs, long fullBackboneMacs,
            int[] confusion) {
        this.exits = exits;
        this.classes = classes;
        this.samples = samples;
        this.meanMacs = meanMacs;
        this.fullBackboneMacs = fullBackboneMacs;
        this.confusion = confusion;
        this.exitCounts = new int[exits + 1];
        this.exitCorrect = new int[exits + 1];
        this.classTotals = new int[classes];
        int right = 0;
        for (int e = 0; e <= exits; e++) {
            for (int t = 0; t < classes; t++) {
                for (int p = 0; p < classes; p++) {
                    int n = confusion[(e * classes + t) * classes + p];
                    exitCounts[e] += n;
                    classTotals[t] += n;
                    if (t == p) {
                        exitCorrect[e] += n;
                    }
                }
            }
            right += exitCorrect[e];
        }
        this.correct = right;
        this.backboneCorrect = backboneCorrect;
    }

    /** @return K, the number of branches */
    public int exitCount() {
        return exits;
    }

    /** @return K: the index under which samples that no branch took are counted */
    public int backboneExit() {
        return exits;
    }

    /** @return C */
    public int classCount() {
        return classes;
    }

    /** @return the number of samples evaluated (the whole split, or the subset asked for) */
    public int sampleCount() {
        return samples;
    }

    /** @return the fraction of evaluated samples the cascade classifies correctly */
    public double accuracy() {
        return ratio(correct, samples);
    }

    /** @return the fraction of the same samples the backbone alone classifies correctly */
    public double backboneAccuracy() {
        return ratio(backboneCorrect, samples);
    }

    /** @return {@link #accuracy()} − {@link #backboneAccuracy()}: negative when the cascade loses accuracy */
    public double accuracyChange() {
        return accuracy() - backboneAccuracy();
    }

    /** @return the mean MACs per evaluated sample under the {@link CostModel} */
    public double meanMacs() {
        return meanMacs;
    }

    /** @return the MACs of the full backbone */
    public long fullBackboneMacs() {
        return fullBackboneMacs;
    }

    /** @return 1 − mean MACs / full backbone MACs; negative when the branches cost more than they save */
    public double computeReduction() {
        return 1.0 - meanMacs / fullBackboneMacs;
    }

    /** @return how many evaluated samples left at {@code exit} (0..K) */
    public int exitedCount(int exit) {
        return exitCounts[checkExit(exit)];
    }

    /** @return the fraction of evaluated samples that left at {@code exit} (0..K) */
    public double exitRate(int exit) {
        return ratio(exitedCount(exit), samples);
    }

    /** @return how many evaluated samples left at {@code exit} with {@code predictedClass} as the answer */
    public int exitedCount(int exit, int predictedClass) {
        checkExit(exit);
        Objects.checkIndex(predictedClass, classes);
        int n = 0;
        for (int t = 0; t < classes; t++) {
            n += confusion[(exit * classes + t) * classes + predictedClass];
        }
        return n;
    }

    /** @return how many evaluated samples have ground truth {@code trueClass} */
    public int classTotal(int trueClass) {
        return classTotals[Objects.checkIndex(trueClass, classes)];
    }

    /** @return the fraction of evaluated samples of ground-truth class {@code trueClass} that left at {@code exit} */
    public double exitRateOfClass(int exit, int trueClass) {
        checkExit(exit);
        Objects.checkIndex(trueClass, classes);
        int n = 0;
        for (int p = 0; p < classes; p++) {
            n += confusion[(exit * classes + trueClass) * classes + p];
        }
        return ratio(n, classTotals[trueClass]);
    }

    /** @return the fraction of the samples leaving at {@code exit} that are classified correctly */
    public double precision(int exit) {
        return ratio(exitCorrect[checkExit(exit)], exitCounts[exit]);
    }

    /**
     * @return among samples leaving at {@code exit} with answer {@code predictedClass}, the fraction whose
     *         ground truth is that class
     */
    public double precision(int exit, int predictedClass) {
        int exited = exitedCount(exit, predictedClass);
        return ratio(confusion[(exit * classes + predictedClass) * classes + predictedClass], exited);
    }

    /** @return the number of samples leaving at {@code exit} with ground truth {@code trueClass} and answer {@code predictedClass} */
    public int confusion(int exit, int trueClass, int predictedClass) {
        checkExit(exit);
        Objects.checkIndex(trueClass, classes);
        Objects.checkIndex(predictedClass, classes);
        return confusion[(exit * classes + trueClass) * classes + predictedClass];
    }

    /** @return a copy of the confusion matrix of the samples leaving at {@code exit}: [true class][predicted class] */
    public int[][] confusionMatrix(int exit) {
        checkExit(exit);
        int[][] m = new int[classes][classes];
        for (int t = 0; t < classes; t++) {
            System.arraycopy(confusion, (exit * classes + t) * classes, m[t], 0, classes);
        }
        return m;
    }

    /** @return how many evaluated samples reach {@code exit} (0..K): the survivors of the exits before it */
    public int survivorCount(int exit) {
        checkExit(exit);
        int n = 0;
        for (int e = exit; e <= exits; e++) {
            n += exitCounts[e];
        }
        return n;
    }

    private int checkExit(int exit) {
        return Objects.checkIndex(exit, exits + 1);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }

    @Override
    public String toString() {
        StringBuilder rates = new StringBuilder();
        for (int e = 0; e <= exits; e++) {
            rates.append(e == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3f", exitRate(e)));
        }
        return String.format(java.util.Locale.ROOT,
                "CascadeResult[n=%d, accuracy=%.4f, backbone=%.4f, reduction=%.4f, exit rates=[%s]]",
                samples, accuracy(), backboneAccuracy(), computeReduction(), rates);
    }
}
