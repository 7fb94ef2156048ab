package org.exitbench.train;

/**
 * One progress event of backbone training: sent after every mini-batch ({@link Kind#BATCH}) and once more when
 * an epoch has been validated and checkpointed ({@link Kind#EPOCH_END}).
 *
 * @param kind                what happened
 * @param epoch               the epoch, 1-based
 * @param epochs              the most epochs the run will train
 * @param batch               mini-batches finished in this epoch
 * @param batchesPerEpoch     mini-batches in one epoch
 * @param loss                mean training loss (with the L2 term under SGD) over this epoch's batches so far
 * @param trainAccuracy       fraction of this epoch's training images classified right so far, measured on the
 *                            forward pass each update makes (so it lags the current weights); NaN when the
 *                            graph's output layer is of a kind the measurement does not support
 * @param validationAccuracy  accuracy on the validation split after this epoch; NaN for {@link Kind#BATCH}
 * @param learningRate        the learning rate of this epoch
 * @param imagesPerSecond     training throughput of this epoch so far
 * @param etaSeconds          estimated seconds until all epochs are done (early stopping may end sooner); NaN
 *                            before the first batch
 */
public record BackboneTrainingProgress(Kind kind, int epoch, int epochs, int batch, int batchesPerEpoch,
                                       double loss, double trainAccuracy, double validationAccuracy,
                                       double learningRate, double imagesPerSecond, double etaSeconds) {

    /** What an event reports. */
    public enum Kind {
        /** A mini-batch was trained. */
        BATCH,
        /** An epoch was validated and checkpointed; {@code validationAccuracy} is set. */
        EPOCH_END
    }

    /** @return the fraction of the whole run done, in [0, 1] */
    public double fraction() {
        double done = (epoch - 1) * (double) batchesPerEpoch + batch;
        return Math.min(1.0, done / ((double) epochs * batchesPerEpoch));
    }
}
