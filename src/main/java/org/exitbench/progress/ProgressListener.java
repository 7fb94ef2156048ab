package org.exitbench.progress;

/**
 * Receives progress of a long operation. Implementations must be thread-safe: engine code may report from
 * worker threads.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every report. */
    ProgressListener NONE = progress -> { };

    /**
     * Called whenever the operation advances.
     *
     * @param progress the current state; never {@code null}
     */
    void onProgress(Progress progress);

    /**
     * Reports {@code done} of {@code total} units with a message.
     *
     * @param message what is being done, in words a user understands
     * @param done    units finished so far
     * @param total   units in all, or a negative number when unknown
     */
    default void report(String message, long done, long total) {
        onProgress(new Progress(message, done, total));
    }
}
