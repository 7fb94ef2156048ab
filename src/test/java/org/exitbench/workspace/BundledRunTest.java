package org.exitbench.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
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
        assertTrue(BundledRun.open(dataset, BACKBONE).isEmpty());
    }

    @Test
    void opensTheShippedRunWhereItIsWithoutWritingAnything() throws IOException {
        List<String> before = listing(SAMPLE.resolve(BundledRun.FOLDER));

        BundledRun.Opened opened = BundledRun.open(SAMPLE, BACKBONE).orElseThrow();

        assertEquals(Optional.empty(), opened.mismatch());
        assertEquals(opened.bundled().folder(), opened.run().folder(), "read where it is shipped");
        assertEquals(opened.bundled().metrics().runId(), opened.run().metrics().runId());
        assertEquals(2500, opened.run().mode(BranchTrainingMode.BOOSTED).orElseThrow().testScores().sampleCount());
        assertEquals(before, listing(SAMPLE.resolve(BundledRun.FOLDER)));
    }

    @Test
    void aShippedRunOfAnotherBackboneIsNotRead(@TempDir Path folder) throws IOException {
        String fingerprint = BackboneFile.readMetadata(BACKBONE).fingerprint();
        Path other = folder.resolve("backbone.zip");
        // The sample's backbone with another fingerprint recorded, as a retrained backbone would have.
        try (ZipFile in = new ZipFile(BACKBONE.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(other))) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(BackboneFile.METADATA_ENTRY)) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replace(fingerprint, "0" + fingerprint
                            .substring(1)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertNotEquals(fingerprint, BackboneFile.readMetadata(other).fingerprint());

        BundledRun.Opened opened = BundledRun.open(SAMPLE, other).orElseThrow();

        assertNull(opened.run(), "its scores do not apply, so they are not read");
        assertTrue(opened.mismatch().orElseThrow().contains("another backbone"), opened.mismatch().toString());
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
