package org.exitbench.app.operatingpoint;

import javafx.animation.AnimationTimer;

/**
 * Runs a requested update at the start of the next JavaFX pulse, before CSS, layout and rendering of that
 * frame, so the update and everything it changes on screen land in the same frame. The timer runs only while
 * an update is pending: an idle window requests no frames. Use on the JavaFX application thread.
 */
public final class PulseScheduler implements UpdateScheduler {

    private Runnable pending;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            stop();
            Runnable update = pending;
            pending = null;
            if (update != null) {
                update.run();
            }
        }
    };

    @Override
    public void schedule(Runnable update) {
        pending = update;
        timer.start();
    }
}
