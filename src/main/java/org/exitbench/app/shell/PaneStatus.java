package org.exitbench.app.shell;

/** The status dot next to a pane in the navigation. */
public enum PaneStatus {
    /** Nothing there yet. */
    EMPTY,
    /** Its content is current. */
    READY,
    /** Its content was computed from inputs that have changed since (e.g. a new dataset after training). */
    STALE;

    /** @return the CSS style class of the dot */
    public String styleClass() {
        return "status-" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
