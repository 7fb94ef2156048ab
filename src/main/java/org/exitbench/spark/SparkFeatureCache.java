package org.exitbench.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.DatasetFingerprint;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheKey;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.ArrayFile;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StagedRun;
import org.exitbench.store.StoreException;
import org.exitbench.sweep.TrialExecutor;

/**
 * Builds feature caches on Spark without the driver reading the dataset. One task, on an executor, reads the
 * dataset and returns its name, split sizes and fingerprint (and whether it fits the backbone); the driver cuts the
 * splits into shards of consecutive images, and each shard is one task that runs the frozen backbone (DL4J or ONNX
 * Runtime) on an executor and writes the shard's arrays into {@code <cache>/shards/}, as a folder renamed into
 * place when complete, so a shard is there whole or not at all. When every shard is there the driver joins them
 * into an ordinary {@link FeatureCache} and writes it, its manifest (with the checksums) last; only then are the
 * shards removed. A killed job therefore leaves shards but never a manifest that claims a complete cache, and the
 * next job computes only the shards that are missing (shards of another dataset or backbone are discarded: the
 * shards folder records the key they were made for).
 *
 * <p>All reads and writes of the cache folder go through Hadoop's FileSystem API ({@code file:}, {@code hdfs:},
 * {@code s3a:}, …). The dataset folder and the backbone file must be at the same path on every executor (a shared
 * file system); each executor reads the dataset and loads the backbone once, for all the shards it runs.
 */
final class SparkFeatureCache {

    /** The folder of finished shards inside the cache folder. */
    static final String SHARDS = "shards";
    /** Inside the shards folder: the key the shards were made for. */
    static final String SHARDS_KEY = "key.json";
    /** Images per shard when the request names none: a multiple of the extraction batch, about a minute of work. */
    static final int DEFAULT_SHARD_IMAGES = 20 * FeatureExtractor.DEFAULT_BATCH_SIZE;

    private static final ObjectMapper MAPPER = JsonDocuments.newMapper();

    private SparkFeatureCache() {
    }

    /**
     * What the executor that read the dataset reports.
     *
     * @param name        {@link Dataset#name()}
     * @param fingerprint {@link DatasetFingerprint#of}
     * @param sizes       images per split, in {@link Split} order
     * @param misfit      why the dataset does not fit the backbone, or null when it does
     */
    record Description(String name, String fingerprint, List<Integer> sizes, String misfit) {
    }

    /**
     * Builds or reuses one cache per requested grid.
     *
     * @param master   the Spark master
     * @param settings further Spark settings
     */
    static List<TrialExecutor.ClusterCache> build(String master, Map<String, String> settings,
                                                  TrialExecutor.CacheRequest request, ProgressListener progress,
                                                  CancellationToken cancel) {
        int shardImages = request.shardImages() > 0 ? request.shardImages() : DEFAULT_SHARD_IMAGES;
        String dataset = request.dataset().toAbsolutePath().toString();
        String backboneFile = request.backboneFile().toAbsolutePath().toString();
        List<String> exits = request.backbone().exitPoints().vertices();
        List<TrialExecutor.ClusterCache> built = new ArrayList<>();
        try (JavaSparkContext sc = SparkJobs.start(master, "exitbench cache " + request.dataset().getFileName(),
                settings)) {
            progress.report("Reading the dataset " + request.dataset() + " on an executor", 0, -1);
            Description description = decode(SparkJobs.await(sc.parallelize(List.of(dataset), 1)
                    .map(new DescribeTask(backboneFile)).collectAsync(), cancel, "reading the dataset").get(0));
            if (description.misfit() != null) {
                throw new ExperimentException(description.misfit());
            }
            List<String> shards = shardNames(description.sizes(), shardImages);
            for (int grid : request.grids()) {
                FeatureCacheKey key = new FeatureCacheKey(description.fingerprint(), request.backbone().fingerprint(),
                        exits, new FeaturePooling(grid));
                Path folder = new Path(new Path(request.cachesFolder()),
                        StagedRun.checkName(ExperimentPipeline.cacheName(description.name(), request.backbone(),
                                grid)));
                built.add(buildOne(sc, new ShardTask(dataset, backboneFile, exits, grid,
                        new Path(folder, SHARDS).toUri().toString()), key, folder, shards, progress, cancel));
            }
        }
        return built;
    }

