package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The speedup slot, headless: pressing "Measure speedup" on a real sample run fills in the three figures. */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class SpeedupViewTest {

    @TempDir
    static Path workspace;
    private final FxTaskExecutor executor = new FxTaskExecutor();
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private ExperimentRun run;
    private SpeedupViewModel model;

    @Start
    void start(Stage stage) {
        run = SampleRuns.makeRun(workspace, 1);
        point.setSource(RunCascadeSource.of(run, BranchTrainingMode.BOOSTED, SampleRuns.sample(), null).source());
        model = new SpeedupViewModel(point, executor, new Notices(), SampleRuns::sample);
        model.setAmount(20, 2);
        model.targetProperty().set(new SpeedupViewModel.Target(run.folder(), BranchTrainingMode.BOOSTED));
        stage.setScene(new Scene(new StackPane(new SpeedupView(model).node()), 700, 200));
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
    void measuringFillsInTheoreticalSimulatedAndMeasured(FxRobot robot) throws Exception {
        assertTrue(text(robot, "#speedupTheoretical").startsWith("Theoretical at the current thresholds: "));
        assertFalse(robot.lookup("#speedupFigures").query().isVisible(), "nothing measured yet");
        assertTrue(text(robot, "#speedupStatus").startsWith("Not measured yet"));

        robot.clickOn("#measureSpeedup");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> model.shownProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();

        MeasuredSpeedup shown = model.shownProperty().get();
        String figures = text(robot, "#speedupFigures");
        assertTrue(robot.lookup("#speedupFigures").query().isVisible());
        assertEquals(SpeedupViewModel.figures(shown), figures);
        assertTrue(figures.startsWith("theoretical ") && figures.contains(" · simulated ")
                && figures.contains(" · measured "), figures);
        assertTrue(text(robot, "#speedupThresholdNote").startsWith("Measured at the current thresholds"));
        assertFalse(robot.lookup("#speedupStatus").query().isVisible());
        assertFalse(robot.lookup("#measureSpeedup").queryAs(Button.class).isDisabled(), "it can measure again");
    }
}
