package org.exitbench.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheKey;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.SplitFeatures;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.ArrayFile;

/**
 * Builds a feature cache on Spark: the dataset's splits cut into shards of consecutive images, each shard one task
 * that runs the frozen backbone on an executor and writes the shard's arrays into {@code <cache>/shards/} (a
 * folder renamed into place when complete, so a shard is there whole or not at all). When every shard is there the
 * driver joins them into an ordinary {@link FeatureCache} and saves it, whose manifest (with the checksums) is
 * written last; only then are the shards removed. A killed job therefore leaves shards but never a manifest that
 * claims a complete cache, and the next job computes only the shards that are missing.
 *
 * <p>The dataset folder, the backbone file and the cache folder must be at the same path on the driver and every
 * executor (a shared file system). Each executor reads the dataset and loads the backbone once, for all the shards
 * it runs.
 */
final class SparkFeatureCache {

    /** The folder of finished shards inside the cache folder. */
    static final String SHARDS = "shards";

    private SparkFeatureCache() {
    }

    /**
     * What to build.
     *
     * @param dataset    the dataset folder
     * @param backbone   the backbone file
     * @param exits      the backbone vertices to cache, shallow to deep
     * @param grid       the pooling grid
     * @param cache      the cache folder
     * @param shardSize  images per shard
     */
    record Request(Path dataset, Path backbone, List<String> exits, int grid, Path cache, int shardSize) {
    }

    /** What a build did: shards in all, how many were computed now, how many were reused. */
    record Outcome(FeatureCache cache, int shards, int computed, int reused) {
    }

    /**
     * Builds the cache, reusing the shards a stopped job finished.
     *
     * @param master   the Spark master
     * @param settings further Spark settings
     */
    static Outcome build(String master, Map<String, String> settings, Request request, ProgressListener progress,
                         CancellationToken cancel) {
        Path shardsFolder = request.cache().toAbsolutePath().resolve(SHARDS);
        progress.report("Reading the dataset " + request.dataset(), 0, -1);
        Dataset dataset = DatasetReaders.read(request.dataset(), ReadOptions.DEFAULTS, progress, cancel);
        TrainedBackbone backbone = load(request);
        FeaturePooling pooling = FeaturePooling.adaptiveAverage(request.grid());
        FeatureExtractor extractor = new FeatureExtractor(backbone, pooling, FeatureExtractor.DEFAULT_BATCH_SIZE);
        try {
            // A cache being rebuilt must not look complete while its shards are computed.
            Files.deleteIfExists(request.cache().resolve(FeatureCache.MANIFEST));
            Files.createDirectories(shardsFolder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the cache folder " + request.cache() + ": "
                    + e.getMessage(), e);
        }
        List<String> shards = new ArrayList<>();
        for (Split split : Split.values()) {
            int size = dataset.split(split).size();
            for (int from = 0; from < size; from += request.shardSize()) {
                shards.add(shardName(split, from, Math.min(size, from + request.shardSize())));
            }
        }
        List<String> missing = shards.stream().filter(s -> !Files.isDirectory(shardsFolder.resolve(s))).toList();
        progress.report(String.format(Locale.ROOT, "Feature cache on Spark: %d shards, %d done before, %d to compute",
                shards.size(), shards.size() - missing.size(), missing.size()), shards.size() - missing.size(),
                shards.size());
        if (!missing.isEmpty()) {
            try (JavaSparkContext sc = SparkJobs.start(master, "exitbench cache " + request.cache().getFileName(),
                    settings)) {
                SparkJobs.await(sc.parallelize(missing, missing.size())
                        .map(new ShardTask(request.dataset().toAbsolutePath().toString(),
                                request.backbone().toAbsolutePath().toString(), request.exits(), request.grid(),
                                shardsFolder.toString()))
                        .collectAsync(), cancel, "the feature cache");
            }
        }
        FeatureCache cache = join(shards, shardsFolder, FeatureCacheKey.of(backbone, dataset, pooling), extractor,
                backbone.classNames(), dataset);
        cache.save(request.cache());
        deleteTree(shardsFolder);
        return new Outcome(cache, shards.size(), missing.size(), shards.size() - missing.size());
    }

    private static TrainedBackbone load(Request request) {
        return BackboneFile.load(request.backbone(), false).withExitPoints(new ExitPoints(request.exits()));
    }

    static String shardName(Split split, int from, int to) {
        return String.format(Locale.ROOT, "%s-%08d-%08d", split.folderName(), from, to);
    }

