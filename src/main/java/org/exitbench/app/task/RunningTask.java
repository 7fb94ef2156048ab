package org.exitbench.app.task;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.Progress;

/**
 * A task as the task strip shows it: its name, what it is doing now, how far it has come, the estimated time
 * left, and a way to cancel it. Its properties change only on the UI thread.
 */
public final class RunningTask {

    private final String name;
    private final CancellationToken token;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "starting");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
    private final ReadOnlyStringWrapper eta = new ReadOnlyStringWrapper(this, "eta", "");
    private final ReadOnlyBooleanWrapper cancelling = new ReadOnlyBooleanWrapper(this, "cancelling");

    /**
     * @param name      what the task does
     * @param token     cancelled by {@link #cancel()}; the work polls it
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}), read for the ETA
     */
    public RunningTask(String name, CancellationToken token, LongSupplier nanoClock) {
        this.name = Objects.requireNonNull(name, "name");
        this.token = Objects.requireNonNull(token, "token");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.startNanos = nanoClock.getAsLong();
    }

    public String name() {
        return name;
    }

    /** @return what the task is doing now, as its work last reported */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** @return the fraction done in [0, 1], or -1 while unknown */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** @return the estimated time left ("about 0:12 left"), or an empty string while it cannot be estimated */
    public ReadOnlyStringProperty etaProperty() {
        return eta.getReadOnlyProperty();
    }

    /** @return whether cancellation was requested and the work has not stopped yet */
    public ReadOnlyBooleanProperty cancellingProperty() {
        return cancelling.getReadOnlyProperty();
    }

    /** @return whether {@link #cancel()} was called */
    public boolean isCancelled() {
        return token.isCancelled();
    }

    /** Asks the work to stop at its next check. The task stays listed until it has really stopped. */
    public void cancel() {
        token.cancel();
        cancelling.set(true);
        message.set("cancelling");
        eta.set("");
    }

    /**
     * Records a progress report from the work. Call on the UI thread.
     *
     * @param report the latest report
     */
    public void update(Progress report) {
        if (cancelling.get()) {
            return;
        }
        message.set(report.message());
        double fraction = report.fraction();
        progress.set(fraction);
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - startNanos);
        eta.set(EtaEstimate.remaining(fraction, elapsed).map(EtaEstimate::format).orElse(""));
    }
}
