package org.exitbench.data;

import java.util.Locale;

/**
 * The three splits of a dataset and the role each plays in Exitbench: {@link #TRAIN} trains the backbone and
 * the branches, {@link #VALID} anchors and calibrates the CPM thresholds, {@link #TEST} is only for reporting.
 */
public enum Split {
    TRAIN, VALID, TEST;

    /** @return the folder name used by the ImageFolder layout: {@code train}, {@code valid} or {@code test} */
    public String folderName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
