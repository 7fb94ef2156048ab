package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.exitbench.data.Split;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.Backbone;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.TrialExecutor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on one machine: a standalone master and two workers, each its own JVM on 127.0.0.1, run a small
 * sweep while one worker is killed mid-job. Spark runs the lost trials again on the other worker; every trial ends
 * as exactly one result file, equal to the in-process runner's for the same seeds. Then a third worker joins and a
 * feature cache is built while it is killed: every shard ends in the cache exactly once.
 */
@Tag("slow")
@Tag("spark")
@Timeout(value = 1200, unit = TimeUnit.SECONDS)
class StandaloneSparkSweepTest {

    /** Three learning rates × two seeds, all finishing: six trials of real training. */
    static SweepDefinition six() {
        return SweepDefinition.fromJson("""
                {"name": "spark-cluster",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 2}},
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

            int doneAtKill = awaitFirstResult(folder.resolve(SweepFolder.RESULTS), job, cluster);
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

            cluster.addWorker("1g");
            cluster.awaitWorkers(2, Duration.ofSeconds(120));
            aWorkerKilledMidBuildLosesNoShard(cluster, dir, here);
        }
    }

    /**
     * The sample's feature cache built on the cluster in 24 shards while worker 3 is killed: Spark runs its shard
     * again, the manifest appears only once every shard is there, and the cache equals the one built in process.
     */
    private static void aWorkerKilledMidBuildLosesNoShard(StandaloneCluster cluster, Path dir,
                                                          SweepRunner.Outcome here) throws Exception {
        Backbone backbone = ExperimentPipeline.readBackbone(SampleBackbone.file())
                .withExitPoints(new ExitPoints(List.of("stage1", "stage2")));
        Path caches = dir.resolve("cluster-caches");
        TrialExecutor.CacheRequest request = new TrialExecutor.CacheRequest(SampleBackbone.SAMPLE,
                SampleBackbone.file(), backbone, List.of(1), caches.toUri().toString(),
                5 * FeatureExtractor.DEFAULT_BATCH_SIZE);
        List<String> messages = new CopyOnWriteArrayList<>();
        CompletableFuture<List<TrialExecutor.ClusterCache>> build = CompletableFuture.supplyAsync(() ->
                SparkFeatureCache.build(cluster.masterUrl(), cluster.driverSettings(2), request,
                        p -> messages.add(p.message()), CancellationToken.NEVER));
        List<String> early = new ArrayList<>();
        boolean killed = false;
        boolean seen = false;
        while (!build.isDone()) {
            if (!seen) {
                Path complete = firstManifest(caches);
                if (complete != null) {
                    seen = true;
                    early.addAll(incomplete(complete.getParent()));
                }
            }
            if (!killed && countShards(caches) > 0 && cluster.executorRunningFor(2, 5)) {
                cluster.killWorker(2);
                killed = true;
            }
            Thread.sleep(100);
        }
        TrialExecutor.ClusterCache built = build.get(0, TimeUnit.SECONDS).get(0);
        assertTrue(killed, "worker 3 was killed before the build ended: " + messages);
        assertEquals(List.of(), early, "no manifest before the cache is complete");
        assertEquals(24, built.shards(), "train 16, valid 4, test 4");
        assertEquals(24, built.computed());
        assertTrue(messages.stream().anyMatch(m -> m.contains("Spark runs it again")),
                "a shard was running on the killed worker and was run again: " + messages);
        FeatureCache inProcess = FeatureCache.load(SampleBackbone.workspace().cachesFolder()
                .resolve(Path.of(URI.create(built.location())).getFileName()));
        assertEquals(inProcess, FeatureCache.load(Path.of(URI.create(built.location()))),
                "every image's features exactly once, in order, bit for bit as in process (" + here.trials()
                        + " trials used it)");
        try (Stream<Path> left = Files.walk(caches)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(ResultFiles.TEMP_SUFFIX)
                    || p.getFileName().toString().equals(SparkFeatureCache.SHARDS)).toList(), "nothing left over");
        }
    }

    /** @return a manifest in a cache folder under {@code caches}, or null while there is none */
    private static Path firstManifest(Path caches) throws Exception {
        if (!Files.isDirectory(caches)) {
            return null;
        }
        try (Stream<Path> folders = Files.list(caches)) {
            return folders.map(f -> f.resolve(FeatureCache.MANIFEST)).filter(Files::exists).findFirst().orElse(null);
        }
    }

    /**
     * @return what is wrong with the cache a manifest was just seen in: it must load, checksums and all, with every
     *         image of every split (the shards are removed only after the manifest is written, so they may be seen
     *         going)
     */
    private static List<String> incomplete(Path folder) {
        try {
            FeatureCache cache = FeatureCache.load(folder);
            int images = cache.split(Split.TRAIN).size() + cache.split(Split.VALID).size()
                    + cache.split(Split.TEST).size();
            return images == 15_000 ? List.of() : List.of(folder + " holds " + images + " of 15000 images");
        } catch (RuntimeException e) {
            return List.of(folder + " has a manifest but does not load: " + e.getMessage());
        }
    }

    private static long countShards(Path caches) throws Exception {
        try (Stream<Path> all = Files.walk(caches)) {
            return all.filter(p -> p.getParent() != null
                    && p.getParent().getFileName().toString().equals(SparkFeatureCache.SHARDS)
                    && Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).count();
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Waits until the first trial's result is written and worker 2's executor has been up long enough to hold a
     * task (with 5 trials left for 2 one-core executors, it does: on an idle machine waiting longer let all six finish first); returns how many results are written then.
     */
    private static int awaitFirstResult(Path results, CompletableFuture<?> job, StandaloneCluster cluster)
            throws Exception {
        while (true) {
            if (job.isDone()) {
                job.get();
                return 6;
            }
            if (Files.isDirectory(results)) {
                try (Stream<Path> files = Files.list(results)) {
                    long done = files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
                    if (done > 0 && cluster.executorRunningFor(1, 5)) {
                        return (int) done;
                    }
                }
            }
            Thread.sleep(200);
        }
    }
}
