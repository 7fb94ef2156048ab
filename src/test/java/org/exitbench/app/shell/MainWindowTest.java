package org.exitbench.app.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.input.KeyCode;
import javafx.scene.shape.Circle;
import javafx.stage.Stage;
import org.exitbench.app.data.DataView;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.data.TestDatasets;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.progress.CancelledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The main window, headless: navigation, shortcuts, the top bar, the status dots and the task strip. */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private FxTaskExecutor executor;
    private DataViewModel data;
    private ShellViewModel shell;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        data = new DataViewModel(executor,
                (folder, progress, cancel) -> TestDatasets.balanced("pets", List.of("cat", "dog"), 8));
        shell = new ShellViewModel(data);
        MainWindow window = new MainWindow(shell, new DataView(data, (owner, start) -> Optional.empty()),
                executor.runningTasks());
        stage.setScene(window.createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void clickingTheNavigationShowsOnePaneAtATime(FxRobot robot) {
        assertShown(robot, "#dataPane");

        robot.clickOn("#calibrationNav");
        assertEquals(WorkbenchPane.CALIBRATION, shell.selectedPaneProperty().get());
        assertShown(robot, "#calibrationPane");
        Label purpose = robot.lookup("#calibrationPane .pane-purpose").queryAs(Label.class);
        assertEquals(WorkbenchPane.CALIBRATION.purpose(), purpose.getText());

        robot.clickOn("#calibrationNav");
        assertEquals(WorkbenchPane.CALIBRATION, shell.selectedPaneProperty().get());

        robot.clickOn("#dataNav");
        assertShown(robot, "#dataPane");
    }

    @Test
    void ctrlDigitSwitchesPanesAndCtrlEqualsEnlargesText(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
        assertShown(robot, "#analysisPane");
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
        assertShown(robot, "#trainingPane");

        Node root = robot.lookup(".main-window").query();
        assertTrue(root.getStyle().contains("-fx-font-size: 13px"), root.getStyle());
        robot.press(KeyCode.CONTROL, KeyCode.EQUALS).release(KeyCode.EQUALS, KeyCode.CONTROL);
        assertTrue(root.getStyle().contains("-fx-font-size: 15px"), root.getStyle());
        robot.press(KeyCode.CONTROL, KeyCode.MINUS).release(KeyCode.MINUS, KeyCode.CONTROL);
        assertTrue(root.getStyle().contains("-fx-font-size: 13px"), root.getStyle());
        assertTrue(root.getStyle().contains("-exit-1: #0072B2"), root.getStyle());
    }

    @Test
    void theTopBarAndTheDataDotFollowTheOpenDataset(FxRobot robot) throws TimeoutException {
        Circle dot = robot.lookup("#dataStatus").queryAs(Circle.class);
        assertTrue(dot.getStyleClass().contains("status-empty"));
        assertEquals("none", robot.lookup("#topDataset").queryLabeled().getText());
        assertEquals("no cascade yet", robot.lookup("#operatingPointSummary .label").queryLabeled().getText());

        robot.interact(() -> data.open(Path.of("/fixtures/pets")));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> data.datasetProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("pets", robot.lookup("#topDataset").queryLabeled().getText());
        assertTrue(dot.getStyleClass().contains("status-ready"));
        assertFalse(dot.getStyleClass().contains("status-empty"));
        assertTrue(robot.lookup("#trainingStatus").queryAs(Circle.class).getStyleClass().contains("status-empty"));
    }

    @Test
    void aRunningJobShowsInTheTaskStripAndCancelStopsIt(FxRobot robot) throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        AtomicReference<String> outcome = new AtomicReference<>();
        robot.interact(() -> executor.submit("Counting sheep", (progress, cancel) -> {
            for (int sheep = 1; sheep <= 5; sheep++) {
                progress.report("sheep", sheep, 10);
                Thread.sleep(40);
            }
            reported.countDown();
            while (true) {
                cancel.throwIfCancelled();
                Thread.sleep(5);
            }
        }, TaskCallbacks.of(result -> outcome.set("succeeded"), error -> outcome.set("failed"),
                () -> outcome.set("cancelled"))));
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup(".task-row").tryQuery().isPresent());

        assertEquals("Counting sheep", robot.lookup(".task-name").queryLabeled().getText());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup(".task-row .progress-bar").queryAs(ProgressBar.class).getProgress() == 0.5);
        assertEquals("sheep", robot.lookup(".task-row .muted").queryLabeled().getText());
        robot.clickOn(robot.lookup(".task-cancel").queryAs(Button.class));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> outcome.get() != null);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("cancelled", outcome.get());
        assertTrue(robot.lookup(".task-row").tryQuery().isEmpty());
        assertEquals("No background jobs", robot.lookup("#taskStrip .label").queryLabeled().getText());
    }

    @Test
    void aFailingJobReportsItsErrorAndACancelledExceptionCountsAsCancelled(FxRobot robot) throws Exception {
        AtomicReference<Object> failure = new AtomicReference<>();
        AtomicReference<Boolean> onFxThread = new AtomicReference<>();
        robot.interact(() -> executor.submit("Failing", (progress, cancel) -> {
            throw new IllegalStateException("disk full");
        }, TaskCallbacks.of(result -> { }, error -> {
            onFxThread.set(javafx.application.Platform.isFxApplicationThread());
            failure.set(error);
        }, () -> failure.set("cancelled"))));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> failure.get() != null);
        assertEquals("disk full", ((Throwable) failure.get()).getMessage());
        assertTrue(onFxThread.get());

        AtomicReference<Object> second = new AtomicReference<>();
        robot.interact(() -> executor.submit("Stopping", (progress, cancel) -> {
            throw new CancelledException();
        }, TaskCallbacks.of(result -> { }, second::set, () -> second.set("cancelled"))));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> second.get() != null);
        assertEquals("cancelled", second.get());
    }

    private static void assertShown(FxRobot robot, String paneId) {
        WaitForAsyncUtils.waitForFxEvents();
        for (String id : List.of("#dataPane", "#trainingPane", "#calibrationPane", "#analysisPane")) {
            assertEquals(id.equals(paneId), robot.lookup(id).query().isVisible(), id);
        }
    }
}
