package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
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
 * Dropping on the window, headless, on a first launch (the bundled sample and its shipped demo run): a PNG file dragged
 * from a file manager onto the Data pane is accepted, the Analysis pane comes up with its path through the cascade;
 * a folder dropped on it is stepped through with ‹ ›; text dragged over the window is refused. The drops go through
 * the scene's own drop-target listener ({@link ToolkitDrop}), so the scene makes the drag events and their dragboard.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class DropOnTheWindowTest {

    @TempDir
    static Path home;
    @TempDir
    static Path pictures;

    private FxTaskExecutor executor;
    private Workbench workbench;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        workbench = Workbench.create(new Workbench.Services(executor, SampleRuns.loader(), noFolder, noFolder,
                FileDialogs.answering(Optional::empty), new PulseScheduler(), new ScriptedQuestions(),
                SaveScheduler.IMMEDIATE, home, SampleRuns.samplePath()));
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void aFileDroppedOnTheWindowShowsItsPathAndADroppedFolderIsSteppedThrough(FxRobot robot) throws Exception {
        robot.interact(() -> workbench.workspace().startUp(null));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null
                && workbench.operatingPoint().resultProperty().get() != null
                && !workbench.operatingPoint().resultProperty().get().source().synthetic()
                && !workbench.workspace().openingRunProperty().get()
                && executor.runningTasks().isEmpty());
        List<Path> shirts = copyTestImages("shirt", 3);
        robot.interact(() -> workbench.shell().select(WorkbenchPane.DATA));

        // Over the thumbnail grid of the Data pane: the deepest node under the point gets the events first.
        ToolkitDrop.Outcome text = dropOnGrid(robot, Map.of(DataFormat.PLAIN_TEXT, "a shirt"));
        assertNull(text.over(), "text is not an image: the window refuses it while it is dragged over");
        assertEquals(WorkbenchPane.DATA, workbench.shell().selectedPaneProperty().get());
        assertFalse(robot.lookup("#tryImage").query().isVisible());

        Path one = shirts.get(0);
        ToolkitDrop.Outcome file = dropOnGrid(robot, Map.of(DataFormat.FILES, List.of(one.toFile())));
        assertEquals(new ToolkitDrop.Outcome(TransferMode.COPY, TransferMode.COPY), file,
                "accepted over the window and completed on drop");
        waitForPath(robot, one.getFileName() + " · run ");
        assertEquals(WorkbenchPane.ANALYSIS, workbench.shell().selectedPaneProperty().get());
        assertTrue(robot.lookup("#tryImage").query().isVisible());
        assertTrue(text(robot, "#tryImageConversion").endsWith("used as it is."), text(robot, "#tryImageConversion"));
        assertEquals(4, robot.lookup("#tryImageSteps").queryAs(VBox.class).getChildren().size(),
                "three exits and the backbone head");
        assertFalse(shown(robot.lookup("#tryImagePrevious").query()), "one file: nothing to step through");

        robot.interact(() -> workbench.shell().select(WorkbenchPane.DATA));
        ToolkitDrop.Outcome folder = dropOnGrid(robot, Map.of(DataFormat.FILES, List.of(pictures.toFile())));
        assertEquals(TransferMode.COPY, folder.dropped());
        List<Path> sorted = shirts.stream().sorted().toList();
        waitForPath(robot, sorted.get(0).getFileName() + " · run ");
        assertEquals(WorkbenchPane.ANALYSIS, workbench.shell().selectedPaneProperty().get());
        assertTrue(shown(robot.lookup("#tryImageNext").query()), "a folder: its images are stepped through");
        String first = text(robot, "#tryImagePosition");
        assertTrue(first.startsWith("image 1 of 3"), first);
        Button previous = robot.lookup("#tryImagePrevious").queryAs(Button.class);
        Button next = robot.lookup("#tryImageNext").queryAs(Button.class);
        assertTrue(previous.isDisabled(), "the folder's first image");

        robot.interact(next::fire);
        waitForPath(robot, sorted.get(1).getFileName() + " · run ");
        assertTrue(text(robot, "#tryImagePosition").startsWith("image 2 of 3"),
                text(robot, "#tryImagePosition"));
        robot.interact(next::fire);
        waitForPath(robot, sorted.get(2).getFileName() + " · run ");
        assertTrue(next.isDisabled(), "the folder's last image");
        robot.interact(previous::fire);
        waitForPath(robot, sorted.get(1).getFileName() + " · run ");
        assertEquals(4, robot.lookup("#tryImageSteps").queryAs(VBox.class).getChildren().size());

        // Projector-sized text on this 1280 × 800 window: the matrix, the gallery and the path take turns as tabs.
        // A file dropped while the gallery's tab is shown brings the path's tab up, with the image in it.
        robot.interact(() -> {
            for (int step = 0; step < 3; step++) {
                workbench.shell().largerFont();
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        TabPane tabs = robot.lookup("#inspectTabs").queryAs(TabPane.class);
        Tab galleryTab = tabs.getTabs().stream().filter(t -> "galleryTab".equals(t.getId())).findFirst().orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(galleryTab));
        robot.interact(() -> workbench.shell().select(WorkbenchPane.DATA));
        Path last = sorted.get(2);
        assertEquals(TransferMode.COPY, dropOnGrid(robot, Map.of(DataFormat.FILES, List.of(last.toFile()))).dropped());
        waitForPath(robot, last.getFileName() + " · run ");
        assertEquals("pathTab", tabs.getSelectionModel().getSelectedItem().getId());
        assertTrue(shown(robot.lookup("#tryImageVerdict").query()), "the dropped image's verdict is in view");
    }

    /** Drags {@code content} over the middle of the Data pane's thumbnail grid and drops it there. */
    private ToolkitDrop.Outcome dropOnGrid(FxRobot robot, Map<DataFormat, Object> content) {
        AtomicReference<ToolkitDrop.Outcome> outcome = new AtomicReference<>();
        robot.interact(() -> {
            Node grid = robot.lookup("#thumbnailGrid").query();
            Bounds bounds = grid.localToScene(grid.getLayoutBounds());
            Point2D middle = new Point2D(bounds.getCenterX(), bounds.getCenterY());
            assertTrue(stage.getScene().getRoot().getLayoutBounds().contains(middle), "the grid is in the window");
            outcome.set(ToolkitDrop.drop(stage.getScene(), middle, content));
        });
        return outcome.get();
    }

    /** Copies {@code count} of the sample's test images of {@code className} (PNG files) into the pictures folder. */
    private List<Path> copyTestImages(String className, int count) throws IOException {
        Path source = SampleRuns.samplePath().resolve("test").resolve(className);
        try (Stream<Path> files = Files.list(source)) {
            List<Path> chosen = files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().limit(count)
                    .toList();
            assertEquals(count, chosen.size(), "test images of " + className + " in " + source);
            return chosen.stream().map(file -> {
                try {
                    return Files.copy(file, pictures.resolve(className + "-" + file.getFileName()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    /** @return whether {@code node} and everything around it is visible */
    private static boolean shown(Node node) {
        for (Node up = node; up != null; up = up.getParent()) {
            if (!up.isVisible()) {
                return false;
            }
        }
        return true;
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Labeled.class).getText();
    }

    /** Waits until the panel shows {@code name}'s path: its name line and one line per exit. */
    private static void waitForPath(FxRobot robot, String name) throws TimeoutException {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> text(robot, "#tryImageName").startsWith(name)
                && !robot.lookup("#tryImageSteps").queryAs(VBox.class).getChildrenUnmodifiable().isEmpty()
                && !text(robot, "#tryImageVerdict").isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
    }
}
