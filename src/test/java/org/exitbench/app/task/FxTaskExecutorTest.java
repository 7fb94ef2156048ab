package org.exitbench.app.task;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** How background work is run and stopped, seen from the task strip's side of the JavaFX thread. */
@ExtendWith(ApplicationExtension.class)
class FxTaskExecutorTest {

    @Start
    void start(Stage stage) {
        // The executor needs only the toolkit; no window.
    }

    @Test
    void closingFromAnotherThreadCancelsRunningWorkAndUpdatesItsHandleOnTheFxThread() throws Exception {
        FxTaskExecutor executor = new FxTaskExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        AtomicReference<RunningTask> handle = new AtomicReference<>();
        List<Boolean> handleChangedOnFxThread = new CopyOnWriteArrayList<>();
        WaitForAsyncUtils.asyncFx(() -> {
            RunningTask task = executor.submit("preparing a cascade", (progress, token) -> {
                started.countDown();
                while (!token.isCancelled()) {
                    Thread.onSpinWait();
                }
                return "stopped";
            }, TaskCallbacks.of(result -> { }, error -> { }, cancelled::countDown));
            task.messageProperty().addListener((obs, was, now) ->
                    handleChangedOnFxThread.add(Platform.isFxApplicationThread()));
            handle.set(task);
        }).get(10, TimeUnit.SECONDS);
        assertTrue(started.await(10, TimeUnit.SECONDS), "the work should start");

        executor.close();

        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "closing should cancel the running work");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(handle.get().isCancelled());
        assertFalse(handleChangedOnFxThread.isEmpty(), "the handle should say it is cancelling");
        assertTrue(handleChangedOnFxThread.stream().allMatch(Boolean::booleanValue),
                "the handle is bound to the task strip, so it must change on the JavaFX thread only");
        assertTrue(executor.runningTasks().isEmpty(), "a cancelled task leaves the list once it has stopped");
    }
}
