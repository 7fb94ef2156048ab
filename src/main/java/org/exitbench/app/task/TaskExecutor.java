package org.exitbench.app.task;

import java.util.concurrent.Executor;
import javafx.collections.ObservableList;

/**
 * Starts long work for view-models. The app runs it on background threads ({@link FxTaskExecutor}); tests run
 * it synchronously, so view-models can be tested without the JavaFX toolkit.
 *
 * <p>Call it from the UI thread. The running tasks it lists feed the bottom task strip.
 */
public interface TaskExecutor {

    /**
     * Starts {@code work} and reports its end to {@code callbacks}.
     *
     * @param name      what the task does, for the task strip ("Opening fashion-mnist")
     * @param work      the work
     * @param callbacks told how it ended, on the UI thread
     * @param <T>       the result type
     * @return the running task, through which it can be cancelled
     */
    <T> RunningTask submit(String name, BackgroundWork<T> work, TaskCallbacks<T> callbacks);

    /** @return the tasks that have started and not yet ended, oldest first; read-only */
    ObservableList<RunningTask> runningTasks();

    /**
     * @return hands events from the work (every training epoch, say) to the UI thread, in order: later in the app,
     *         at once in a synchronous executor, whose work runs on the UI thread already
     */
    Executor uiThread();
}
