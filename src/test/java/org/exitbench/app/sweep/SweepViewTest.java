package org.exitbench.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.geometry.Dimension2D;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.io.Notices;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The sweep window's form, headless: the plan follows the settings, and an invalid choice stops Start. */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class SweepViewTest {

    @TempDir
    static Path temp;

    private SweepViewModel model;

    @Start
    void start(Stage stage) {
        model = new SweepViewModel(new SynchronousTaskExecutor(), new Notices());
        model.targetProperty().set(new SweepTarget(Workspace.at(temp), temp.resolve("sweeps"),
                Path.of("sample-data", "fashion-mnist"), null));
        SweepView view = new SweepView(model, FileDialogs.answering(Optional::empty),
                (owner, from) -> Optional.empty());
        // As SweepView.show lays it out on a 1280 × 800 screen.
        ScrollPane scroll = new ScrollPane(view.node());
        scroll.setFitToWidth(true);
        Dimension2D size = SweepView.windowSize(new Rectangle2D(0, 0, 1280, 800));
        stage.setScene(new Scene(scroll, size.getWidth(), size.getHeight()));
        stage.show();
    }

    @Test
    void thePlanFollowsTheSettingsAndLeavingOutTheBaselineStopsStart(FxRobot robot) {
        Label plan = robot.lookup("#sweepPlan").queryAs(Label.class);
        Button start = robot.lookup("#sweepStart").queryButton();
        assertTrue(plan.getText().startsWith("192 trials: 64 configurations × 3 seeds"), plan.getText());
        assertTrue(robot.lookup("#sweepEstimate").queryAs(Label.class).getText().startsWith("Roughly"));
        assertFalse(start.isDisabled());
        assertTrue(robot.lookup("#sweepFolder").queryAs(Label.class).getText().endsWith("bts-ee-64"));

        // Keyboard only: focus the seeds field and step it up.
        Spinner<?> seeds = robot.lookup("#sweepSeeds").queryAs(Spinner.class);
        robot.interact(() -> seeds.getEditor().requestFocus());
        robot.type(KeyCode.UP);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(4, model.seedsProperty().get());
        assertTrue(plan.getText().startsWith("256 trials: 64 configurations × 4 seeds"), plan.getText());

        robot.clickOn("#sweepMode-non-boosted");
        Label problem = robot.lookup("#sweepProblem").queryAs(Label.class);
        assertTrue(start.isDisabled());
        assertTrue(problem.isVisible());
        assertTrue(problem.getText().startsWith("Modes: must list at least two"), problem.getText());

        robot.clickOn("#sweepMode-non-boosted");
        assertFalse(start.isDisabled());
        assertFalse(problem.isVisible());
    }

    @Test
    void theTablesFitTheWindowWholeAndUnbrokenAtEveryTextSize(FxRobot robot) {
        for (boolean filled : new boolean[] {false, true}) {
            if (filled) {
                robot.interact(() -> {
                    model.comparisons().setAll(
                            new SweepRows.Comparison("boosted \u2212 non-boosted", "compute reduction at \u2264 10"
                                    + " points loss", "12 / 40 / 12", "\u221210.25 [\u221212.02, \u22128.68]",
                                    "< 0.001", null),
                            new SweepRows.Comparison("soft \u2212 non-boosted", "compute reduction at the training"
                                    + " margin", "4 / 52 / 8", "\u22120.85 [\u22121.02, \u22120.68]", "0.412", null));
                    model.best().setAll(
                            new SweepRows.Best("non-boosted", "\u2264 10 points", "41.3 %", "10.60 points",
                                    "c63: exits = stage1+stage2+stage3, filters = 64, recipe = distillation,"
                                            + " m 0.20, cross-fitted"),
                            new SweepRows.Best("boosted", "\u2264 1 point", "none", "",
                                    "no configuration saves compute within it"));
                });
            }
            for (int size : new int[] {13, 15, 17, 20}) {
                robot.interact(() -> robot.lookup("#sweepComparisons").query().getScene().getRoot()
                        .setStyle("-fx-font-size: " + size + "px;"));
                WaitForAsyncUtils.waitForFxEvents();
                List<String> problems = new ArrayList<>();
                for (String id : List.of("#sweepComparisons", "#sweepBest")) {
                    TableView<?> table = robot.lookup(id).queryAs(TableView.class);
                    String where = size + " px, " + id + (filled ? " with rows" : " empty") + ": ";
                    double right = table.localToScene(table.getLayoutBounds()).getMaxX();
                    for (Labeled header : robot.lookup(id + " .column-header .label").queryAllAs(Labeled.class)) {
                        header.getChildrenUnmodifiable().stream().filter(Text.class::isInstance)
                                .map(Text.class::cast).filter(shown -> !shown.getText().equals(header.getText()))
                                .forEach(shown -> problems.add(where + "header \"" + header.getText()
                                        + "\" shown as \"" + shown.getText() + "\""));
                        if (header.localToScene(header.getLayoutBounds()).getMaxX() > right + 0.5) {
                            problems.add(where + "header \"" + header.getText() + "\" out of view");
                        }
                    }
                    for (TableCell<?, ?> cell : robot.lookup(id + " .table-cell").queryAllAs(TableCell.class)) {
                        if (cell.isEmpty() || !cell.isVisible()) {
                            continue;
                        }
                        if (!(cell.getGraphic() instanceof Text shown)) {
                            cell.getChildrenUnmodifiable().stream().filter(Text.class::isInstance)
                                    .map(Text.class::cast).filter(text -> !text.getText().equals(cell.getText()))
                                    .forEach(text -> problems.add(where + "cell \"" + cell.getText()
                                            + "\" shown as \"" + text.getText() + "\""));
                            continue;
                        }
                        if (shown.localToScene(shown.getLayoutBounds()).getMaxX() > right + 0.5) {
                            problems.add(where + "cell \"" + shown.getText() + "\" out of view");
                        }
                        for (String word : shown.getText().split(" ")) {
                            Text measured = new Text(word);
                            measured.setFont(shown.getFont());
                            if (measured.getLayoutBounds().getWidth() > shown.getWrappingWidth()) {
                                problems.add(where + "cell \"" + shown.getText() + "\" breaks \"" + word + "\"");
                            }
                        }
                    }
                }
                assertEquals(List.of(), problems);
            }
        }
    }

    @Test
    void theTablesHeadersAreShownWholeWithProjectorSizedText(FxRobot robot) {
        for (int size : new int[] {13, 17, 20}) {
            robot.interact(() -> robot.lookup("#sweepComparisons").query().getScene().getRoot()
                    .setStyle("-fx-font-size: " + size + "px;"));
            WaitForAsyncUtils.waitForFxEvents();
            List<String> cut = new ArrayList<>();
            for (String table : List.of("#sweepComparisons", "#sweepBest")) {
                for (Labeled header : robot.lookup(table + " .column-header .label").queryAllAs(Labeled.class)) {
                    header.getChildrenUnmodifiable().stream().filter(Text.class::isInstance).map(Text.class::cast)
                            .filter(shown -> !shown.getText().equals(header.getText()))
                            .forEach(shown -> cut.add(size + " px: \"" + header.getText() + "\" shown as \""
                                    + shown.getText() + "\""));
                }
            }
            assertEquals(List.of(), cut);
        }
    }
}
