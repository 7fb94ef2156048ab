package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.exitbench.sweep.TrialExecutor;
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
        Backbone backbone = BackboneFile.load(SampleBackbone.file(), false)
                .withExitPoints(new ExitPoints(List.of("stage1", "stage2")));
        Path caches = dir.resolve("caches");
        // Shards a multiple of the extraction batch, so every batch holds the same images as in process. The caches
        // folder is given as a file: URI, so every read and write goes through Hadoop's FileSystem API.
        TrialExecutor.CacheRequest request = new TrialExecutor.CacheRequest(SampleBackbone.SAMPLE,
                SampleBackbone.file(), backbone, List.of(1), caches.toUri().toString(),
                20 * FeatureExtractor.DEFAULT_BATCH_SIZE);

        CancellationToken stop = new CancellationToken();
        CompletableFuture<List<TrialExecutor.ClusterCache>> first = CompletableFuture.supplyAsync(() ->
                SparkFeatureCache.build("local[1]", LocalSparkSweepTest.LOOPBACK, request, ProgressListener.NONE,
                        stop));
        while (!first.isDone() && countShards(caches) == 0) {
            Thread.sleep(200);
        }
        stop.cancel();
        Exception stopped = assertThrows(Exception.class, first::join);
        assertTrue(stopped.getCause() instanceof CancelledException, stopped.toString());
        long finished = countShards(caches);
        assertTrue(finished >= 1 && finished < 6, finished + " of 6 shards");

        var dataset = DatasetReaders.read(SampleBackbone.SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
        Path folder = ExperimentPipeline.cacheFolder(caches, dataset, backbone, 1);
        assertFalse(Files.exists(folder.resolve(FeatureCache.MANIFEST)), "no manifest: not a cache yet");

        TrialExecutor.ClusterCache second = SparkFeatureCache.build("local[2]", LocalSparkSweepTest.LOOPBACK, request,
                ProgressListener.NONE, CancellationToken.NEVER).get(0);
        assertEquals(folder.toAbsolutePath(), Path.of(URI.create(second.location())),
                "the folder a run or an in-process sweep looks in");
        assertEquals(6, second.shards(), "train 4 shards, valid 1, test 1");
        // A shard that was running when the job stopped may still have been completed (Spark's cancel does not stop
        // a task that ignores interrupts): it is then reused as well.
        assertTrue(second.computed() <= 6 - finished && second.computed() >= 1, "the finished shards are not "
                + "computed again: " + second.computed() + " computed, " + finished + " finished at the stop");
        assertFalse(Files.exists(folder.resolve(SparkFeatureCache.SHARDS)), "the shards go once the cache holds them");

        FeatureCache here = FeatureCache.build(backbone, dataset,
                new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE),
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(here.key(), second.key(), "the fingerprint computed on the executor is the driver's");
        assertEquals(here, FeatureCache.load(folder), "saved with its manifest and checksums, bit for bit");

        TrialExecutor.ClusterCache third = SparkFeatureCache.build("local[1]", LocalSparkSweepTest.LOOPBACK,
                request, ProgressListener.NONE, CancellationToken.NEVER).get(0);
        assertEquals(0, third.computed(), third.notice());
        assertTrue(third.notice().startsWith("Reused"), third.notice());
    }

    @Test
    void anOnnxBackboneRunsOnTheExecutorsToo(@TempDir Path dir) {
        Path model = SampleBackbone.SAMPLE.resolve("onnx").resolve("small-resnet.onnx");
        Backbone backbone = ExperimentPipeline.readBackbone(model).withExitPoints(new ExitPoints(List.of(
                "/stages/stages.0/Relu_1_output_0", "/stages/stages.1/Relu_1_output_0")));
        TrialExecutor.CacheRequest request = new TrialExecutor.CacheRequest(SampleBackbone.SAMPLE, model, backbone,
                List.of(1), dir.toUri().toString(), 40 * FeatureExtractor.DEFAULT_BATCH_SIZE);
        TrialExecutor.ClusterCache built = SparkFeatureCache.build("local[2]", LocalSparkSweepTest.LOOPBACK, request,
                ProgressListener.NONE, CancellationToken.NEVER).get(0);
        assertEquals(4, built.shards(), "train 2 shards, valid 1, test 1");
        FeatureCache here = FeatureCache.build(backbone, DatasetReaders.read(SampleBackbone.SAMPLE),
                new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE),
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(here, FeatureCache.load(Path.of(URI.create(built.location()))), "ONNX Runtime's features, as in"
                + " process");
    }

    /** @return complete shards in any cache folder under {@code caches} */
    private static long countShards(Path caches) throws Exception {
        if (!Files.isDirectory(caches)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(caches)) {
            return all.filter(p -> p.getParent().getFileName().toString().equals(SparkFeatureCache.SHARDS)
                    && Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
