package org.exitbench.app.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.Progress;
import org.junit.jupiter.api.Test;

/** What the task strip shows of a task, and how Cancel reaches the work. */
class RunningTaskTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
    private final CancellationToken token = new CancellationToken();
    private final RunningTask task = new RunningTask("Opening sample", token, now::get);

    @Test
    void showsTheLatestReportWithAnEstimateOfTheTimeLeft() {
        assertEquals(-1, task.progressProperty().get());
        now.addAndGet(TimeUnit.SECONDS.toNanos(4));

        task.update(new Progress("decoding images", 200, 1000));

        assertEquals("decoding images", task.messageProperty().get());
        assertEquals(0.2, task.progressProperty().get(), 1e-9);
        assertEquals("about 0:16 left", task.etaProperty().get());

        task.update(new Progress("writing", 0, -1));
        assertEquals(-1, task.progressProperty().get());
        assertEquals("", task.etaProperty().get());
    }

    @Test
    void cancelCancelsTheWorksTokenAndIgnoresLaterReports() {
        task.cancel();

        assertTrue(token.isCancelled());
        assertTrue(task.isCancelled());
        assertTrue(task.cancellingProperty().get());
        task.update(new Progress("decoding images", 500, 1000));
        assertEquals("cancelling", task.messageProperty().get());
        assertEquals("", task.etaProperty().get());
    }

    @Test
    void aNewTaskIsNotCancelling() {
        assertFalse(task.cancellingProperty().get());
        assertEquals("Opening sample", task.name());
    }
}
