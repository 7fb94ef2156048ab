package org.exitbench.train;

import org.exitbench.progress.ExitbenchException;

/** A training checkpoint is missing, unreadable, or does not fit the run that wants it; the message says which. */
public final class TrainingCheckpointException extends ExitbenchException {

    public TrainingCheckpointException(String message) {
        super(message);
    }

    public TrainingCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
