package org.exitbench.app.workspace;

import javafx.animation.PauseTransition;
import javafx.util.Duration;

/** Runs the latest requested save once the requests have stopped for a second, on the UI thread. */
public final class DelayedSaves implements SaveScheduler {

    private final PauseTransition wait = new PauseTransition(Duration.seconds(1));
    private Runnable pending;

    public DelayedSaves() {
        wait.setOnFinished(event -> {
            Runnable save = pending;
            pending = null;
            if (save != null) {
                save.run();
            }
        });
    }

    @Override
    public void schedule(Runnable save) {
        pending = save;
        wait.playFromStart();
    }
}
