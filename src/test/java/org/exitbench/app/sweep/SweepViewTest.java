package org.exitbench.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.Spinner;
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
        stage.setScene(new Scene((Parent) view.node(), 1000, 760));
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
