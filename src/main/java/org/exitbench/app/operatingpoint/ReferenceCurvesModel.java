package org.exitbench.app.operatingpoint;

import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.calibrate.CpmSettings;

/**
 * Keeps the {@link ReferenceCurves} of the operating point's source up to date: recomputed in the background
 * (through the task executor, so the task strip shows it and it can be cancelled) when the source changes or a
 * CPM setting other than the margin changes. A newer request cancels an older one; only the latest result is
 * shown. Use from the UI thread.
 */
public final class ReferenceCurvesModel {

    private final OperatingPointModel point;
    private final TaskExecutor executor;
    private final ReadOnlyObjectWrapper<ReferenceCurves> curves = new ReadOnlyObjectWrapper<>(this, "curves");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private CascadeSource requestedSource;
    private CpmSettings requestedSettings;
    private RunningTask running;
    private long ticket;

    /**
     * @param point    the operating point whose source and settings the curves follow
     * @param executor runs the sweeps
     */
    public ReferenceCurvesModel(OperatingPointModel point, TaskExecutor executor) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = Objects.requireNonNull(executor, "executor");
        point.sourceProperty().addListener((obs, old, now) -> refresh());
        point.settingsProperty().addListener((obs, old, now) -> refresh());
        refresh();
    }

    /** @return the curves of the current source, or {@code null} while there is none or the first are computing */
    public ReadOnlyObjectProperty<ReferenceCurves> curvesProperty() {
        return curves.getReadOnlyProperty();
    }

    /** @return why the last computation failed, or empty */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    private void refresh() {
        CascadeSource source = point.sourceProperty().get();
        // The curves sweep the margin themselves: moving the margin slider must not recompute them.
        CpmSettings settings = point.settingsProperty().get().toBuilder()
                .margin(CpmSettings.DEFAULT_MARGIN).build();
        if (source == requestedSource && settings.equals(requestedSettings)) {
            return;
        }
        if (source != requestedSource) {
            curves.set(null);
        }
        requestedSource = source;
        requestedSettings = settings;
        if (running != null) {
            running.cancel();
            running = null;
        }
        if (source == null) {
            return;
        }
        long mine = ++ticket;
        RunningTask task = executor.submit("Computing accuracy-vs-compute curves",
                (progress, cancel) -> ReferenceCurves.compute(source, settings, progress, cancel),
                TaskCallbacks.of(result -> {
                    if (mine == ticket) {
                        running = null;
                        error.set("");
                        curves.set(result);
                    }
                }, failure -> {
                    if (mine == ticket) {
                        running = null;
                        error.set("The reference curves could not be computed: " + failure.getMessage());
                    }
                }, () -> {
                    if (mine == ticket) {
                        running = null;
                    }
                }));
        // A synchronous executor has finished (and delisted) the task already; only a running one can be cancelled.
        if (executor.runningTasks().contains(task)) {
            running = task;
        }
    }
}
