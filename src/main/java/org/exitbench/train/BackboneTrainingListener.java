package org.exitbench.train;

import org.exitbench.progress.ProgressListener;

/** Receives the progress of backbone training, on the training thread. */
@FunctionalInterface
public interface BackboneTrainingListener {

    /** A listener that ignores every event. */
    BackboneTrainingListener NONE = event -> { };

    /** Called after every mini-batch and at the end of every epoch. */
    void onProgress(BackboneTrainingProgress event);

    /**
     * Adapts a generic progress listener: one unit per mini-batch, with a message that names the epoch, the
     * loss and the accuracies.
     */
    static BackboneTrainingListener reportingTo(ProgressListener listener) {
        return event -> {
            String message = event.kind() == BackboneTrainingProgress.Kind.EPOCH_END
                    ? String.format("Epoch %d/%d done: loss %.4f, train accuracy %.4f, validation accuracy %.4f",
                            event.epoch(), event.epochs(), event.loss(), event.trainAccuracy(),
                            event.validationAccuracy())
                    : String.format("Training epoch %d/%d: loss %.4f, train accuracy %.4f",
                            event.epoch(), event.epochs(), event.loss(), event.trainAccuracy());
            listener.report(message, (long) (event.epoch() - 1) * event.batchesPerEpoch() + event.batch(),
                    (long) event.epochs() * event.batchesPerEpoch());
        };
    }
}
