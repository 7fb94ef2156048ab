package org.exitbench.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.DatasetFingerprint;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo run shipped with the bundled sample: it belongs to the sample, and installs as a run of a workspace. */
class BundledRunTest {

    private static final Path SAMPLE = Path.of("sample-data/fashion-mnist").toAbsolutePath();
    private static final Path BACKBONE = SAMPLE.resolve("backbone.zip");

    @Test
    void theShippedRunBelongsToTheShippedSampleAndBackbone() {
        BundledRun bundled = BundledRun.besides(SAMPLE).orElseThrow();
        Dataset sample = DatasetReaders.read(SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE,
                new org.exitbench.progress.CancellationToken());
        // Fails when backbone.zip or the images change without the demo run being made again (see the sample's
        // README for the command).
        assertEquals(Optional.empty(), bundled.mismatch(DatasetFingerprint.of(sample),
                BackboneFile.readMetadata(BACKBONE).fingerprint()));
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED),
                bundled.metrics().modes().stream().map(m -> m.mode()).toList());
    }

    @Test
    void aChangedBackboneOrDatasetIsRefusedWithTheReason() {
        BundledRun bundled = BundledRun.besides(SAMPLE).orElseThrow();
        String dataset = bundled.metrics().provenance().datasetFingerprint();
        String backbone = bundled.metrics().provenance().backboneFingerprint();
        assertTrue(bundled.mismatch(dataset, backbone).isEmpty());
        assertTrue(bundled.mismatch(dataset, "0" + backbone.substring(1)).orElseThrow().contains("another backbone"));
        assertTrue(bundled.mismatch("crc32c:0", backbone).orElseThrow().contains("other images"));
    }

    @Test
    void aDatasetWithoutADemoRunHasNone(@TempDir Path dataset) {
        assertTrue(BundledRun.besides(dataset).isEmpty());
    }

    @Test
    void installsAsARunOfTheWorkspacePointingAtTheFilesHereAndLeavesTheSampleAlone(@TempDir Path root)
            throws IOException {
        BundledRun bundled = BundledRun.besides(SAMPLE).orElseThrow();
        List<String> before = listing(bundled.folder());
        Workspace workspace = Workspace.at(root.resolve("ws"));

        ExperimentRun run = bundled.install(workspace, SAMPLE, BACKBONE);

        assertEquals(bundled.metrics().runId(), run.id());
        assertEquals(run.folder(), workspace.runsFolder().resolve(run.id()));
        assertEquals(SAMPLE.normalize().toString(), run.config().dataset());
        assertEquals(BACKBONE.normalize().toString(), run.config().backbone());
        assertEquals(BACKBONE.normalize().toString(), run.metrics().provenance().backboneFile());
        assertTrue(run.metrics().provenance().featureCacheOutcome().contains("shipped with the sample"));
        ExperimentRun.ModeResult boosted = run.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        assertEquals(3, boosted.thresholds().exitCount());
        assertEquals(2500, boosted.testScores().sampleCount());
        assertEquals(bundled.metrics().modes().get(0).test().accuracy(), boosted.metrics().test().accuracy());
        run.loadBranch(BranchTrainingMode.NON_BOOSTED, 2);
        assertEquals(List.of(run.id()), workspace.runs().stream().map(RunEntry::id).toList());

        // A second install never replaces the first.
        ExperimentRun again = bundled.install(workspace, SAMPLE, BACKBONE);
        assertNotEquals(run.folder(), again.folder());
        assertEquals(2, workspace.runs().size());
        assertEquals(before, listing(bundled.folder()));
        assertFalse(Files.exists(bundled.folder().resolve(".staging")));
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.map(p -> folder.relativize(p) + ":" + (Files.isRegularFile(p) ? p.toFile().length() : -1))
                    .sorted().toList();
        }
    }
}
