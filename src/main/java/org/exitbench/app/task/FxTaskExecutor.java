package org.exitbench.app.task;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.Progress;

/**
 * Runs background work as {@link Task}s on daemon threads. The work's {@code ProgressListener} reports go through
 * {@code Task.updateProgress}/{@code updateMessage}, which coalesce them so a chatty reader cannot flood the FX
 * thread; its {@code CancellationToken} is the one the task strip's Cancel button cancels.
 */
public final class FxTaskExecutor implements TaskExecutor, AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool(new DaemonThreads());
    private final ObservableList<RunningTask> running = FXCollections.observableArrayList();
    private final ObservableList<RunningTask> runningView = FXCollections.unmodifiableObservableList(running);

    @Override
    public <T> RunningTask submit(String name, BackgroundWork<T> work, TaskCallbacks<T> callbacks) {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("submit must be called on the JavaFX application thread");
        }
        CancellationToken token = new CancellationToken();
        RunningTask handle = new RunningTask(name, token, System::nanoTime);
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return work.run(report -> {
                    updateMessage(report.message());
                    if (report.total() > 0) {
                        updateProgress(report.done(), report.total());
                    } else {
                        updateProgress(-1, -1);
                    }
                }, token);
            }
        };
        // A change listener, not an invalidation listener: nothing reads these properties, so an invalidation
        // listener would fire once and then never again.
        ChangeListener<Object> forward = (observable, old, now) -> handle.update(new Progress(
                task.getMessage() == null ? "" : task.getMessage(),
                (long) task.getWorkDone(), (long) task.getTotalWork()));
        task.progressProperty().addListener(forward);
        task.messageProperty().addListener(forward);
        task.setOnSucceeded(event -> {
            running.remove(handle);
            if (token.isCancelled()) {
                callbacks.cancelled();
            } else {
                callbacks.succeeded(task.getValue());
            }
        });
        task.setOnFailed(event -> {
            running.remove(handle);
            Throwable error = task.getException();
            if (error instanceof CancelledException || token.isCancelled()) {
                callbacks.cancelled();
            } else {
                callbacks.failed(error);
            }
        });
        running.add(handle);
        threads.execute(task);
        return handle;
    }

    @Override
    public ObservableList<RunningTask> runningTasks() {
        return runningView;
    }

    @Override
    public Executor uiThread() {
        return Platform::runLater;
    }

    /**
     * Cancels every running task and stops accepting work; the threads are daemons and do not hold up exit. May be
     * called from any thread: the list of running tasks and their handles' properties (bound to the task strip)
     * belong to the JavaFX thread, so from another thread (a test's teardown, a shutdown) the cancellation is handed
     * to it, and the threads are interrupted at once.
     */
    @Override
    public void close() {
        Runnable cancelAll = () -> List.copyOf(running).forEach(RunningTask::cancel);
        if (Platform.isFxApplicationThread()) {
            cancelAll.run();
        } else {
            try {
                Platform.runLater(cancelAll);
            } catch (IllegalStateException toolkitGone) {
                // The toolkit has exited: no handle is shown any more, and the interrupt below stops the work.
            }
        }
        threads.shutdownNow();
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "exitbench-task-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
