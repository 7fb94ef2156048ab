package org.exitbench.app.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.Progress;

/**
 * Runs work on the calling thread and reports its end before {@code submit} returns, so view-models can be
 * tested without the JavaFX toolkit. It records every progress report and task name it saw.
 */
public final class SynchronousTaskExecutor implements TaskExecutor {

    private final ObservableList<RunningTask> running = FXCollections.observableArrayList();
    private final ObservableList<RunningTask> runningView = FXCollections.unmodifiableObservableList(running);
    private final List<String> submitted = new ArrayList<>();
    private final List<Progress> reports = new ArrayList<>();

    @Override
    public <T> RunningTask submit(String name, BackgroundWork<T> work, TaskCallbacks<T> callbacks) {
        submitted.add(name);
        CancellationToken token = new CancellationToken();
        RunningTask task = new RunningTask(name, token, System::nanoTime);
        running.add(task);
        T result;
        try {
            result = work.run(report -> {
                reports.add(report);
                task.update(report);
            }, token);
        } catch (CancelledException e) {
            running.remove(task);
            callbacks.cancelled();
            return task;
        } catch (Exception | Error e) {
            running.remove(task);
            callbacks.failed(e);
            return task;
        }
        running.remove(task);
        callbacks.succeeded(result);
        return task;
    }

    @Override
    public ObservableList<RunningTask> runningTasks() {
        return runningView;
    }

    @Override
    public Executor uiThread() {
        return Runnable::run;
    }

    /** @return the names of all tasks submitted so far */
    public List<String> submitted() {
        return submitted;
    }

    /** @return every progress report the work made */
    public List<Progress> reports() {
        return reports;
    }
}
