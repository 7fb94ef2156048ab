package org.exitbench.app.training;

/**
 * One epoch of a training curve.
 *
 * @param epoch         1-based
 * @param trainLoss     the mean training loss of the epoch
 * @param validLoss     the validation loss after it, or NaN when not measured (the backbone reports accuracy only)
 * @param validAccuracy the validation accuracy after it
 */
public record CurvePoint(int epoch, double trainLoss, double validLoss, double validAccuracy) {
}
