package org.exitbench.app.analysis;

/**
 * One cell of a per-exit confusion matrix: the test images that left at {@code exit} with ground truth
 * {@code trueClass} and answer {@code predictedClass}.
 *
 * @param exit           0..K−1 for a branch, K for the backbone head
 * @param trueClass      the ground truth
 * @param predictedClass the cascade's answer
 */
public record ConfusionCell(int exit, int trueClass, int predictedClass) {
}
