package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on one machine: a standalone master and two workers, each its own JVM on 127.0.0.1, run a small
 * sweep while one worker is killed mid-job. Spark runs the lost trials again on the other worker; every trial ends
 * as exactly one result file, equal to the in-process runner's for the same seeds.
 */
@Tag("slow")
@Tag("spark")
@Timeout(value = 540, unit = TimeUnit.SECONDS)
class StandaloneSparkSweepTest {

    /** Three learning rates × two seeds, all finishing: six trials of real training. */
    static SweepDefinition six() {
        return SweepDefinition.fromJson("""
                {"name": "spark-cluster",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "lr", "field": "training.learningRate", "values": [0.01, 0.02, 0.05]}],
                 "seeds": [1, 2], "margins": [0.0, 0.05, 0.2]}""", "spark-cluster");
    }

    @Test
    void aWorkerKilledMidJobLosesNoTrialAndDuplicatesNone(@TempDir Path dir) throws Exception {
        SweepRunner runner = SampleBackbone.workspace().sweepRunner();
        SweepRunner.Outcome here = runner.run(six(), LocalSparkSweepTest.request(dir.resolve("here")),
                ProgressListener.NONE, CancellationToken.NEVER);

        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2, "1g",
                Duration.ofSeconds(120))) {
            SweepRunner onCluster = runner.on(new SparkTrialExecutor(cluster.masterUrl(),
                    cluster.driverSettings(2)));
            Path folder = dir.resolve("cluster-sweep");
            List<String> messages = new CopyOnWriteArrayList<>();
            ProgressListener progress = p -> messages.add(p.message());
            CompletableFuture<SweepRunner.Outcome> job = CompletableFuture.supplyAsync(() -> onCluster.run(six(),
                    LocalSparkSweepTest.request(folder), progress, CancellationToken.NEVER));

            int doneAtKill = awaitFirstResult(folder.resolve(SweepFolder.RESULTS), job);
            cluster.killWorker(1);
            assertTrue(doneAtKill < 6, "the worker died while trials were left (" + doneAtKill + " of 6 done)");

            SweepRunner.Outcome there = job.get(420, TimeUnit.SECONDS);
            assertEquals(6, there.ran());
            assertEquals(0, there.failed());
            assertEquals(1, cluster.aliveWorkers(), "the master saw the worker go");
            assertTrue(messages.stream().anyMatch(m -> m.contains("Spark runs it again")),
                    "a trial was running on the killed worker and was run again: " + messages);
            LocalSparkSweepTest.assertSameResults(here.folder().root(), there.folder().root());
            assertEquals(here.summary(), there.summary());
        }
    }

    /** Waits until the first trial's result is written; returns how many are written then. */
    private static int awaitFirstResult(Path results, CompletableFuture<?> job) throws Exception {
        while (true) {
            if (job.isDone()) {
                job.get();
                return 6;
            }
            if (Files.isDirectory(results)) {
                try (Stream<Path> files = Files.list(results)) {
                    long done = files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
                    if (done > 0) {
                        return (int) done;
                    }
                }
            }
            Thread.sleep(200);
        }
    }
}