    private static TrialExecutor.ClusterCache buildOne(JavaSparkContext sc, ShardTask task, FeatureCacheKey key,
                                                       Path folder, List<String> shards, ProgressListener progress,
                                                       CancellationToken cancel) {
        FileSystem fs = SparkJobs.fileSystem(folder.toUri());
        String location = folder.toUri().toString();
        try {
            String outdated = outdated(fs, folder, key);
            if (outdated == null) {
                String notice = "Reused the feature cache in " + location + ".";
                progress.report(notice, 0, -1);
                return new TrialExecutor.ClusterCache(key.pooling().grid(), location, key, shards.size(), 0, notice);
            }
            // A cache being rebuilt must not look complete while its shards are computed.
            fs.delete(new Path(folder, FeatureCache.MANIFEST), false);
            Path shardsFolder = new Path(folder, SHARDS);
            prepareShards(fs, shardsFolder, key);
            Set<String> finished = finishedShards(fs, shardsFolder);
            List<String> missing = shards.stream().filter(s -> !finished.contains(s)).toList();
            progress.report(String.format(Locale.ROOT, "Feature cache on Spark (%s): %d shards, %d done before, %d"
                    + " to compute", outdated, shards.size(), shards.size() - missing.size(), missing.size()),
                    shards.size() - missing.size(), shards.size());
            if (!missing.isEmpty()) {
                SparkListener listener = shardProgress(missing.size(), shards.size(), progress);
                sc.sc().addSparkListener(listener);
                try {
                    SparkJobs.await(sc.parallelize(missing, missing.size()).map(task).collectAsync(), cancel,
                            "the feature cache");
                } finally {
                    sc.sc().removeSparkListener(listener);
                }
            }
            progress.report("Joining " + shards.size() + " shards into the feature cache " + location, 0, -1);
            FeatureCache cache = join(fs, shardsFolder, shards, key);
            write(fs, folder, cache);
            fs.delete(shardsFolder, true);
            String notice = String.format(Locale.ROOT, "Built the feature cache in %s on Spark: %d shards, %d computed"
                    + " now.", location, shards.size(), missing.size());
            return new TrialExecutor.ClusterCache(key.pooling().grid(), location, key, shards.size(), missing.size(),
                    notice);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the feature cache " + location + ": " + e.getMessage(), e);
        }
    }

    /** @return null when the folder holds a complete cache made for {@code key}, otherwise why it is built */
    private static String outdated(FileSystem fs, Path folder, FeatureCacheKey key) throws IOException {
        Path manifest = new Path(folder, FeatureCache.MANIFEST);
        if (!fs.exists(manifest)) {
            return "no cache yet";
        }
        try {
            FeatureCache.Manifest stored = JsonDocuments.fromBytes(readAll(fs, manifest),
                    java.nio.file.Path.of(manifest.toUri().getPath()), FeatureCache.DOCUMENT_TYPE,
                    FeatureCache.Manifest.class);
            List<String> changes = key.changesFrom(stored.key());
            return changes.isEmpty() ? null : String.join("; ", changes);
        } catch (StoreException e) {
            return "the old manifest is unreadable (" + e.getMessage() + ")";
        }
    }

    /** Creates the shards folder, discarding shards that were made for another key. */
    private static void prepareShards(FileSystem fs, Path shardsFolder, FeatureCacheKey key) throws IOException {
        byte[] wanted = MAPPER.writeValueAsBytes(key);
        Path keyFile = new Path(shardsFolder, SHARDS_KEY);
        if (fs.exists(keyFile) && !java.util.Arrays.equals(readAll(fs, keyFile), wanted)) {
            fs.delete(shardsFolder, true);
        }
        if (!fs.exists(keyFile)) {
            fs.mkdirs(shardsFolder);
            try (FSDataOutputStream out = fs.create(keyFile, true)) {
                out.write(wanted);
            }
        }
    }

    /** @return the names of the complete shards (folders renamed into place; temporary ones start with a dot) */
    private static Set<String> finishedShards(FileSystem fs, Path shardsFolder) throws IOException {
        Set<String> names = new HashSet<>();
        for (FileStatus status : fs.listStatus(shardsFolder)) {
            String name = status.getPath().getName();
            if (status.isDirectory() && !name.startsWith(".")) {
                names.add(name);
            }
        }
        return names;
    }

