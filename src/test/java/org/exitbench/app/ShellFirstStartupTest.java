package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A first launch as the app starts it ({@link Workbench#createShellFirst}): the top bar shows the shipped run's
 * operating point, read from its stored scores before the sample's images are decoded, while every pane is still a
 * placeholder; the panes are built after it, and show what their view-models hold by then.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class ShellFirstStartupTest {

    @TempDir
    static Path home;

    /** Opened once the first operating point is shown: the sample's images are "decoded" only after it. */
    private final CountDownLatch imagesMayArrive = new CountDownLatch(1);
    private FxTaskExecutor executor;
    private Workbench workbench;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        // The sample is read once per test JVM and may already be in memory: the loader holds it back until the
        // operating point is shown (or a minute has passed, which fails the test), as a slow decode would.
        DatasetLoader sample = SampleRuns.loader();
        DatasetLoader slow = (folder, progress, cancel) -> {
            try {
                imagesMayArrive.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sample.load(folder, progress, cancel);
        };
        workbench = Workbench.createShellFirst(new Workbench.Services(executor, slow, noFolder,
                noFolder, FileDialogs.answering(Optional::empty), new PulseScheduler(), new ScriptedQuestions(),
                SaveScheduler.IMMEDIATE, home, SampleRuns.samplePath()));
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void theTopBarShowsTheShippedRunsOperatingPointBeforeAnyPaneIsBuilt(FxRobot robot) throws TimeoutException {
        AtomicReference<OperatingPointResult> first = new AtomicReference<>();
        AtomicReference<Set<WorkbenchPane>> builtThen = new AtomicReference<>();
        AtomicBoolean datasetOpenThen = new AtomicBoolean();
        AtomicBoolean panesBuilt = new AtomicBoolean();
        robot.interact(() -> {
            for (WorkbenchPane pane : WorkbenchPane.values()) {
                assertFalse(workbench.window().isBuilt(pane), pane + " is built before start-up");
            }
            workbench.operatingPoint().resultProperty().addListener((obs, old, now) -> {
                if (now != null && !now.source().synthetic() && first.get() == null) {
                    first.set(now);
                    Set<WorkbenchPane> built = EnumSet.noneOf(WorkbenchPane.class);
                    for (WorkbenchPane pane : WorkbenchPane.values()) {
                        if (workbench.window().isBuilt(pane)) {
                            built.add(pane);
                        }
                    }
                    builtThen.set(built);
                    datasetOpenThen.set(workbench.data().datasetProperty().get() != null);
                    imagesMayArrive.countDown();
                }
            });
            workbench.workspace().startUp(null);
            workbench.buildPanesOnceTheOperatingPointIsShown(() -> panesBuilt.set(true));
        });
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, panesBuilt::get);

        OperatingPointResult shown = first.get();
        assertNotNull(shown, "the panes were built before any operating point was shown");
        assertTrue(builtThen.get().isEmpty(), "panes built before the operating point: " + builtThen.get());
        assertFalse(datasetOpenThen.get(), "the operating point waited for the sample's images to be decoded");
        assertNotNull(workbench.workspace().shownRunProperty().get());
        assertTrue(shown.source().name().contains(workbench.workspace().shownRunProperty().get().id()),
                shown.source().name());
        assertEquals(10, shown.source().classCount());
        assertEquals("test", robot.lookup("#summarySplit").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#summaryAccuracy").queryAs(Label.class).getText().contains("%"));

        // Built after the run was shown and, later, the images opened: each pane shows the state it finds.
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            assertTrue(workbench.window().isBuilt(pane), pane + " was not built");
        }
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null
                && executor.runningTasks().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(workbench.data().datasetProperty().get().name(),
                robot.lookup("#datasetName").queryAs(Label.class).getText());
        robot.interact(() -> workbench.shell().select(WorkbenchPane.CALIBRATION));
        assertNull(robot.lookup("#calibrationPane .placeholder-pane").tryQuery().orElse(null));
    }
}