    /** Joins each split's shards, in order, into the cache's split features. */
    private static FeatureCache join(List<String> shards, Path folder, FeatureCacheKey key, FeatureExtractor extractor,
                                     List<String> classNames, Dataset dataset) {
        int exits = extractor.exitShapes().size();
        Map<Split, SplitFeatures> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<String> parts = shards.stream().filter(s -> s.startsWith(split.folderName() + "-")).toList();
            List<List<float[]>> features = new ArrayList<>();
            List<float[]> logits = new ArrayList<>();
            List<int[]> predictions = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (String part : parts) {
                Path shard = folder.resolve(part);
                List<float[]> f = new ArrayList<>();
                for (int e = 0; e < exits; e++) {
                    f.add(ArrayFile.readFloats(shard.resolve("exit" + (e + 1) + ".f32")));
                }
                features.add(f);
                logits.add(ArrayFile.readFloats(shard.resolve("logits.f32")));
                predictions.add(ArrayFile.readInts(shard.resolve("predictions.i32")));
                labels.add(ArrayFile.readInts(shard.resolve("labels.i32")));
            }
            int[] dims = IntStream.range(0, exits).map(e -> extractor.exitShapes().get(e).featureDim()).toArray();
            List<float[]> joined = new ArrayList<>();
            for (int e = 0; e < exits; e++) {
                int exit = e;
                joined.add(concatFloats(features.stream().map(f -> f.get(exit)).toList()));
            }
            int[] allLabels = concatInts(labels);
            if (allLabels.length != dataset.split(split).size()) {
                throw new IllegalStateException("the shards of split " + split.folderName() + " hold "
                        + allLabels.length + " images, the dataset " + dataset.split(split).size());
            }
            splits.put(split, new SplitFeatures(dims, joined, classNames.size(), concatFloats(logits),
                    concatInts(predictions), allLabels));
        }
        return new FeatureCache(key, extractor.exitShapes(), classNames, extractor.logitsKind(), splits);
    }

    private static float[] concatFloats(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static int[] concatInts(List<int[]> parts) {
        int[] all = new int[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the finished shards in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /** What an executor keeps between shards: the dataset and the backbone, loaded once. */
    private static final class Loaded {
        private static String key;
        private static Dataset dataset;
        private static FeatureExtractor extractor;

        static synchronized FeatureExtractor extractor(String datasetPath, String backbonePath, List<String> exits,
                                                       int grid) {
            String wanted = datasetPath + "|" + backbonePath + "|" + exits + "|" + grid;
            if (!wanted.equals(key)) {
                dataset = DatasetReaders.read(Path.of(datasetPath), ReadOptions.DEFAULTS, ProgressListener.NONE,
                        CancellationToken.NEVER);
                extractor = new FeatureExtractor(BackboneFile.load(Path.of(backbonePath), false)
                        .withExitPoints(new ExitPoints(exits)), FeaturePooling.adaptiveAverage(grid),
                        FeatureExtractor.DEFAULT_BATCH_SIZE);
                key = wanted;
            }
            return extractor;
        }

        static synchronized Dataset dataset() {
            return dataset;
        }
    }

    /** One shard, run on an executor: the backbone over its images, written as one folder renamed into place. */
    static final class ShardTask implements Function<String, String> {

        private static final long serialVersionUID = 1L;

        private final String dataset;
        private final String backbone;
        private final ArrayList<String> exits;
        private final int grid;
        private final String shards;

        ShardTask(String dataset, String backbone, List<String> exits, int grid, String shards) {
            this.dataset = dataset;
            this.backbone = backbone;
            this.exits = new ArrayList<>(exits);
            this.grid = grid;
            this.shards = shards;
        }

        @Override
        public String call(String shard) throws IOException {
            Path target = Path.of(shards, shard);
            if (Files.isDirectory(target)) {
                return shard;
            }
            String[] parts = shard.split("-");
            Split split = Split.valueOf(parts[0].toUpperCase(Locale.ROOT));
            int from = Integer.parseInt(parts[1]);
            int to = Integer.parseInt(parts[2]);
            FeatureExtractor extractor = Loaded.extractor(dataset, backbone, exits, grid);
            ImageDataset images = Loaded.dataset().split(split).subset(IntStream.range(from, to).toArray());
            SplitFeatures features = extractor.extract(images, ProgressListener.NONE, CancellationToken.NEVER);
            TaskContext context = TaskContext.get();
            Path temp = Path.of(shards, "." + shard + "." + (context == null ? System.nanoTime()
                    : context.taskAttemptId()) + ResultFiles.TEMP_SUFFIX);
            Files.createDirectories(temp);
            long n = features.size();
            for (int e = 0; e < features.exitCount(); e++) {
                ArrayFile.writeFloats(temp.resolve("exit" + (e + 1) + ".f32"), new long[] {n, features.featureDim(e)},
                        features.features(e));
            }
            ArrayFile.writeFloats(temp.resolve("logits.f32"), new long[] {n, features.numClasses()}, features.logits());
            ArrayFile.writeInts(temp.resolve("predictions.i32"), new long[] {n}, features.predictions());
            ArrayFile.writeInts(temp.resolve("labels.i32"), new long[] {n}, features.labels());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another attempt of this shard got there first: its folder is complete, this one goes.
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                deleteTree(temp);
            }
            return shard;
        }
    }
}
