package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.beans.property.IntegerProperty;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;
import javafx.scene.transform.Scale;
import javafx.stage.Stage;
import org.exitbench.app.analysis.PathStep;
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
 * Every pane of a first launch (the bundled sample and its shipped demo run: 10 classes, 3 exits), at the two
 * window sizes the app is shown at (1280 × 800, a projector; 1600 × 1000, drawn scaled on the headless screen) and at normal and projector-sized text:
 * no label is elided ("accurac…") or pushed out of its scroll pane's view or the window, and the navigation column
 * keeps one width whichever pane is shown.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class LayoutAtLargeTextTest {

    /**
     * Text steps above the default that must fit, at both window sizes: two is what a projector needs (UX.md), issue
     * 18 asks for +3. Panes stack their columns when large text leaves them too little room.
     */
    private static final int LARGEST_STEP = 3;
    /**
     * The least height, in pixels, of each of the Analysis panels an inspector reads: two rows of the gallery's
     * 64-px thumbnails, or five of the confusion matrix's. (Before they took turns as tabs when short of room, the
     * gallery had 65 px at 1280 × 800 and none with text two steps up.)
     */
    private static final double LEAST_PANEL_HEIGHT = 140;

    @TempDir
    static Path home;

    private FxTaskExecutor executor;
    private Workbench workbench;
    private Region content;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        workbench = Workbench.create(new Workbench.Services(executor, SampleRuns.loader(), noFolder, noFolder,
                FileDialogs.answering(Optional::empty), new PulseScheduler(), new ScriptedQuestions(),
                SaveScheduler.IMMEDIATE, home, SampleRuns.samplePath()));
        // The headless screen is 1280 × 800: the window's content is laid out at each size under test and drawn
        // scaled to fit it. Layout, and so every cut, happens at the unscaled size.
        Scene scene = workbench.window().createScene();
        content = (Region) scene.getRoot();
        Pane holder = new Pane();
        scene.setRoot(holder);
        content.setManaged(false);
        holder.getChildren().add(content);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void noPaneCutsALabelAtEitherWindowSizeWithNormalOrProjectorSizedText(FxRobot robot) throws TimeoutException {
        robot.interact(() -> workbench.workspace().startUp(null));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> workbench.data().datasetProperty().get() != null
                && workbench.operatingPoint().resultProperty().get() != null
                && !workbench.operatingPoint().resultProperty().get().source().synthetic()
                && workbench.curves().curvesProperty().get() != null
                && !workbench.workspace().openingRunProperty().get()
                && executor.runningTasks().isEmpty());
        assertEquals(10, workbench.operatingPoint().resultProperty().get().source().classCount());
        // An image's path is shown (the pane's longest text): one that reaches the most exits, each with its classes.
        robot.interact(() -> {
            IntegerProperty sample = workbench.analysis().selectedSampleProperty();
            int deepest = 0;
            long reached = -1;
            for (int i = 0; i < 300; i++) {
                sample.set(i);
                long steps = workbench.analysis().selectedPathProperty().get().steps().stream()
                        .filter(PathStep::reached).count();
                if (steps > reached) {
                    deepest = i;
                    reached = steps;
                }
            }
            sample.set(deepest);
        });

        Set<String> problems = new LinkedHashSet<>();
        for (double[] size : List.of(new double[] {1280, 800}, new double[] {1480, 920})) {
            robot.interact(() -> {
                double scale = Math.min(1, Math.min(1280 / size[0], 800 / size[1]));
                content.getTransforms().setAll(new Scale(scale, scale, 0, 0));
                content.resizeRelocate(0, 0, size[0], size[1]);
                workbench.shell().defaultFont();
            });
            for (int step = 0; step <= LARGEST_STEP; step++) {
                List<Double> navigationWidths = new ArrayList<>();
                for (WorkbenchPane pane : WorkbenchPane.values()) {
                    robot.interact(() -> workbench.shell().select(pane));
                    WaitForAsyncUtils.waitForFxEvents();
                    robot.interact(() -> { });
                    String where = (int) size[0] + "×" + (int) size[1] + ", text +" + step + ", " + pane.title();
                    collectCutLabels(content, content, size[0], where, problems);
                    if (pane == WorkbenchPane.ANALYSIS) {
                        collectCrampedPanels(robot, where, problems);
                    }
                    navigationWidths.add(robot.lookup("#navigation").query().getBoundsInParent().getWidth());
                }
                String where = (int) size[0] + "×" + (int) size[1] + ", text +" + step;
                if (navigationWidths.stream().distinct().count() != 1) {
                    problems.add(where + ": the navigation changes its width between panes, " + navigationWidths);
                }
                robot.interact(workbench.shell()::largerFont);
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    }

    /** Adds every visible label under {@code node} that is elided or reaches past its view, with where it was seen. */
    private static void collectCutLabels(Node node, Region window, double windowWidth, String where,
            Set<String> problems) {
        if (!node.isVisible() || node.getScene() == null) {
            return;
        }
        if (node instanceof Labeled label && label.getText() != null && !label.getText().isBlank()) {
            String text = label.getText();
            for (Node child : label.getChildrenUnmodifiable()) {
                if (child instanceof Text shown && !text.equals(shown.getText())) {
                    problems.add(where + ": \"" + text + "\" is shown as \"" + shown.getText() + "\" ("
                            + describe(label) + ")");
                }
            }
            Bounds inScene = window.sceneToLocal(label.localToScene(label.getLayoutBounds()));
            double limit = Math.min(windowWidth, viewRight(label, window));
            // A few pixels of slack: a table cell's text may touch its view's border, which hides nothing.
            if (inScene.getWidth() > 0 && inScene.getMaxX() > limit + 3) {
                problems.add(where + ": \"" + text + "\" ends at x = " + Math.round(inScene.getMaxX())
                        + ", past its view's edge at " + Math.round(limit) + " (" + describe(label) + ")");
            }
        }
        if (node instanceof SplitPane split) {
            // A split pane whose items' minimum widths add up to more than it has lays them out past its edge, where
            // it clips them: a panel's right side (its buttons, its last columns) is cut without any label elided.
            Bounds own = window.sceneToLocal(split.localToScene(split.getLayoutBounds()));
            for (Node item : split.getItems()) {
                Bounds at = window.sceneToLocal(item.localToScene(item.getLayoutBounds()));
                if (at.getMaxX() > own.getMaxX() + 1 || at.getMaxY() > own.getMaxY() + 1) {
                    problems.add(where + ": " + describe(item) + " reaches past its split pane (" + describe(split)
                            + ") by " + Math.round(Math.max(at.getMaxX() - own.getMaxX(),
                            at.getMaxY() - own.getMaxY())) + " px");
                }
            }
        }
        if (node instanceof Spinner<?> spinner) {
            // A spinner's value must show whole in its editor, beside the arrow buttons drawn over it.
            TextField editor = spinner.getEditor();
            Text measure = new Text(editor.getText());
            measure.setFont(editor.getFont());
            double room = editor.getWidth() - editor.getInsets().getLeft() - editor.getInsets().getRight();
            if (measure.getLayoutBounds().getWidth() > room + 0.5) {
                problems.add(where + ": spinner #" + spinner.getId() + "'s \"" + editor.getText() + "\" needs "
                        + Math.round(measure.getLayoutBounds().getWidth()) + " px, its editor has " + Math.round(room));
            }
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                collectCutLabels(child, window, windowWidth, where, problems);
            }
        }
    }

    /**
     * Adds the Analysis panels an inspector reads that are left less than {@link #LEAST_PANEL_HEIGHT} tall: the
     * confusion matrix, the exit gallery and the selected image's path, each in its tab when they take turns.
     */
    private static void collectCrampedPanels(FxRobot robot, String where, Set<String> problems) {
        Optional<TabPane> tabs = robot.lookup("#inspectTabs").tryQuery().filter(n -> n.getScene() != null)
                .map(TabPane.class::cast);
        checkHeight(robot, tabs, "#confusionMatrix", "the confusion matrix", false, where, problems);
        checkHeight(robot, tabs, "#exitGallery", "the exit gallery", false, where, problems);
        // The path's column is as tall as its view whatever the path's length: its view is what it is given.
        checkHeight(robot, tabs, "#samplePath", "the image's path's column", true, where, problems);
        WaitForAsyncUtils.waitForFxEvents();
        collectBrokenPathWords(robot, where, problems);
        tabs.ifPresent(t -> robot.interact(() -> t.getSelectionModel().select(0)));
    }

    /**
     * Adds each class name of the image's path that is not alone on one line, and each word of a wrapping label in
     * the path that is wider than the label's room: JavaFX breaks such a word mid-word ("pullov er").
     */
    private static void collectBrokenPathWords(FxRobot robot, String where, Set<String> problems) {
        List<Labeled> labels = new ArrayList<>(robot.lookup("#samplePath .label").queryAllAs(Labeled.class));
        if (labels.stream().noneMatch(l -> l.getStyleClass().contains("path-class"))) {
            problems.add(where + ": the image's path shows no class names");
        }
        for (Labeled label : labels) {
            if (!label.isVisible() || label.getText() == null || label.getText().isBlank()) {
                continue;
            }
            double lineHeight = label.getFont().getSize() * 1.6;
            if (label.getStyleClass().contains("path-class")
                    && (label.isWrapText() || label.getHeight() > lineHeight)) {
                problems.add(where + ": class name \"" + label.getText() + "\" takes " + Math.round(label.getHeight())
                        + " px, more than one line");
            }
            if (!label.isWrapText()) {
                continue;
            }
            double room = label.getWidth() - label.snappedLeftInset() - label.snappedRightInset()
                    - (label.getGraphic() == null ? 0 : label.getGraphic().prefWidth(-1) + label.getGraphicTextGap());
            for (String word : label.getText().split("\\s+")) {
                Text measure = new Text(word);
                measure.setFont(label.getFont());
                if (measure.getLayoutBounds().getWidth() > room + 0.5) {
                    problems.add(where + ": \"" + word + "\" in \"" + label.getText() + "\" is wider than its "
                            + Math.round(room) + " px and is broken mid-word");
                }
            }
        }
    }

    private static void checkHeight(FxRobot robot, Optional<TabPane> tabs, String query, String what,
            boolean viewOnly, String where, Set<String> problems) {
        Node node = robot.lookup(query).query();
        // Its tab, when it has one, is selected: as the user would, to read it.
        tabs.ifPresent(t -> robot.interact(() -> t.getTabs().stream().filter(tab -> tab.getContent() != null
                && isAncestor(tab.getContent(), node)).findFirst().ifPresent(t.getSelectionModel()::select)));
        double height = visibleHeight(node, viewOnly);
        if (!node.isVisible() || height < LEAST_PANEL_HEIGHT) {
            problems.add(where + ": " + what + " is " + Math.round(height) + " px tall"
                    + (node.isVisible() ? "" : " and hidden"));
        }
    }

    private static boolean isAncestor(Node ancestor, Node node) {
        for (Node up = node; up != null; up = up.getParent()) {
            if (up == ancestor) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the height of {@code node}, or of its nearest scroll pane's view when that is less; with
     *         {@code viewOnly}, of the view alone (the node may be shorter than the room it is given)
     */
    private static double visibleHeight(Node node, boolean viewOnly) {
        double height = viewOnly ? Double.MAX_VALUE : node.getLayoutBounds().getHeight();
        for (Node up = node.getParent(); up != null; up = up.getParent()) {
            if (up instanceof ScrollPane scroll) {
                return Math.min(height, scroll.getViewportBounds().getHeight());
            }
        }
        return height;
    }

    /** @return the right edge, in the scene, of the nearest scroll pane's view around {@code node}; or infinity */
    private static double viewRight(Node node, Region window) {
        for (Node up = node.getParent(); up != null; up = up.getParent()) {
            if (up instanceof ScrollPane scroll) {
                Bounds view = window.sceneToLocal(scroll.localToScene(scroll.getLayoutBounds()));
                return view.getMaxX();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static String describe(Node node) {
        StringBuilder path = new StringBuilder(node.getClass().getSimpleName());
        for (Node up = node; up != null; up = up.getParent()) {
            if (up.getId() != null) {
                path.append(" in #").append(up.getId());
                break;
            }
        }
        return path.toString();
    }
}
