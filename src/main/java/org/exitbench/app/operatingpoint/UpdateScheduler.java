package org.exitbench.app.operatingpoint;

/**
 * Decides when a requested update runs. Requests that arrive before it has run are coalesced by the caller into
 * one: the app runs it once in the next frame ({@link PulseScheduler}), so a storm of slider events costs one
 * evaluation per frame; tests and benchmarks run it at once ({@link #IMMEDIATE}).
 */
@FunctionalInterface
public interface UpdateScheduler {

    /** Runs every update as soon as it is requested, on the calling thread. */
    UpdateScheduler IMMEDIATE = Runnable::run;

    /**
     * Arranges for {@code update} to run once, on the UI thread. The caller requests again only after it has run.
     *
     * @param update the update
     */
    void schedule(Runnable update);
}
