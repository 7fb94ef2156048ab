package org.exitbench.app.operatingpoint;

import javafx.scene.Node;

/**
 * Refreshes a pane from the operating point only while the pane is shown: a hidden pane just notes that it is
 * stale and catches up when it is shown again. The panes share one frame's budget per slider move, and the one
 * on screen gets all of it.
 */
public final class RefreshWhenShown {

    private final Node pane;
    private final Runnable refresh;
    private boolean stale;

    /**
     * @param pane    the pane's root, whose visibility says whether it is shown
     * @param refresh brings the pane up to date with the operating point
     */
    public RefreshWhenShown(Node pane, Runnable refresh) {
        this.pane = pane;
        this.refresh = refresh;
        pane.visibleProperty().addListener((obs, was, now) -> {
            if (now && stale) {
                request();
            }
        });
    }

    /** Refreshes now if the pane is shown, or else when it is shown next. */
    public void request() {
        if (!pane.isVisible()) {
            stale = true;
            return;
        }
        stale = false;
        refresh.run();
    }
}
