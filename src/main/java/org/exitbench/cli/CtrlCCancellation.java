package org.exitbench.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.exitbench.progress.CancellationToken;

/**
 * Turns Ctrl-C into a cancellation: while open, a shutdown hook cancels the token and then waits (up to a limit)
 * for the work to finish cleaning up, since the JVM halts as soon as the hook returns. Closing it marks the work
 * finished and removes the hook. Use it in a try-with-resources block around the work.
 */
final class CtrlCCancellation implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param cancel   the token the work polls
     * @param maxWait  how long the hook waits for the work to stop
     * @param name     the hook thread's name
     */
    CtrlCCancellation(CancellationToken cancel, long maxWait, TimeUnit unit, String name) {
        hook = new Thread(() -> {
            cancel.cancel();
            try {
                finished.await(maxWait, unit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C arrived: the hook is running and returns now that the work has stopped.
        }
    }
}
