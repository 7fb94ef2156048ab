package org.exitbench.app;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Predicate;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;

/**
 * Logs how long the start-up steps took, counted from the JVM's start: the window shown, the panes built, the
 * dataset open, the first cascade on screen. A first launch is meant to show its cascade within seconds, and these
 * lines (INFO, through {@link System.Logger}) are how that is measured on a given machine.
 */
final class StartupClock {

    private static final System.Logger LOG = System.getLogger(StartupClock.class.getName());

    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();

    /** Logs that {@code step} happened now. */
    void mark(String step) {
        double seconds = (System.currentTimeMillis() - jvmStartMillis) / 1000.0;
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "Start-up: %s %.1f s after the JVM started (load"
                + " average %.1f)", step, seconds, ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
    }

    /** Logs {@code step} the first time {@code value} holds a value that {@code reached} accepts. */
    <T> void markWhen(ObservableValue<T> value, Predicate<T> reached, String step) {
        markWhen(value, reached, () -> mark(step));
    }

    /** Runs {@code then} (which marks a step) the first time {@code value} holds a value that {@code reached} accepts. */
    <T> void markWhen(ObservableValue<T> value, Predicate<T> reached, Runnable then) {
        if (value.getValue() != null && reached.test(value.getValue())) {
            then.run();
            return;
        }
        value.addListener(new ChangeListener<T>() {
            @Override
            public void changed(ObservableValue<? extends T> obs, T old, T now) {
                if (now != null && reached.test(now)) {
                    value.removeListener(this);
                    then.run();
                }
            }
        });
    }
}
