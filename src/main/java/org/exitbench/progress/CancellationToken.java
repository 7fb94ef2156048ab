package org.exitbench.progress;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flag that long operations poll between units of work. Cancelling is cooperative: the operation stops at
 * its next check by throwing {@link CancelledException}, leaving whatever it had already written intact.
 */
public final class CancellationToken {

    /** A token that is never cancelled, for callers that do not offer cancellation. */
    public static final CancellationToken NEVER = new CancellationToken();

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Requests cancellation. Has no effect on {@link #NEVER}. */
    public void cancel() {
        if (this != NEVER) {
            cancelled.set(true);
        }
    }

    /** @return whether cancellation was requested */
    public boolean isCancelled() {
        return cancelled.get();
    }

    /**
     * Throws if cancellation was requested.
     *
     * @throws CancelledException when {@link #cancel()} was called
     */
    public void throwIfCancelled() {
        if (cancelled.get()) {
            throw new CancelledException();
        }
    }
}
