package org.exitbench.app.shell;

/** The four panes of the main window, in navigation order. */
public enum WorkbenchPane {
    DATA("Data", "Open a dataset and look at its splits, classes and images."),
    TRAINING("Training", "Train the exit branches on the frozen backbone, boosted (each branch on the images the"
            + " earlier exits did not take) or not, and watch loss, accuracy and the survivors funnel live."),
    CALIBRATION("Calibration", "Set each exit's per-class thresholds with the Class Precision Margin and see"
            + " accuracy and compute saved change as you drag."),
    ANALYSIS("Analysis", "Compare accuracy against compute, see which classes leave at which exit, and browse"
            + " the images each exit caught.");

    private final String title;
    private final String purpose;

    WorkbenchPane(String title, String purpose) {
        this.title = title;
        this.purpose = purpose;
    }

    /** @return the pane's name in the navigation */
    public String title() {
        return title;
    }

    /** @return one sentence on what the pane is for */
    public String purpose() {
        return purpose;
    }

    /** @return the digit of its Ctrl+digit shortcut: 1 for Data … 4 for Analysis */
    public int shortcutDigit() {
        return ordinal() + 1;
    }
}
