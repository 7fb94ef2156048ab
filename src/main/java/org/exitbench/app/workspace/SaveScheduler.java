package org.exitbench.app.workspace;

/**
 * When an automatic save runs: the app waits until the settings have been still for a moment
 * ({@link DelayedSaves}), so dragging a slider does not write the workspace file on every step; tests save at once.
 */
@FunctionalInterface
public interface SaveScheduler {

    /** Saves at once. */
    SaveScheduler IMMEDIATE = Runnable::run;

    /**
     * Asks for {@code save} to run soon; a later request before it ran replaces it.
     *
     * @param save writes the workspace
     */
    void schedule(Runnable save);
}
