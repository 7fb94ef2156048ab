package org.exitbench.progress;

import java.util.Objects;

/**
 * One progress report: what is being done and how far it has come.
 *
 * @param message what is being done, in words a user understands
 * @param done    units finished so far
 * @param total   units in all, or a negative number when unknown
 */
public record Progress(String message, long done, long total) {

    public Progress {
        Objects.requireNonNull(message, "message");
    }

    /** @return the fraction done in [0, 1], or -1 when the total is unknown */
    public double fraction() {
        if (total <= 0) {
            return -1;
        }
        return Math.min(1.0, Math.max(0.0, (double) done / total));
    }
}
