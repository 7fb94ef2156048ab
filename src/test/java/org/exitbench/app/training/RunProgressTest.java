package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.progress.Progress;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Test;

/** One progress fraction for a whole run, from its steps' own progress. */
class RunProgressTest {

    private final List<Progress> reports = new ArrayList<>();

    private RunProgress progress(boolean trainsBackbone) {
        return new RunProgress(reports::add, new RunPlan(List.of(BranchTrainingMode.BOOSTED,
                BranchTrainingMode.NON_BOOSTED), List.of("stage1", "stage2"), 100, 20, 4, CpmSettings.defaults(),
                trainsBackbone));
    }

    @Test
    void featuresTakeTheFirstPartAndEveryBranchAnEqualShareOfTheRest() {
        RunProgress run = progress(false);
        run.report("Reading the dataset", 0, -1);
        assertEquals(0.0, run.fraction());
        run.report("Extracting features (train)", 50, 100);
        assertEquals(0.2, run.fraction(), 1e-12);
        run.report("Extracting features (test)", 100, 100);
        assertEquals(0.4, run.fraction(), 1e-12);
        run.onEpoch(RunMonitorTest.epoch(BranchTrainingMode.BOOSTED, 0, 2, 100));
        assertEquals(0.4 + 0.6 * 0.5 / 4, run.fraction(), 1e-12);
        run.onBranch(RunMonitorTest.outcome(BranchTrainingMode.BOOSTED, 0, 100, 40, 20, 8));
        assertEquals(0.4 + 0.6 / 4, run.fraction(), 1e-12, "early stopping jumps to the branch's end");
        run.onBranch(RunMonitorTest.outcome(BranchTrainingMode.NON_BOOSTED, 1, 100, 40, 20, 8));
        assertEquals(1.0, run.fraction(), 1e-12);
        run.report("Writing the run", 0, -1);
        Progress last = reports.get(reports.size() - 1);
        assertEquals("Writing the run", last.message());
        assertEquals(1.0, last.fraction(), 1e-12, "the step's own message, the run's fraction");
    }

    @Test
    void progressNeverGoesBack() {
        RunProgress run = progress(true);
        run.report("Extracting features (train)", 90, 100);
        double before = run.fraction();
        run.report("Extracting features (train)", 10, 100);
        assertEquals(before, run.fraction());
        assertTrue(before >= 0.5, "a new backbone takes the first half: " + before);
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i).done() >= reports.get(i - 1).done());
        }
    }
}
