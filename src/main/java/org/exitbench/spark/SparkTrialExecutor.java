package org.exitbench.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.JsonDocuments;
import org.exitbench.sweep.RemoteTrials;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.TrialExecutor;

/**
 * Runs a sweep's trials as Spark tasks, one trial per task and partition, so Spark spreads them over the executors'
 * cores and runs a lost one again elsewhere. Each task loads the feature caches once per executor
 * ({@link ExecutorState}), trains and evaluates its trial with the in-process runner's code
 * ({@link RemoteTrials#run}) and writes its result file once, atomically ({@link ResultFiles}). A task whose result
 * file is already there (its first attempt finished, then its executor was lost before Spark heard) returns it
 * without training again, so every trial is trained to one file however often Spark retries.
 *
 * <p>The sweep folder and the caches must be where every executor and the driver see them: a shared file system
 * mounted at the same path, or a Hadoop file system URI ({@code hdfs:}, {@code s3a:}) given through {@link #share},
 * where the executors write the results and the driver copies its manifest and reports.
 */
final class SparkTrialExecutor implements TrialExecutor {

    private static final ObjectMapper MAPPER = JsonDocuments.newMapper();

    private final String master;
    private final Map<String, String> settings;
    /** The sweep folder on a shared store, when {@link #share} was called. */
    private SharedSweepFolder shared;
    /** The caches' folder on a shared store, or null for the runner's. */
    private String sharedCaches;

    /**
     * @param master   the master URL, or "submit" for spark-submit's
     * @param settings further Spark settings (the tests bind everything to the loopback address with them)
     */
    SparkTrialExecutor(String master, Map<String, String> settings) {
        this.master = master;
        this.settings = new LinkedHashMap<>(settings);
    }

    /** What a task reports back to the driver. */
    record Outcome(String resultFile, String id, long seed, boolean trained, String error, double seconds) {
    }

    /** Builds the caches on the executors ({@link SparkFeatureCache}): the driver reads no image. */
    @Override
    public List<ClusterCache> prepareCaches(CacheRequest request, ProgressListener progress,
                                            CancellationToken cancel) {
        CacheRequest where = sharedCaches == null ? request : new CacheRequest(request.dataset(),
                request.backboneFile(), request.backbone(), request.grids(), sharedCaches, request.shardImages());
        return SparkFeatureCache.build(master, settings, where, progress, cancel);
    }

    @Override
    public SharedFolder share(String sweepFolder, String cachesFolder, java.nio.file.Path localCopy) {
        shared = sweepFolder == null ? null : new SharedSweepFolder(sweepFolder, localCopy);
        sharedCaches = cachesFolder;
        return shared;
    }

    @Override
    public Tally execute(RemoteTrials trials, ProgressListener progress, CancellationToken cancel) {
        if (trials.pending().isEmpty()) {
            return new Tally(0, 0);
        }
        boolean toStore = shared != null && shared.isCopy(trials.folder().root());
        URI results = toStore ? shared.results() : trials.resultsFolder().toAbsolutePath().toUri();
        List<String> tasks = new ArrayList<>();
        for (RemoteTrials.Pending p : trials.pending()) {
            tasks.add(json(p));
        }
        progress.report(String.format(Locale.ROOT, "Sweep on Spark (%s): %d of %d trials done before, %d to train",
                master, trials.reused(), trials.trials(), tasks.size()), trials.reused(), trials.trials());
        List<Outcome> outcomes = new ArrayList<>();
        try (JavaSparkContext sc = SparkJobs.start(master, "exitbench sweep " + trials.folder().root().getFileName(),
                settings)) {
            AtomicInteger done = new AtomicInteger();
            long started = System.nanoTime();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful()) {
                        int n = done.incrementAndGet();
                        double seconds = (System.nanoTime() - started) / 1e9;
                        progress.report(String.format(Locale.ROOT, "Sweep on Spark: %d of %d trained, %.0f s",
                                n, tasks.size(), seconds), trials.reused() + n, trials.trials());
                    } else {
                        RemoteTrials.Pending lost = trials.pending().get(end.taskInfo().index());
                        String reason = end.reason() instanceof TaskFailedReason failed ? failed.toErrorString()
                                : String.valueOf(end.reason());
                        progress.report(String.format(Locale.ROOT, "Sweep on Spark: the task of %s seed %d stopped on"
                                + " executor %s (%s); Spark runs it again", lost.id(), lost.seed(),
                                end.taskInfo().executorId(), reason.lines().findFirst().orElse(reason)),
                                trials.reused() + done.get(), trials.trials());
                    }
                }
            });
            JavaRDD<String> rdd = sc.parallelize(tasks, tasks.size());
            List<String> returned = SparkJobs.await(rdd.map(new TrialTask(trials.plan().toJson(), results.toString()))
                    .collectAsync(), cancel, "the sweep");
            for (String r : returned) {
                outcomes.add(MAPPER.readValue(r, Outcome.class));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a trial's outcome could not be read", e);
        } finally {
            try {
                ResultFiles.removeLeftovers(SparkJobs.fileSystem(results), new Path(results));
            } catch (IOException e) {
                progress.report("Could not remove temporary files in " + results + ": " + e.getMessage(), 0, -1);
            }
            if (toStore) {
                // The runner's reports read the local copy.
                try {
                    shared.pullResults();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy the results from " + results + ": " + e.getMessage(),
                            e);
                }
            }
        }
        int failed = (int) outcomes.stream().filter(o -> o.error() != null).count();
        return new Tally(outcomes.size(), failed);
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    /** One trial, run on an executor. Holds only strings, so Spark serializes it as it is. */
    static final class TrialTask implements Function<String, String> {

        private static final long serialVersionUID = 1L;

        private final String plan;
        private final String results;

        TrialTask(String plan, String results) {
            this.plan = plan;
            this.results = results;
        }

        @Override
        public String call(String task) throws Exception {
            RemoteTrials.Pending pending = MAPPER.readValue(task, RemoteTrials.Pending.class);
            URI folder = URI.create(results);
            FileSystem fs = SparkJobs.fileSystem(folder);
            Path target = new Path(new Path(folder), pending.resultFile());
            if (fs.exists(target)) {
                return json(new Outcome(pending.resultFile(), pending.id(), pending.seed(), false,
                        storedError(fs, target), 0));
            }
            RemoteTrials.Plan decoded = RemoteTrials.Plan.fromJson(plan);
            ExecutorState.Loaded loaded = ExecutorState.load(decoded);
            SweepResult result = RemoteTrials.run(decoded, loaded.caches(), loaded.memo(), pending,
                    CancellationToken.NEVER);
            TaskContext context = TaskContext.get();
            ResultFiles.writeOnce(fs, target, RemoteTrials.resultBytes(result),
                    context == null ? System.nanoTime() : context.taskAttemptId());
            return json(new Outcome(pending.resultFile(), pending.id(), pending.seed(), true, result.error(),
                    result.seconds()));
        }

        private static String storedError(FileSystem fs, Path file) {
            try (var in = fs.open(file)) {
                var node = MAPPER.readTree(in);
                return node.hasNonNull("error") ? node.get("error").asText() : null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
