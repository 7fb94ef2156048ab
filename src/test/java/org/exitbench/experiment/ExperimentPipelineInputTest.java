package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input the pipeline refuses before any work, with the message that names the real problem. */
class ExperimentPipelineInputTest {

    @Test
    void aMissingDatasetIsReportedAsSuchNotAsAMissingBackbone(@TempDir Path dir) {
        Path nowhere = dir.resolve("nonexistent");
        ExperimentConfig config = ExperimentConfig.defaults().withDataset(nowhere.toString());
        ExperimentException error = assertThrows(ExperimentException.class, () -> Workspace.at(dir.resolve("ws"))
                .pipeline().run(config, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER));
        assertEquals("no such dataset: " + nowhere.toAbsolutePath() + " does not exist", error.getMessage());
    }
}
