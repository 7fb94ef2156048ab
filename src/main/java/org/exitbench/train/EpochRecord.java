package org.exitbench.train;

/**
 * What one finished epoch measured.
 *
 * @param epoch              the epoch, 1-based
 * @param learningRate       the learning rate it trained with
 * @param trainLoss          the mean training loss over its batches
 * @param trainAccuracy      the training accuracy measured during its updates (NaN when not measurable)
 * @param validationAccuracy the validation accuracy after it
 * @param seconds            wall time of training and validating it
 */
public record EpochRecord(int epoch, double learningRate, double trainLoss, double trainAccuracy,
                          double validationAccuracy, double seconds) {
}
