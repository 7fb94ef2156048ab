package org.exitbench.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.StagedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs appear whole or not at all, and never replace one another. */
class WorkspaceTest {

    @TempDir
    Path root;

    @Test
    void aCommittedRunAppearsUnderItsIdWithItsFiles() throws IOException {
        Workspace workspace = Workspace.at(root);
        Path run;
        try (StagedRun staged = workspace.stageRun()) {
            AtomicFiles.writeString(staged.folder().resolve("metrics.json"), "{}");
            assertEquals(List.of(), workspace.runFolders(), "a staged run is not listed");
            run = staged.commit("20261125-101500");
        }
        assertEquals(root.toAbsolutePath().normalize().resolve("runs/20261125-101500"), run);
        assertEquals("{}", Files.readString(run.resolve("metrics.json")));
        assertEquals(List.of(run), workspace.runFolders());
    }

    @Test
    void aTakenIdGetsASuffixAndTheFirstRunIsUntouched() throws IOException {
        Workspace workspace = Workspace.at(root);
        Path first;
        try (StagedRun staged = workspace.stageRun()) {
            AtomicFiles.writeString(staged.folder().resolve("a.txt"), "first");
            first = staged.commit("same");
        }
        Files.createDirectories(root.resolve("runs/same-2")); // even an empty folder is never replaced
        Path second;
        try (StagedRun staged = workspace.stageRun()) {
            AtomicFiles.writeString(staged.folder().resolve("a.txt"), "second");
            second = staged.commit("same");
        }
        assertEquals(root.toAbsolutePath().normalize().resolve("runs/same-3"), second);
        assertEquals("first", Files.readString(first.resolve("a.txt")));
        assertEquals("second", Files.readString(second.resolve("a.txt")));
    }

    @Test
    void anUncommittedRunLeavesNothing() throws IOException {
        Workspace workspace = Workspace.at(root);
        Path staging;
        try (StagedRun staged = workspace.stageRun()) {
            staging = staged.folder();
            Files.createDirectories(staging.resolve("branches"));
            AtomicFiles.writeString(staging.resolve("branches/b.zip"), "x");
        }
        assertFalse(Files.exists(staging));
        assertEquals(List.of(), workspace.runFolders());
    }

    @Test
    void namesAreChecked() {
        Workspace workspace = Workspace.at(root);
        assertEquals(root.resolve("cache/fashion-mnist-ab12"), workspace.cacheFolder("fashion-mnist-ab12"));
        var error = assertThrows(IllegalArgumentException.class, () -> workspace.cacheFolder("../escape"));
        assertTrue(error.getMessage().contains("'../escape'"), error.getMessage());
        try (StagedRun staged = workspace.stageRun()) {
            assertThrows(IllegalArgumentException.class, () -> staged.commit(".hidden"));
        }
    }

    @Test
    void aDeletedRunDisappearsWithItsFilesAndLeavesTheOthers() throws IOException {
        Workspace workspace = Workspace.at(root);
        Path kept;
        Path deleted;
        try (StagedRun staged = workspace.stageRun()) {
            AtomicFiles.writeString(staged.folder().resolve("a.txt"), "kept");
            kept = staged.commit("20261125-100000");
        }
        try (StagedRun staged = workspace.stageRun()) {
            Files.createDirectories(staged.folder().resolve("boosted/branches"));
            AtomicFiles.writeString(staged.folder().resolve("boosted/branches/b.zip"), "x");
            deleted = staged.commit("20261125-110000");
        }
        workspace.deleteRun("20261125-110000");
        assertFalse(Files.exists(deleted));
        assertEquals(List.of(kept), workspace.runFolders());
        try (var left = Files.list(root.resolve("runs"))) {
            assertEquals(List.of(kept), left.toList(), "nothing hidden is left behind either");
        }
        var missing = assertThrows(IllegalArgumentException.class, () -> workspace.deleteRun("20261125-110000"));
        assertTrue(missing.getMessage().contains("no run '20261125-110000'"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> workspace.deleteRun("../cache"));
    }

    /**
     * Issue 20: tuned thresholds on a derived rule's score are saved with the rule as a decision file, read back
     * equal, removed when the thresholds go back to a built-in score, and deleted with the run.
     */
    @Test
    void aDecisionRuleIsSavedWithTunedThresholdsAndDeletedWithTheRun() throws IOException {
        Workspace workspace = Workspace.at(root);
        try (StagedRun staged = workspace.stageRun()) {
            AtomicFiles.writeString(staged.folder().resolve("metrics.json"), "{}");
            staged.commit("r1");
        }
        var mode = org.exitbench.train.BranchTrainingMode.BOOSTED;
        var thresholds = org.exitbench.cascade.Thresholds.of(org.exitbench.cascade.ExitRule.DERIVED,
                new double[][] {{0.5, 0.6}, {0.7, 0.8}});
        var decision = new org.exitbench.cascade.decision.DecisionFile(new org.exitbench.cascade.decision.AgreementRule(
                new org.exitbench.cascade.decision.TemperatureRule(new double[] {1.5, 0.8})), thresholds, "test");
        workspace.saveTunedThresholds("r1", mode, thresholds, org.exitbench.calibrate.CpmSettings.defaults());
        workspace.saveTunedDecision("r1", mode, decision);
        var read = workspace.tunedDecision("r1", mode).orElseThrow();
        assertEquals(decision.rule(), read.rule());
        assertEquals(thresholds, read.thresholds());
        assertEquals(thresholds, workspace.tunedThresholds("r1", mode).orElseThrow());

        workspace.saveTunedDecision("r1", mode, null);
        assertFalse(Files.exists(workspace.tunedDecisionFile("r1", mode)));
        workspace.saveTunedDecision("r1", mode, decision);
        workspace.deleteRun("r1");
        assertFalse(Files.exists(workspace.tunedDecisionFile("r1", mode)), "deleted with the run");

        Files.createDirectories(workspace.tunedDecisionFile("r2", mode).getParent());
        Files.writeString(workspace.tunedDecisionFile("r2", mode), "{\"format\": \"exitbench-decision\"}");
        org.exitbench.store.StoreException bad = assertThrows(org.exitbench.store.StoreException.class,
                () -> workspace.tunedDecision("r2", mode));
        assertTrue(bad.getMessage().contains(workspace.tunedDecisionFile("r2", mode).toString()), bad.getMessage());
    }
}
