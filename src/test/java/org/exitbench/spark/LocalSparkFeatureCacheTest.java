package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's feature cache built on Spark (local[2]) in shards: a job stopped after its first shard leaves no
 * manifest, the next job computes only the missing shards, and the result equals the cache built in process.
 */
@Tag("slow")
@Tag("spark")
@Timeout(300)
class LocalSparkFeatureCacheTest {

    @Test
    void aStoppedBuildLeavesNoCompleteLookingCacheAndTheNextReusesItsShards(@TempDir Path dir) throws Exception {
        List<String> exits = List.of("stage1", "stage2");
        // Shards a multiple of the extraction batch, so every batch holds the same images as in process.
        SparkFeatureCache.Request request = new SparkFeatureCache.Request(SampleBackbone.SAMPLE,
                SampleBackbone.file(), exits, 1, dir.resolve("cache"), 20 * FeatureExtractor.DEFAULT_BATCH_SIZE);

        CancellationToken stop = new CancellationToken();
        CompletableFuture<SparkFeatureCache.Outcome> first = CompletableFuture.supplyAsync(() ->
                SparkFeatureCache.build("local[1]", LocalSparkSweepTest.LOOPBACK, request, ProgressListener.NONE,
                        stop));
        Path shards = request.cache().resolve(SparkFeatureCache.SHARDS);
        while (!first.isDone() && countShards(shards) == 0) {
            Thread.sleep(200);
        }
        stop.cancel();
        Exception stopped = assertThrows(Exception.class, first::join);
        assertTrue(stopped.getCause() instanceof CancelledException, stopped.toString());
        assertFalse(Files.exists(request.cache().resolve(FeatureCache.MANIFEST)), "no manifest: not a cache yet");
        long finished = countShards(shards);
        assertTrue(finished >= 1 && finished < 6, finished + " of 6 shards");

        SparkFeatureCache.Outcome second = SparkFeatureCache.build("local[2]", LocalSparkSweepTest.LOOPBACK, request,
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(6, second.shards(), "train 4 shards, valid 1, test 1");
        // A shard that was running when the job stopped may still have been completed (Spark's cancel does not stop
        // a task that ignores interrupts): it is then reused as well.
        assertTrue(second.reused() >= finished && second.reused() < 6, "the finished shards are not computed again: "
                + second.reused() + " reused, " + finished + " finished at the stop");
        assertEquals(6, second.reused() + second.computed());
        assertFalse(Files.exists(shards), "the shards go once the cache holds them");

        var dataset = DatasetReaders.read(SampleBackbone.SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
        FeatureCache here = FeatureCache.build(BackboneFile.load(SampleBackbone.file(), false)
                        .withExitPoints(new ExitPoints(exits)), dataset,
                new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE),
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(here, second.cache());
        assertEquals(here, FeatureCache.load(request.cache()), "saved with its manifest and checksums");
    }

    private static long countShards(Path shards) throws Exception {
        if (!Files.isDirectory(shards)) {
            return 0;
        }
        try (Stream<Path> all = Files.list(shards)) {
            return all.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
