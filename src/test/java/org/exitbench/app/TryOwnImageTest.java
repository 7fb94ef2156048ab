package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Labeled;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.exitbench.data.ImageConversionTest;
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
 * "Try your own image…" in the whole window, headless, on a first launch (the bundled sample and its shipped demo
 * run): the header's button asks for a file (a phone photo of a pen drawing), the Analysis pane shows it as given and
 * as the network sees it, inverted, with its path through the three exits; unticking Invert runs it again.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class TryOwnImageTest {

    @TempDir
    static Path home;
    @TempDir
    static Path pictures;

    private FxTaskExecutor executor;
    private Workbench workbench;
    private Path chosen;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        workbench = Workbench.create(new Workbench.Services(executor, SampleRuns.loader(), noFolder, noFolder,
                FileDialogs.answering(() -> Optional.ofNullable(chosen)), new PulseScheduler(),
                new ScriptedQuestions(), SaveScheduler.IMMEDIATE, home, SampleRuns.samplePath()));
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

    @Test
    void thePhotoOfADrawingChosenWithTheButtonShowsItsPathThroughTheCascade(FxRobot robot) throws Exception {
        robot.interact(() -> workbench.workspace().startUp(null));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null
                && workbench.operatingPoint().resultProperty().get() != null
                && !workbench.operatingPoint().resultProperty().get().source().synthetic()
                && !workbench.workspace().openingRunProperty().get()
                && executor.runningTasks().isEmpty());
        assertTrue(!robot.lookup("#tryImage").query().isVisible(), "the panel waits for an image");
        chosen = ImageConversionTest.photographedDrawing(pictures, 2000, 1500);

        robot.interact(() -> workbench.shell().select(WorkbenchPane.ANALYSIS));
        robot.clickOn("#tryImageButton");
        waitForPath(robot);

        assertEquals(WorkbenchPane.ANALYSIS, workbench.shell().selectedPaneProperty().get());
        assertTrue(robot.lookup("#tryImage").query().isVisible());
        assertTrue(text(robot, "#tryImageName").startsWith("trousers-photo.jpg · run "), text(robot, "#tryImageName"));
        String conversion = text(robot, "#tryImageConversion");
        assertTrue(conversion.contains("made gray") && conversion.contains("inverted"), conversion);
        assertNotNull(robot.lookup("#tryImageOriginal").queryAs(ImageView.class).getImage());
        assertEquals(96, robot.lookup("#tryImageNetwork").queryAs(ImageView.class).getImage().getWidth(),
                "32×32 in 3×3 blocks");
        assertTrue(text(robot, "#tryImageVerdict").startsWith("Leaves at "), text(robot, "#tryImageVerdict"));
        assertTrue(text(robot, "#tryImageCost").matches("Cost .* of the full backbone's .*"),
                text(robot, "#tryImageCost"));
        VBox steps = robot.lookup("#tryImageSteps").queryAs(VBox.class);
        assertEquals(4, steps.getChildren().size(), "three exits and the backbone head");
        assertTrue(robot.lookup("#tryImageSteps .path-fired").tryQuery().isPresent(), "one step says it leaves there");
        CheckBox invert = robot.lookup("#tryImageInvert").queryAs(CheckBox.class);
        assertTrue(invert.isSelected());
        assertEquals(List.of(), cutLabels(robot.lookup("#tryImage").query()), "the narrow right column of a 1280 × 800 "
                + "window wraps every line of the panel rather than cutting it");

        String before = text(robot, "#tryImageConversion");
        // The box may lie below the column's visible part (the column scrolls); ticking it is what is tested.
        robot.interact(invert::fire);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !text(robot, "#tryImageConversion").equals(before)
                && executor.runningTasks().isEmpty());
        waitForPath(robot);
        assertTrue(text(robot, "#tryImageConversion").contains("not inverted"), text(robot, "#tryImageConversion"));

        // The column may have scrolled the panel's top out of view to keep the ticked box in it.
        robot.interact(() -> robot.lookup("#tryImageClose").queryAs(javafx.scene.control.Button.class).fire());
        WaitForAsyncUtils.waitForFxEvents();
        Node panel = robot.lookup("#tryImage").query();
        assertTrue(!panel.isVisible(), "closed");

        // Ctrl+V with an image file on the clipboard (copied in a file manager) tries it.
        Path testImage = Path.of(workbench.data().datasetProperty().get().split(org.exitbench.data.Split.TEST)
                .source(0));
        robot.interact(() -> {
            javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
            content.putFiles(List.of(testImage.toFile()));
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        });
        robot.press(KeyCode.CONTROL, KeyCode.V).release(KeyCode.V, KeyCode.CONTROL);
        waitForPath(robot);
        assertTrue(text(robot, "#tryImageName").startsWith(testImage.getFileName() + " · run "),
                text(robot, "#tryImageName"));
        assertTrue(text(robot, "#tryImageConversion").endsWith("used as it is."), text(robot, "#tryImageConversion"));
    }

    /** @return the labels under {@code node} shown elided ("accurac…") or reaching past their scroll pane's view */
    private static List<String> cutLabels(Node node) {
        List<String> cut = new ArrayList<>();
        if (!node.isVisible()) {
            return cut;
        }
        if (node instanceof Labeled label && label.getText() != null && !label.getText().isBlank()) {
            for (Node child : label.getChildrenUnmodifiable()) {
                if (child instanceof Text shown && !label.getText().equals(shown.getText())) {
                    cut.add("\"" + label.getText() + "\" shown as \"" + shown.getText() + "\"");
                }
            }
            for (Node up = label.getParent(); up != null; up = up.getParent()) {
                if (up instanceof ScrollPane scroll) {
                    Bounds view = scroll.localToScene(scroll.getLayoutBounds());
                    Bounds own = label.localToScene(label.getLayoutBounds());
                    if (own.getWidth() > 0 && own.getMaxX() > view.getMaxX() + 3) {
                        cut.add("\"" + label.getText() + "\" ends past its view");
                    }
                    break;
                }
            }
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                cut.addAll(cutLabels(child));
            }
        }
        return cut;
    }

    private static void waitForPath(FxRobot robot) throws TimeoutException {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#tryImageSteps").tryQuery()
                .map(n -> !((VBox) n).getChildrenUnmodifiable().isEmpty()).orElse(false)
                && !robot.lookup("#tryImageVerdict").queryAs(Labeled.class).getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
    }
}
