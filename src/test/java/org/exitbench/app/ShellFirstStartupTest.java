package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javafx.collections.ObservableList;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.BackgroundWork;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.exitbench.workspace.BundledRun;
import org.exitbench.workspace.RunEntry;
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
 * A first launch as the app starts it ({@link Workbench#createShellFirst}, the shipped run read ahead by
 * {@link StartupWarmUp}): the top bar shows the shipped run's operating point, read from its stored scores where it
 * is shipped, before the sample's images are decoded and before the run is copied into the workspace, while every
 * pane is still a placeholder; the copy then takes its place, and the panes are built after it, showing what their
 * view-models hold by then. Nothing is written into the sample.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class ShellFirstStartupTest {

    @TempDir
    static Path home;

    /** Opened once the first operating point is shown: the sample's images are "decoded" only after it. */
    private final CountDownLatch imagesMayArrive = new CountDownLatch(1);
    /** Opened once the first operating point is shown: the shipped run is copied into the workspace only after it. */
    private final CountDownLatch copyMayStart = new CountDownLatch(1);
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
        // The copy of the shipped run into the workspace waits likewise, as a slow disk would make it.
        TaskExecutor slowCopy = new TaskExecutor() {
            @Override
            public <T> RunningTask submit(String name, BackgroundWork<T> work, TaskCallbacks<T> callbacks) {
                if (!name.startsWith("Copying")) {
                    return executor.submit(name, work, callbacks);
                }
                return executor.submit(name, (progress, cancel) -> {
                    copyMayStart.await(60, TimeUnit.SECONDS);
                    return work.run(progress, cancel);
                }, callbacks);
            }

            @Override
            public ObservableList<RunningTask> runningTasks() {
                return executor.runningTasks();
            }

            @Override
            public Executor uiThread() {
                return executor.uiThread();
            }
        };
        workbench = Workbench.createShellFirst(new Workbench.Services(slowCopy, slow, noFolder,
                noFolder, FileDialogs.answering(Optional::empty), new PulseScheduler(), new ScriptedQuestions(),
                SaveScheduler.IMMEDIATE, home, SampleRuns.samplePath(), StartupWarmUp.start(SampleRuns.samplePath())));
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void theTopBarShowsTheShippedRunsOperatingPointBeforeAnyPaneIsBuilt(FxRobot robot) throws TimeoutException,
            IOException {
        Path shippedFolder = SampleRuns.samplePath().resolve(BundledRun.FOLDER);
        List<String> shippedFiles = listing(shippedFolder);
        String shipped = BundledRun.besides(SampleRuns.samplePath()).orElseThrow().metrics().runId();
        AtomicReference<OperatingPointResult> first = new AtomicReference<>();
        AtomicReference<Set<WorkbenchPane>> builtThen = new AtomicReference<>();
        AtomicBoolean datasetOpenThen = new AtomicBoolean();
        AtomicReference<List<RunEntry>> runsThen = new AtomicReference<>();
        AtomicReference<RunEntry> shownThen = new AtomicReference<>();
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
                    runsThen.set(List.copyOf(workbench.workspace().runs()));
                    shownThen.set(workbench.workspace().shownRunProperty().get());
                    imagesMayArrive.countDown();
                    copyMayStart.countDown();
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
        assertEquals(List.of(), runsThen.get(), "the operating point waited for the shipped run to be copied");
        assertNull(shownThen.get(), "while it is read from the sample, no run of the list is shown: nothing of it can"
                + " be saved or measured into the sample's folder");
        assertTrue(shown.source().name().contains(shipped), shown.source().name());
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
        // The copy, made meanwhile, is the run shown now, in the workspace; the sample's folder is as it was.
        RunEntry installed = workbench.workspace().shownRunProperty().get();
        assertNotNull(installed, "the copy of the shipped run is not shown");
        assertEquals(shipped, installed.id());
        assertTrue(installed.folder().startsWith(home), installed.folder().toString());
        assertEquals(List.of(shipped), workbench.workspace().runs().stream().map(RunEntry::id).toList());
        assertTrue(workbench.operatingPoint().sourceProperty().get().name().contains(shipped));
        assertEquals(shippedFiles, listing(shippedFolder), "something was written into the sample");
        assertEquals(workbench.data().datasetProperty().get().name(),
                robot.lookup("#datasetName").queryAs(Label.class).getText());
        robot.interact(() -> workbench.shell().select(WorkbenchPane.CALIBRATION));
        assertNull(robot.lookup("#calibrationPane .placeholder-pane").tryQuery().orElse(null));
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.map(p -> folder.relativize(p) + ":" + (Files.isRegularFile(p) ? p.toFile().length() : -1))
                    .sorted().toList();
        }
    }
}
