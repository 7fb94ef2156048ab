package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.FeatureCache;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.StagedRun;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.train.SampleSlice;
import org.exitbench.train.TrainingCheckpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash suite of issue 14: a real {@code exitbench} process (the CLI's main in a second JVM) is killed with
 * SIGKILL half-way through training a backbone, a sweep, and writing a feature cache; the next command, as a user
 * would type it, recovers with nothing that had finished lost and nothing half-written read. No shutdown hook or
 * finally block runs on SIGKILL, so only what is on disk at that moment counts.
 */
@Tag("slow")
class CrashRecoveryTest {

    private static final Duration START_LIMIT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private Process victim;
    private Path victimLog;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (victim != null && victim.isAlive()) {
            victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code exitbench args…} in a JVM of its own, as the launcher script does. */
    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), ExitbenchCli.class.getName()));
        command.addAll(List.of(args));
        victimLog = dir.resolve("victim.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(victimLog.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        victim = builder.start();
    }

    /** Waits until {@code ready} holds, polling often so the kill lands right after it; fails if the victim ends. */
    private void awaitThenKill(BooleanSupplier ready, String what) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!ready.getAsBoolean()) {
            if (!victim.isAlive()) {
                fail("the process ended (exit " + victim.exitValue() + ") before " + what + ": "
                        + Files.readString(victimLog));
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + START_LIMIT + ": " + Files.readString(victimLog));
            }
            Thread.sleep(2);
        }
        // destroyForcibly is SIGKILL on Linux: the process gets no chance to tidy up.
        victim.destroyForcibly();
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, victim.exitValue(), "killed by SIGKILL, not ended on its own");
    }

    private static List<Path> files(Path root, String suffix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            // A file renamed while walking: the next poll sees the folder as it is then.
            return List.of();
        }
    }

    private static void assertNoLeftovers(Path root) {
        assertEquals(List.of(), files(root, AtomicFiles.TEMP_SUFFIX), "half-written files left behind");
    }

    /** @return the epochs the checkpoint in {@code folder} records as finished, 0 when there is none (yet) */
    private static int completedEpochs(Path folder) {
        try {
            return TrainingCheckpoint.read(folder).map(TrainingCheckpoint::completedEpochs).orElse(0);
        } catch (RuntimeException beingReplaced) {
            return 0;
        }
    }

    private static String[] trainArgs(Path slice, Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("backbone", "train", "--data", slice.toString(), "--arch",
                "small", "--widths", "4,8", "--blocks", "1,1", "--epochs", "4", "--batch", "25", "--optimizer", "adam",
                "--lr", "0.01", "--out", model.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void backboneTrainingKilledAfterAnEpochResumesFromItsCheckpoint() throws Exception {
        Path slice = SampleSlice.copy(dir.resolve("slice"), new int[] {40, 5, 5});
        Path model = dir.resolve("model.zip");
        Path checkpoints = dir.resolve("model-checkpoints");
        start(trainArgs(slice, model));

        // The state file exists from the start (0 epochs); the kill waits for the first finished epoch in it.
        awaitThenKill(() -> completedEpochs(checkpoints) >= 1, "checkpoint after the first epoch");

        int completed = completedEpochs(checkpoints);
        assertTrue(completed >= 1 && completed < 4, "killed mid-training, after " + completed + " epochs");
        assertFalse(Files.exists(model), "a killed training saves no model");
        CommandLineRun resumed = CommandLineRun.of(trainArgs(slice, model, "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.err());
        for (int epoch = 1; epoch <= completed; epoch++) {
            assertFalse(resumed.err().contains("epoch " + epoch + "/4"), "finished epoch " + epoch
                    + " is not trained again: " + resumed.err());
        }
        assertTrue(resumed.err().contains("epoch 4/4"), resumed.err());
        assertEquals("4", BackboneFile.load(model, false).provenance().get("epochsRun"));
        assertNoLeftovers(dir);
    }

    @Test
    void aSweepKilledMidSessionKeepsItsTrialsAndTheNextSessionRecordsIt() throws Exception {
        Path definition = Files.writeString(dir.resolve("four.json"), """
                {"name": "four",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "target", "field": "training.target", "values": ["backbone-argmax",
                          "distillation"]},
                          {"name": "filters", "field": "branch.filters", "values": [4, 8]}],
                 "margins": [0.0, 0.05]}""");
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", "--data", SampleBackbone.SAMPLE.toString(), "--backbone",
                SampleBackbone.file().toString(), "--definition", definition.toString(), "--seeds", "1", "--out",
                out.toString(), "--workspace", SampleBackbone.workspace().root().toString()};
        start(args);

        awaitThenKill(() -> !files(out.resolve(SweepFolder.RESULTS), ".json").isEmpty(), "first finished trial");

        int kept = files(out.resolve(SweepFolder.RESULTS), ".json").size();
        assertTrue(kept < 4, "killed before the last trial: " + kept);
        SweepFolder folder = new SweepFolder(out);
        assertEquals(0, folder.readManifest().sessions().size(), "the killed session could not record itself");
        assertTrue(Files.isRegularFile(out.resolve(SweepFolder.SESSION_MARK)));

        CommandLineRun next = CommandLineRun.of(args);

        assertEquals(0, next.exitCode(), next.err());
        assertEquals("Trials: 4 of 4 finished (" + (4 - kept) + " trained now, " + kept + " done before)",
                next.out().lines().findFirst().orElseThrow(), "what finished before the kill is kept");
        assertTrue(next.err().contains("Recorded an earlier session"), next.err());
        List<SweepFolder.Session> sessions = folder.readManifest().sessions();
        assertEquals(2, sessions.size());
        assertEquals(kept, sessions.get(0).trialsRun());
        assertTrue(sessions.get(0).cancelled() && sessions.get(0).machine().contains("killed"), sessions.toString());
        assertEquals(4 - kept, sessions.get(1).trialsRun());
        assertFalse(Files.exists(out.resolve(SweepFolder.SESSION_MARK)));
        assertNoLeftovers(out);
    }

    @Test
    void aRunKilledWhileItsFolderIsWrittenLeavesTheFinishedRunAndIsCleanedAtTheNextRun() throws Exception {
        Path slice = SampleSlice.copy(dir.resolve("slice"), new int[] {100, 50, 50});
        Path config = Files.writeString(dir.resolve("quick.json"), "{\"training\": {\"epochs\": 1}}");
        Path workspace = dir.resolve("ws");
        Path runs = workspace.resolve("runs");
        String[] args = {"run", "--data", slice.toString(), "--backbone", SampleBackbone.file().toString(),
                "--config", config.toString(), "--modes", "boosted", "--workspace", workspace.toString()};
        CommandLineRun first = CommandLineRun.of(args);
        assertEquals(0, first.exitCode(), first.err());
        List<Path> finished = runFolders(runs);
        assertEquals(1, finished.size());
        byte[] firstMetrics = Files.readAllBytes(finished.get(0).resolve("metrics.json"));
        start(args);

        // The run is written into a hidden staging folder while its branches train, and renamed once whole.
        awaitThenKill(() -> names(runs).stream().anyMatch(n -> n.startsWith(StagedRun.STAGING_PREFIX)),
                "staging folder of the second run");

        assertEquals(finished, runFolders(runs), "the half-written run is not listed as a run");
        CommandLineRun next = CommandLineRun.of(args);

        assertEquals(0, next.exitCode(), next.err());
        List<Path> after = runFolders(runs);
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.contains(finished.get(0)));
        assertTrue(java.util.Arrays.equals(firstMetrics, Files.readAllBytes(finished.get(0).resolve("metrics.json"))),
                "the finished run is untouched");
        assertTrue(names(runs).stream().noneMatch(n -> n.startsWith(StagedRun.STAGING_PREFIX)), names(runs)
                .toString());
        assertNoLeftovers(workspace);
    }

    private static List<String> names(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** @return the committed run folders: visible folders holding metrics.json */
    private static List<Path> runFolders(Path runs) {
        return names(runs).stream().filter(n -> !n.startsWith(".")).map(runs::resolve)
                .filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).toList();
    }

    @Test
    void aFeatureCacheKilledWhileBeingWrittenIsRebuiltAndNothingHalfWrittenIsRead() throws Exception {
        Path slice = SampleSlice.copy(dir.resolve("slice"), new int[] {300, 50, 50});
        Path definition = Files.writeString(dir.resolve("one.json"), """
                {"name": "one",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "target", "field": "training.target", "values": ["backbone-argmax"]}],
                 "margins": [0.0]}""");
        Path workspace = dir.resolve("ws");
        String[] args = {"sweep", "--data", slice.toString(), "--backbone", SampleBackbone.file().toString(),
                "--definition", definition.toString(), "--seeds", "1", "--out", dir.resolve("sweep").toString(),
                "--workspace", workspace.toString()};
        start(args);

        // The first array file (or its temporary) is the start of the cache's writing; its manifest comes last.
        awaitThenKill(() -> !files(workspace, ".f32").isEmpty() || !files(workspace, AtomicFiles.TEMP_SUFFIX)
                .isEmpty(), "feature cache file");

        List<Path> manifests = files(workspace, FeatureCache.MANIFEST);
        assertEquals(List.of(), manifests, "killed before the cache was complete");
        CommandLineRun next = CommandLineRun.of(args);

        assertEquals(0, next.exitCode(), next.err());
        assertEquals("Trials: 1 of 1 finished (1 trained now, 0 done before)", next.out().lines().findFirst()
                .orElseThrow());
        manifests = files(workspace, FeatureCache.MANIFEST);
        assertEquals(1, manifests.size(), manifests.toString());
        FeatureCache cache = FeatureCache.load(manifests.get(0).getParent());
        assertEquals(3000, cache.split(org.exitbench.data.Split.TRAIN).size(), "a whole cache, every file checked");
        assertNoLeftovers(workspace);
    }
}
