package org.exitbench.progress;

/**
 * The common base of the problems a user can fix: a file, a dataset, a checkpoint or an experiment that is not as
 * it should be. The message names the file or field at fault and says what is wrong, so the front ends show it as
 * it is: the CLI prints it and exits with status 1, the app shows it in a notice. A programming error is never one
 * of these; it stays an {@link IllegalArgumentException}, {@link IllegalStateException} or the like, and surfaces
 * with its stack trace.
 */
public class ExitbenchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExitbenchException(String message) {
        super(message);
    }

    public ExitbenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
