package org.exitbench.app.task;

import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * A piece of long work that runs off the UI thread: it reports progress and polls a cancellation token, exactly
 * as the engine's own long operations do, so engine calls can be passed in directly.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface BackgroundWork<T> {

    /**
     * Does the work.
     *
     * @param progress receives progress reports; may be called from any thread
     * @param cancel   polled between units of work
     * @return the result
     * @throws Exception any failure; {@link org.exitbench.progress.CancelledException} when cancelled
     */
    T run(ProgressListener progress, CancellationToken cancel) throws Exception;
}
