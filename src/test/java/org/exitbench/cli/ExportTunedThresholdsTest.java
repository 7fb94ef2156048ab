package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exitbench.app.calibration.CalibrationViewModel;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.Prediction;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's acceptance: the CLI reads the workspace the app writes. Thresholds tuned by hand and saved in the app
 * are what {@code exitbench export --run R} exports, and the exported cascade sends every test image out at the exit
 * the app's Analysis pane shows for it.
 */
@Tag("slow")
class ExportTunedThresholdsTest {

    @TempDir
    Path temp;

    private WorkspaceViewModel app(OperatingPointModel point) {
        SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
        return new WorkspaceViewModel(executor, new DataViewModel(executor, SampleRuns.loader()), point,
                new ScriptedQuestions(), new Notices(), SaveScheduler.IMMEDIATE, temp.resolve("home"),
                SampleRuns.samplePath());
    }

    @Test
    void exportingARunWithHandTunedThresholdsGivesTheExitsTheAnalysisPaneShows() throws IOException {
        Path folder = temp.resolve("study");
        Workspace.create(folder, WorkspaceDocument.create("study", SampleRuns.samplePath()));
        ExperimentRun run = SampleRuns.makeRun(folder, 2);

        // In the app: open the workspace, tune by hand (CPM at another margin, then one class of exit 1 closed),
        // save with Ctrl+S.
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        WorkspaceViewModel workspace = app(point);
        assertTrue(workspace.open(folder));
        CalibrationViewModel calibration = new CalibrationViewModel(point);
        calibration.marginProperty().set(0.08);
        calibration.resetToCpm();
        calibration.setThreshold(0, 3, Double.POSITIVE_INFINITY);
        Thresholds tuned = point.thresholds();
        Thresholds cpm = run.mode(BranchTrainingMode.BOOSTED).orElseThrow().thresholds();
        assertNotEquals(cpm, tuned, "the tuned thresholds differ from the run's");
        workspace.keepCurrentThresholds();

        // The Analysis pane of the reopened workspace: the exit of every test image.
        OperatingPointModel reopened = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        assertTrue(app(reopened).open(folder));
        OperatingPointResult analysis = reopened.resultProperty().get();
        assertEquals(tuned, analysis.thresholds());

        Path out = temp.resolve("tuned.zip");
        CommandLineRun export = CommandLineRun.of("export", "--run", run.folder().toString(), "--out",
                out.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("Thresholds: tuned by hand, from "
                + Workspace.at(folder).tunedFile(run.id(), BranchTrainingMode.BOOSTED)), export.out());
        assertEquals(tuned, Thresholds.fromJson(CascadeFile.readManifest(out).thresholds().toString(), "manifest"));

        ImageDataset test = SampleRuns.sample().split(Split.TEST);
        assertEquals(test.size(), analysis.testSampleCount());
        EarlyExitPredictor predictor = EarlyExitPredictor.load(out);
        List<Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < test.size(); from += 500) {
            predictions.addAll(predictor.predict(test, from, Math.min(500, test.size() - from)));
        }
        for (int i = 0; i < test.size(); i++) {
            assertEquals(analysis.testExitOf(i), predictions.get(i).exit(), "exit of test image " + i);
        }

        Path cpmOut = temp.resolve("cpm.zip");
        CommandLineRun choosingCpm = CommandLineRun.of("export", "--run", run.folder().toString(), "--out",
                cpmOut.toString(), "--thresholds", "cpm");
        assertEquals(0, choosingCpm.exitCode(), choosingCpm.err());
        assertTrue(choosingCpm.out().contains("Thresholds: CPM's, as calibrated in the run"), choosingCpm.out());
        assertEquals(cpm, Thresholds.fromJson(CascadeFile.readManifest(cpmOut).thresholds().toString(), "manifest"));
    }

    @Test
    void askingForTunedThresholdsThatWereNeverSavedSaysWhereTheyWouldBe() {
        Path folder = temp.resolve("untuned");
        ExperimentRun run = SampleRuns.makeRun(folder, 1);
        CommandLineRun export = CommandLineRun.of("export", "--run", run.folder().toString(), "--out",
                temp.resolve("x.zip").toString(), "--thresholds", "tuned");
        assertEquals(1, export.exitCode());
        assertTrue(export.err().contains("--thresholds tuned: the workspace of run " + run.id() + " has no thresholds"
                + " tuned for its boosted cascade (expected " + Workspace.at(folder).tunedFile(run.id(),
                BranchTrainingMode.BOOSTED) + ")"), export.err());
        CommandLineRun wrong = CommandLineRun.of("export", "--run", run.folder().toString(), "--out",
                temp.resolve("x.zip").toString(), "--thresholds", "sliders");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("'sliders' is not tuned or cpm"), wrong.err());
    }
}
