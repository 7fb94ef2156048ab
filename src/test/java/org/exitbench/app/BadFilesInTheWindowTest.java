package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.AlertQuestions;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.Split;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;
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
 * Issue 14 in the window: a damaged or hostile dataset, thresholds file or workspace, opened as a user opens them,
 * shows a message naming the file and what is wrong (no stack trace), and what was open stays open, unchanged.
 * Headless (Monocle), with the app's real readers and its real error dialog.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class BadFilesInTheWindowTest {

    static {
        // The first test of a JVM starts JavaFX and loads the whole app: on a busy machine that outlasts TestFX's
        // default 30 s. A later setting (another test class started the toolkit) leaves this one unused.
        if (System.getProperty("testfx.setup.timeout") == null) {
            System.setProperty("testfx.setup.timeout", "180000");
        }
    }

    @TempDir
    Path temp;
    private FxTaskExecutor executor;
    private Workbench workbench;
    private Path chosenFile;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        workbench = Workbench.create(new Workbench.Services(executor, DatasetLoader.READERS, noFolder, noFolder,
                FileDialogs.answering(() -> Optional.ofNullable(chosenFile)), new PulseScheduler(),
                new AlertQuestions(() -> stage), SaveScheduler.IMMEDIATE, temp.resolve("home"),
                temp.resolve("no-sample")));
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    private Path tinyDataset(String name) {
        return DatasetFixtures.imageFolder(temp.resolve(name), List.of("ant", "bee"), Map.of(Split.TRAIN, 6,
                Split.VALID, 4, Split.TEST, 4), 8, 8, List.of());
    }

    private Dataset openDataset(FxRobot robot, Path folder) throws TimeoutException {
        robot.interact(() -> workbench.data().open(folder));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null
                && workbench.data().datasetProperty().get().root().equals(folder));
        WaitForAsyncUtils.waitForFxEvents();
        return workbench.data().datasetProperty().get();
    }

    private static void assertNoStackTrace(String message) {
        assertFalse(message.contains("Exception") || message.contains("\tat "), message);
    }

    @Test
    void aDatasetHoldingADecompressionBombOpensWithoutItAndNamesItInTheWarnings(FxRobot robot)
            throws TimeoutException {
        Path bad = tinyDataset("downloaded");
        Path bomb = DatasetFixtures.pngBomb(bad.resolve("train/bee/img002.png"), 20000, 20000);

        // The app skips an unreadable image and says so, as the Data pane's warnings promise (UX.md).
        Dataset opened = openDataset(robot, bad);

        assertEquals(11, opened.split(Split.TRAIN).size(), "every image but the bomb");
        assertTrue(robot.lookup("#warningsBanner").query().isVisible());
        String warning = workbench.data().warnings().stream().filter(w -> w.contains(bomb.toString()))
                .findFirst().orElseThrow(() -> new AssertionError(workbench.data().warnings().toString()));
        assertTrue(warning.contains(bomb + " (declares 20000x20000 pixels"), warning);
        assertNoStackTrace(warning);
    }

    @Test
    void aTruncatedCifarBatchIsNamedInTheErrorBannerAndTheOpenDatasetStays(FxRobot robot)
            throws TimeoutException {
        Dataset before = openDataset(robot, tinyDataset("tiny"));
        Path cifar = temp.resolve("cifar");
        DatasetFixtures.writeBytes(cifar.resolve("batches.meta.txt"), "cat\ndog\nfrog\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        DatasetFixtures.cifarBatch(cifar.resolve("data_batch_1.bin"), 1, DatasetFixtures.roundRobinLabels(3, 4));
        Path batch = DatasetFixtures.cifarBatch(cifar.resolve("test_batch.bin"), 9,
                DatasetFixtures.roundRobinLabels(3, 2));
        DatasetFixtures.truncate(batch, 3073 + 100);

        robot.interact(() -> workbench.data().open(cifar));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !workbench.data().errorProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(robot.lookup("#errorBanner").query().isVisible());
        String error = robot.lookup("#errorText").queryAs(Label.class).getText();
        assertTrue(error.contains(batch + ": is truncated or not a CIFAR-10 batch"), error);
        assertTrue(error.endsWith("Still showing tiny."), error);
        assertNoStackTrace(error);
        assertSame(before, workbench.data().datasetProperty().get());
        assertEquals("tiny", robot.lookup("#datasetName").queryLabeled().getText());
    }

    @Test
    void aThresholdsFileWithANegativeValueIsRefusedByNameAndTheThresholdsStay(FxRobot robot) throws Exception {
        openDataset(robot, tinyDataset("tiny"));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.operatingPoint().resultProperty().get()
                != null);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        Thresholds before = workbench.operatingPoint().thresholds();
        String json = Thresholds.never(before.exitCount(), before.classCount()).toJson()
                .replaceFirst("\"Infinity\"", "-0.25");
        chosenFile = Files.writeString(temp.resolve("thresholds.json"), json);

        robot.clickOn("#loadThresholds");
        WaitForAsyncUtils.waitForFxEvents();

        String message = robot.lookup("#calibrationMessage").queryAs(Label.class).getText();
        assertTrue(message.startsWith(chosenFile + ": field '"), message);
        assertTrue(message.contains("is -0.25; thresholds are scores between 0 and 1"), message);
        assertNoStackTrace(message);
        assertEquals(before, workbench.operatingPoint().thresholds(), "nothing was applied");
    }

    @Test
    void aDamagedWorkspaceFileIsReportedInADialogAndTheOpenWorkspaceStays(FxRobot robot) throws Exception {
        Path tiny = tinyDataset("tiny");
        Path good = temp.resolve("good");
        Workspace.create(good, WorkspaceDocument.create("good", tiny));
        robot.interact(() -> workbench.workspace().open(good));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        Path bad = Files.createDirectories(temp.resolve("from-a-colleague"));
        String text = Files.readString(good.resolve(Workspace.FILE));
        // A second "name" key: JSON readers that keep the last one would open another workspace than was meant.
        Path badFile = Files.writeString(bad.resolve(Workspace.FILE), text.replaceFirst("\\{", "{\"name\": \"x\","));
        byte[] badBytes = Files.readAllBytes(badFile);

        // The dialog waits for OK inside a nested event loop, so the open is posted rather than awaited.
        Platform.runLater(() -> workbench.workspace().open(bad));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> dialog(robot).isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane pane = dialog(robot).orElseThrow();
        String message = ((Label) pane.getContent()).getText();
        assertEquals("Could not open the workspace", pane.getHeaderText());
        assertTrue(message.contains(badFile.toString()), message);
        assertTrue(message.contains(badFile + ": is not valid JSON: Duplicate field 'name'"), message);
        assertTrue(message.endsWith("Nothing was changed."), message);
        assertNoStackTrace(message);
        robot.interact(() -> ((Button) pane.lookupButton(ButtonType.OK)).fire());
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(dialog(robot).isEmpty());
        assertEquals("good", workbench.workspace().nameProperty().get());
        assertEquals(good.toAbsolutePath().normalize(), workbench.workspace().folderProperty().get().root());
        assertEquals(tiny, workbench.data().datasetProperty().get().root());
        assertTrue(java.util.Arrays.equals(badBytes, Files.readAllBytes(badFile)), "the bad file is left as it was");
    }

    /** @return the error dialog's pane, when one is showing in any window */
    private Optional<DialogPane> dialog(FxRobot robot) {
        for (Window window : Window.getWindows()) {
            if (window != stage && window.isShowing() && window.getScene() != null) {
                Node root = window.getScene().getRoot();
                if (root instanceof DialogPane pane) {
                    return Optional.of(pane);
                }
            }
        }
        return Optional.empty();
    }
}
