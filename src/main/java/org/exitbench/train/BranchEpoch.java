package org.exitbench.train;

/**
 * One epoch of one branch's training, as reported to a {@link BranchTrainingListener} and kept in the history.
 *
 * @param mode          the training mode
 * @param exit          the exit's index among the feature cache's exits (0-based)
 * @param vertex        the backbone vertex the exit reads
 * @param fold          −1 for the branch the cascade uses, 0.. for a cross-fitting copy
 * @param epoch         1-based
 * @param trainLoss     the mean training loss over the epoch's batches (weighted in the soft mode)
 * @param validLoss     the loss on the validation samples that reach the exit (unweighted)
 * @param validAccuracy the branch's accuracy against ground truth on the same samples
 * @param trainSamples  training samples the branch learns from
 * @param trainWeight   their total weight (equal to {@code trainSamples} unless the mode is soft)
 * @param validSamples  validation samples that reach the exit
 * @param best          whether this epoch has the lowest validation loss so far (the parameters kept)
 */
public record BranchEpoch(BranchTrainingMode mode, int exit, String vertex, int fold, int epoch, double trainLoss,
                          double validLoss, double validAccuracy, int trainSamples, double trainWeight,
                          int validSamples, boolean best) {
}
