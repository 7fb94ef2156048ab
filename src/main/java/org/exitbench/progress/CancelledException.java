package org.exitbench.progress;

/** Thrown by an operation that stopped because its {@link CancellationToken} was cancelled. */
public final class CancelledException extends RuntimeException {

    public CancelledException() {
        super("Cancelled by the user");
    }
}
