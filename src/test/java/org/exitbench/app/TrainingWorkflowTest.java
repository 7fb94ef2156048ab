package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.controlsfx.control.GridView;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.training.FunnelRow;
import org.exitbench.app.training.PipelineStep;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.exitbench.cascade.Thresholds;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The whole workbench, headless, on the bundled sample with its shipped backbone: branches trained from the
 * Training pane with few epochs, then the Calibration pane shows their thresholds, a slider moves the accuracy and
 * compute figures, and the Analysis gallery shows the images that left at exit 1. The feature cache is built once
 * for the class (copied into its workspace), so the run skips the backbone.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class TrainingWorkflowTest {

    private static final int CLASSES = 10;

    @TempDir
    static Path shared;

    @TempDir
    Path temp;

    private FxTaskExecutor executor;
    private Workbench workbench;

    @BeforeAll
    static void buildTheFeatureCacheOnce() {
        SampleRuns.seedCache(shared);
    }

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        FileDialogs noFiles = FileDialogs.answering(Optional::empty);
        workbench = Workbench.create(new Workbench.Services(executor, SampleRuns.loader(), noFolder, noFolder,
                noFiles, new PulseScheduler(), new ScriptedQuestions(), SaveScheduler.IMMEDIATE,
                shared.resolve("home"), SampleRuns.samplePath()));
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Labeled.class).getText();
    }

    private static void shortcut(FxRobot robot, KeyCode key) {
        robot.press(KeyCode.CONTROL, key).release(key, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A workspace on the sample with the class's feature cache, opened in the workbench. */
    private void openWorkspace(FxRobot robot) throws IOException, TimeoutException {
        Path folder = temp.resolve("study");
        Workspace.create(folder, WorkspaceDocument.create("study", SampleRuns.samplePath()));
        SampleRuns.copy(shared.resolve("cache"), folder.resolve("cache"));
        robot.interact(() -> workbench.workspace().open(folder));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void trainFromTheTrainingPaneThenCalibrateAndBrowseTheRealCascade(FxRobot robot) throws Exception {
        openWorkspace(robot);
        shortcut(robot, KeyCode.DIGIT2);
        assertTrue(workbench.workspace().runs().isEmpty());

        // Few epochs, one mode, the two exits whose features the cache holds.
        CheckBox stage3 = robot.lookup("#exit-stage3").queryAs(CheckBox.class);
        assertTrue(stage3.isSelected(), "the shipped backbone offers three exits, all ticked");
        robot.clickOn(stage3);
        robot.clickOn("#modeNonBoosted");
        robot.interact(() -> {
            workbench.training().form().epochsProperty().set(2);
            workbench.training().form().patienceProperty().set(0);
        });
        assertFalse(stage3.isSelected());
        robot.clickOn("#startTraining");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> workbench.workspace().shownRunProperty().get() != null
                && !workbench.training().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(1, workbench.workspace().runs().size());
        String runId = workbench.workspace().shownRunProperty().get().id();
        assertEquals(runId + " · boosted", text(robot, "#topRun"));
        assertTrue(workbench.training().monitor().steps().stream()
                .allMatch(s -> s.state() == PipelineStep.State.DONE));
        List<FunnelRow> funnel = workbench.training().monitor().funnel();
        assertEquals(2, funnel.size());
        assertEquals(funnel.get(0).trainReaching() - funnel.get(0).trainExited(), funnel.get(1).trainReaching());
        assertTrue(robot.lookup("#trainingLog").queryAs(ListView.class).getItems().size() > 3);
        assertTrue(text(robot, "#stepCaption").startsWith("Done"), text(robot, "#stepCaption"));

        // Calibration: the run's thresholds, every exit and class.
        shortcut(robot, KeyCode.DIGIT3);
        OperatingPointResult result = workbench.operatingPoint().resultProperty().get();
        Thresholds thresholds = result.thresholds();
        assertFalse(result.source().synthetic());
        assertFalse(robot.lookup("#calibrationSyntheticBanner").query().isVisible());
        Set<Node> cells = robot.lookup(".threshold-cell").queryAll();
        assertEquals(2 * CLASSES, cells.size());
        for (int k = 0; k < 2; k++) {
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(DisplayText.threshold(thresholds.get(k, c)),
                        text(robot, "#threshold-" + k + "-" + c + " .threshold-value"), "exit " + k + ", class " + c);
            }
        }
        assertTrue(text(robot, "#totalsSplit").startsWith("Validation split · 2,500 images"));

        // A slider: the busiest class of exit 1 no longer leaves there.
        int busiest = 0;
        for (int c = 1; c < CLASSES; c++) {
            if (result.validation().exitedCount(0, c) > result.validation().exitedCount(0, busiest)) {
                busiest = c;
            }
        }
        assertTrue(result.validation().exitedCount(0, busiest) > 0, "exit 1 takes images");
        List<String> before = List.of(text(robot, "#totalAccuracy"), text(robot, "#totalReduction"),
                text(robot, "#summaryReduction"));
        Slider slider = robot.lookup("#threshold-0-" + busiest + " .threshold-slider").queryAs(Slider.class);
        robot.clickOn(slider.lookup(".thumb"));
        robot.type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !text(robot, "#totalReduction").equals(before.get(1)));
        WaitForAsyncUtils.waitForFxEvents();
        List<String> after = List.of(text(robot, "#totalAccuracy"), text(robot, "#totalReduction"),
                text(robot, "#summaryReduction"));
        assertNotEquals(before.get(1), after.get(1), "compute saved moved");
        assertNotEquals(before.get(2), after.get(2), "the top bar moved");
        assertNotEquals(before.get(0), after.get(0), "accuracy moved");
        assertTrue(workbench.workspace().dirtyProperty().get(), "hand-tuned thresholds are unsaved");
        shortcut(robot, KeyCode.Z);

        // Analysis: the images that left at exit 1.
        shortcut(robot, KeyCode.DIGIT4);
        @SuppressWarnings("unchecked")
        GridView<Integer> gallery = robot.lookup("#exitGallery").queryAs(GridView.class);
        OperatingPointResult now = workbench.operatingPoint().resultProperty().get();
        assertEquals(now.test().exitedCount(0), gallery.getItems().size());
        assertTrue(gallery.getItems().size() > 0);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#exitGallery .gallery-cell ImageView")
                .queryAllAs(ImageView.class).stream().anyMatch(v -> v.getImage() != null));
        for (ImageView view : robot.lookup("#exitGallery .gallery-cell ImageView").queryAllAs(ImageView.class)) {
            if (view.getImage() != null) {
                assertEquals(64, view.getImage().getWidth(), "the sample's 32×32 images as 64×64 thumbnails");
            }
        }
        assertTrue(text(robot, "#analysisSource").startsWith("run " + runId + " · boosted · test split, 2,500"));
    }
}
