package org.exitbench.experiment;

import org.exitbench.progress.ExitbenchException;

/**
 * An experiment that cannot run as asked: no backbone where one is expected, a dataset that does not fit the
 * backbone, exit points the backbone lacks. The message says what is wrong and, where there is one, what to do.
 */
public final class ExperimentException extends ExitbenchException {

    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