    private static SparkListener shardProgress(int tasks, int shards, ProgressListener progress) {
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        return new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                int before = shards - tasks;
                if (end.taskInfo().successful()) {
                    int n = done.incrementAndGet();
                    progress.report(String.format(Locale.ROOT, "Feature cache on Spark: %d of %d shards computed,"
                            + " %.0f s", n, tasks, (System.nanoTime() - started) / 1e9), before + n, shards);
                } else {
                    progress.report(String.format(Locale.ROOT, "Feature cache on Spark: a shard's task stopped on"
                            + " executor %s; Spark runs it again", end.taskInfo().executorId()), before + done.get(),
                            shards);
                }
            }
        };
    }

    static List<String> shardNames(List<Integer> sizes, int shardImages) {
        List<String> shards = new ArrayList<>();
        for (Split split : Split.values()) {
            int size = sizes.get(split.ordinal());
            for (int from = 0; from < size; from += shardImages) {
                shards.add(shardName(split, from, Math.min(size, from + shardImages)));
            }
        }
        return shards;
    }

    static String shardName(Split split, int from, int to) {
        return String.format(Locale.ROOT, "%s-%08d-%08d", split.folderName(), from, to);
    }

    /** Joins each split's shards, in order, into the cache's split features. */
    private static FeatureCache join(FileSystem fs, Path shardsFolder, List<String> shards, FeatureCacheKey key)
            throws IOException {
        Map<Split, SplitFeatures> splits = new EnumMap<>(Split.class);
        ShardFacts facts = null;
        for (Split split : Split.values()) {
            List<SplitFeatures> parts = new ArrayList<>();
            for (String shard : shards.stream().filter(s -> s.startsWith(split.folderName() + "-")).toList()) {
                try (LocalView view = LocalView.of(fs, new Path(shardsFolder, shard))) {
                    ShardFacts read = ShardFacts.read(view.folder());
                    facts = facts == null ? read : facts;
                    parts.add(readShard(view.folder(), read));
                }
            }
            if (facts == null) {
                throw new IllegalStateException("no shard to join in " + shardsFolder);
            }
            splits.put(split, concat(parts, facts));
        }
        return new FeatureCache(key, facts.exitShapes(), facts.classNames(), facts.logitsKind(), splits);
    }

    private static SplitFeatures readShard(java.nio.file.Path shard, ShardFacts facts) {
        List<float[]> features = new ArrayList<>();
        for (int e = 0; e < facts.exitShapes().size(); e++) {
            features.add(ArrayFile.readFloats(shard.resolve("exit" + (e + 1) + ".f32")));
        }
        return new SplitFeatures(facts.dims(), features, facts.classNames().size(),
                ArrayFile.readFloats(shard.resolve("logits.f32")), ArrayFile.readInts(shard.resolve("predictions.i32")),
                ArrayFile.readInts(shard.resolve("labels.i32")));
    }

    private static SplitFeatures concat(List<SplitFeatures> parts, ShardFacts facts) {
        int exits = facts.exitShapes().size();
        List<float[]> features = new ArrayList<>();
        for (int e = 0; e < exits; e++) {
            int exit = e;
            features.add(concatFloats(parts.stream().map(p -> p.features(exit)).toList()));
        }
        return new SplitFeatures(facts.dims(), features, facts.classNames().size(),
                concatFloats(parts.stream().map(SplitFeatures::logits).toList()),
                concatInts(parts.stream().map(SplitFeatures::predictions).toList()),
                concatInts(parts.stream().map(SplitFeatures::labels).toList()));
    }

    /**
     * Writes a cache into a folder of any Hadoop file system: in place on a local one; otherwise saved on the
     * driver's disk and copied up, the array files first and the manifest last (renamed into place), so the
     * folder never holds a manifest whose files are not all there.
     */
    private static void write(FileSystem fs, Path folder, FeatureCache cache) throws IOException {
        if (fs instanceof RawLocalFileSystem) {
            cache.save(java.nio.file.Path.of(folder.toUri()));
            return;
        }
        java.nio.file.Path local = Files.createTempDirectory("exitbench-cache");
        try {
            cache.save(local);
            fs.mkdirs(folder);
            List<java.nio.file.Path> files;
            try (Stream<java.nio.file.Path> all = Files.list(local)) {
                files = all.toList();
            }
            for (java.nio.file.Path file : files) {
                if (!file.getFileName().toString().equals(FeatureCache.MANIFEST)) {
                    fs.copyFromLocalFile(false, true, new Path(file.toUri()),
                            new Path(folder, file.getFileName().toString()));
                }
            }
            Path temp = new Path(folder, "." + FeatureCache.MANIFEST + ResultFiles.TEMP_SUFFIX);
            fs.copyFromLocalFile(false, true, new Path(local.resolve(FeatureCache.MANIFEST).toUri()), temp);
            if (!fs.rename(temp, new Path(folder, FeatureCache.MANIFEST))) {
                throw new IOException("could not rename " + temp + " to " + FeatureCache.MANIFEST);
            }
        } finally {
            deleteLocal(local);
        }
    }

    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    private static Description decode(String json) {
        try {
            return MAPPER.readValue(json, Description.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the executor's description of the dataset could not be read", e);
        }
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

    static void deleteLocal(java.nio.file.Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<java.nio.file.Path> all = Files.walk(folder)) {
            for (java.nio.file.Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * What every shard of a cache shares besides its arrays: the exits' shapes, the classes and the logits' kind,
     * written by each shard task as {@code facts.json}.
     */
    record ShardFacts(List<org.exitbench.model.ExitFeatureShape> exitShapes, List<String> classNames,
                      org.exitbench.model.LogitsKind logitsKind) {

        static final String FILE = "facts.json";

        int[] dims() {
            return exitShapes.stream().mapToInt(org.exitbench.model.ExitFeatureShape::featureDim).toArray();
        }

        static ShardFacts read(java.nio.file.Path shard) {
            try {
                return MAPPER.readValue(Files.readAllBytes(shard.resolve(FILE)), ShardFacts.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shard " + shard.resolve(FILE) + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /** A folder of a Hadoop file system as a local folder: itself when local, else a copy removed on close. */
    private record LocalView(java.nio.file.Path folder, boolean copied) implements AutoCloseable {

        static LocalView of(FileSystem fs, Path folder) throws IOException {
            if (fs instanceof RawLocalFileSystem) {
                return new LocalView(java.nio.file.Path.of(folder.toUri()), false);
            }
            java.nio.file.Path local = Files.createTempDirectory("exitbench-shard").resolve(folder.getName());
            fs.copyToLocalFile(false, folder, new Path(local.toUri()), true);
            return new LocalView(local, true);
        }

        @Override
        public void close() {
            if (copied) {
                deleteLocal(folder.getParent());
            }
        }
    }

    /**
     * What an executor keeps between tasks: the dataset, read once for all the shards it runs (and for the task that
     * described the dataset, which runs first on one of them), and the backbone's extractors. A model is not
     * thread-safe, and an executor with several cores runs several shards at once: each takes an extractor from the
     * pool (or loads one) and puts it back, so the backbone is loaded once per concurrent task, not per shard.
     */
    private static final class Loaded {
        private static String datasetPath;
        private static Dataset dataset;
        private static String extractorKey;
        private static final java.util.Deque<BackboneFeatures> IDLE = new java.util.ArrayDeque<>();

        static synchronized Dataset dataset(String path) {
            if (!path.equals(datasetPath)) {
                dataset = null;
                dataset = DatasetReaders.read(java.nio.file.Path.of(path), ReadOptions.DEFAULTS,
                        ProgressListener.NONE, CancellationToken.NEVER);
                datasetPath = path;
            }
            return dataset;
        }

        static BackboneFeatures take(String backboneFile, List<String> exits, int grid) {
            String wanted = backboneFile + "|" + exits + "|" + grid;
            synchronized (Loaded.class) {
                if (!wanted.equals(extractorKey)) {
                    IDLE.forEach(BackboneFeatures::close);
                    IDLE.clear();
                    extractorKey = wanted;
                }
                if (!IDLE.isEmpty()) {
                    return IDLE.pop();
                }
            }
            Backbone backbone = ExperimentPipeline.readBackbone(java.nio.file.Path.of(backboneFile))
                    .withExitPoints(new ExitPoints(exits));
            FeatureCacheOptions options = new FeatureCacheOptions(new FeaturePooling(grid),
                    FeatureExtractor.DEFAULT_BATCH_SIZE);
            return backbone.features(options.pooling(), options.batchSize(), options.threads());
        }

        static void giveBack(BackboneFeatures extractor, String backboneFile, List<String> exits, int grid) {
            synchronized (Loaded.class) {
                if ((backboneFile + "|" + exits + "|" + grid).equals(extractorKey)) {
                    IDLE.push(extractor);
                    return;
                }
            }
            extractor.close();
        }
    }

    /** Reads the dataset on an executor and describes it. Holds only a string, so Spark serializes it as it is. */
    static final class DescribeTask implements Function<String, String> {

        private static final long serialVersionUID = 1L;

        private final String backboneFile;

        DescribeTask(String backboneFile) {
            this.backboneFile = backboneFile;
        }

        @Override
        public String call(String datasetPath) throws JsonProcessingException {
            Dataset dataset = Loaded.dataset(datasetPath);
            String misfit = null;
            try {
                ExperimentPipeline.loadBackbone(java.nio.file.Path.of(backboneFile), dataset);
            } catch (RuntimeException e) {
                // Told to the driver rather than thrown: Spark would run a task that throws again, to no avail.
                misfit = e.getMessage();
            }
            List<Integer> sizes = Stream.of(Split.values()).map(s -> dataset.split(s).size()).toList();
            return MAPPER.writeValueAsString(new Description(dataset.name(), DatasetFingerprint.of(dataset), sizes,
                    misfit));
        }
    }

    /** One shard, run on an executor: the backbone over its images, written as one folder renamed into place. */
    static final class ShardTask implements Function<String, String> {

        private static final long serialVersionUID = 1L;

        private final String dataset;
        private final String backboneFile;
        private final ArrayList<String> exits;
        private final int grid;
        private final String shards;

        ShardTask(String dataset, String backboneFile, List<String> exits, int grid, String shards) {
            this.dataset = dataset;
            this.backboneFile = backboneFile;
            this.exits = new ArrayList<>(exits);
            this.grid = grid;
            this.shards = shards;
        }

        @Override
        public String call(String shard) throws IOException {
            URI folder = URI.create(shards);
            FileSystem fs = SparkJobs.fileSystem(folder);
            Path target = new Path(new Path(folder), shard);
            if (fs.exists(target)) {
                return shard;
            }
            String[] parts = shard.split("-");
            Split split = Split.valueOf(parts[0].toUpperCase(Locale.ROOT));
            int from = Integer.parseInt(parts[1]);
            int to = Integer.parseInt(parts[2]);
            ImageDataset images = Loaded.dataset(dataset).split(split).subset(IntStream.range(from, to).toArray());
            BackboneFeatures extractor = Loaded.take(backboneFile, exits, grid);
            SplitFeatures features;
            try {
                features = extractor.extract(images, ProgressListener.NONE, CancellationToken.NEVER);
            } catch (RuntimeException | Error e) {
                extractor.close();
                throw e;
            }
            ShardFacts facts = new ShardFacts(extractor.exitShapes(), Loaded.dataset(dataset).classNames(),
                    extractor.logitsKind());
            Loaded.giveBack(extractor, backboneFile, exits, grid);
            java.nio.file.Path local = Files.createTempDirectory("exitbench-shard");
            try {
                long n = features.size();
                for (int e = 0; e < features.exitCount(); e++) {
                    ArrayFile.writeFloats(local.resolve("exit" + (e + 1) + ".f32"),
                            new long[] {n, features.featureDim(e)}, features.features(e));
                }
                ArrayFile.writeFloats(local.resolve("logits.f32"), new long[] {n, features.numClasses()},
                        features.logits());
                ArrayFile.writeInts(local.resolve("predictions.i32"), new long[] {n}, features.predictions());
                ArrayFile.writeInts(local.resolve("labels.i32"), new long[] {n}, features.labels());
                Files.write(local.resolve(ShardFacts.FILE), MAPPER.writeValueAsBytes(facts));
                TaskContext context = TaskContext.get();
                Path temp = new Path(new Path(folder), "." + shard + "." + (context == null ? System.nanoTime()
                        : context.taskAttemptId()) + ResultFiles.TEMP_SUFFIX);
                fs.copyFromLocalFile(false, true, new Path(local.toUri()), temp);
                // Renamed only when no attempt of this shard got there first: a rename onto an existing folder
                // would move this one inside it.
                if (fs.exists(target) || !fs.rename(temp, target)) {
                    fs.delete(temp, true);
                    if (!fs.exists(target)) {
                        throw new IOException("could not rename " + temp + " to " + target);
                    }
                }
            } finally {
                deleteLocal(local);
            }
            return shard;
        }
    }
}
