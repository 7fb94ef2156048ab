package org.exitbench.app.task;

import java.time.Duration;
import java.util.Optional;

/** Estimates the time a task has left from how far it has come, assuming it keeps its average pace. */
public final class EtaEstimate {

    /** Below this fraction done, or this time elapsed, the average pace says too little to show a number. */
    private static final double MIN_FRACTION = 0.02;
    private static final Duration MIN_ELAPSED = Duration.ofMillis(500);

    private EtaEstimate() {
    }

    /**
     * @param fraction the fraction done in [0, 1], or a negative number when unknown
     * @param elapsed  the time since the task started
     * @return the estimated time left, or empty when the task is too young or its total unknown
     */
    public static Optional<Duration> remaining(double fraction, Duration elapsed) {
        if (fraction < MIN_FRACTION || elapsed.compareTo(MIN_ELAPSED) < 0) {
            return Optional.empty();
        }
        if (fraction >= 1) {
            return Optional.of(Duration.ZERO);
        }
        long nanosLeft = (long) (elapsed.toNanos() * (1 - fraction) / fraction);
        return Optional.of(Duration.ofNanos(nanosLeft));
    }

    /**
     * @param left a time left
     * @return it as a user reads it: "about 0:07 left", "about 12:30 left", "about 1:02:05 left"
     */
    public static String format(Duration left) {
        long seconds = (left.toMillis() + 999) / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        String clock = h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
        return "about " + clock + " left";
    }
}
