package org.exitbench.cascade;

import java.util.Objects;

/**
 * Per-class counts of who reached each exit in one cascade evaluation: for branch k and class c, how many
 * survivors branch k assigns to c (the pool τ[k][c] acts on); the backbone's precision among the survivors at
 * each exit (the anchor of cascade-aware CPM); and how often the samples leaving at an exit agree with the
 * backbone. Immutable; produced by {@link CascadeEvaluator#survivorStatistics()}.
 *
 * <p>Exits are numbered as in {@link CascadeResult}: 0..K−1 for branches, K for the backbone head. Ratios are
 * NaN when their denominator is zero.
 */
public final class SurvivorStatistics {

    private final int exits;
    private final int classes;
    private final int[] byBranchClass;     // [k * C + c], k < K
    private final int[] backboneAt;        // [e * C + c]: survivors at e the backbone assigns to c
    private final int[] backboneCorrectAt; // same, and the backbone is right
    private final int[] agreeing;          // [e * C + c]: leaving at e with answer c, backbone also says c
    private final int[] exitedByAnswer;    // [e * C + c]: leaving at e with answer c

    SurvivorStatistics(int exits, int classes, int[] byBranchClass, int[] backboneAt, int[] backboneCorrectAt,
            int[] agreeing, int[] exitedByAnswer) {
        this.exits = exits;
        this.classes = classes;
        this.byBranchClass = byBranchClass;
        this.backboneAt = backboneAt;
        this.backboneCorrectAt = backboneCorrectAt;
        this.agreeing = agreeing;
        this.exitedByAnswer = exitedByAnswer;
    }

    /** @return K */
    public int exitCount() {
        return exits;
    }

    /** @return C */
    public int classCount() {
        return classes;
    }

    /** @return how many samples reached branch {@code exit} (0..K−1) and that branch assigns to {@code branchClass} */
    public int survivorCount(int exit, int branchClass) {
        Objects.checkIndex(exit, exits);
        return byBranchClass[exit * classes + Objects.checkIndex(branchClass, classes)];
    }

    /** @return the backbone's precision for class {@code c} over all evaluated samples (CPM's full anchor) */
    public double backbonePrecision(int c) {
        return backbonePrecisionAmongSurvivors(0, c);
    }

    /**
     * @return the backbone's precision for class {@code c} among the survivors at {@code exit} (0..K): of those
     *         the backbone assigns to c, the fraction whose ground truth is c (cascade-aware CPM's anchor)
     */
    public double backbonePrecisionAmongSurvivors(int exit, int c) {
        int cell = cell(exit, c);
        return ratio(backboneCorrectAt[cell], backboneAt[cell]);
    }

    /**
     * @return among samples leaving at {@code exit} (0..K) with answer {@code answer}, the fraction the backbone
     *         assigns to the same class: the exit's precision measured against backbone labels
     */
    public double agreementWithBackbone(int exit, int answer) {
        int cell = cell(exit, answer);
        return ratio(agreeing[cell], exitedByAnswer[cell]);
    }

    private int cell(int exit, int c) {
        Objects.checkIndex(exit, exits + 1);
        return exit * classes + Objects.checkIndex(c, classes);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }
}
