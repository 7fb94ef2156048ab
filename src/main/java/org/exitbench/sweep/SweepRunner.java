package org.exitbench.sweep;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheKey;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.Backbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.ExclusiveLock;
import org.exitbench.train.BranchFitMemo;

/**
 * Runs a sweep: every configuration of a {@link SweepDefinition} with every seed, each trial trained in every mode
 * on one shared feature cache, and writes the results and reports into a {@link SweepFolder}.
 *
 * <p>The backbone runs once: the feature cache holds the exits of every configuration together (one cache per
 * pooling grid, kept in the workspace like {@link ExperimentPipeline}'s), and trials pick their exits from it.
 * Identical branch fits are shared through a {@link BranchFitMemo}: a non-boosted branch depends neither on the
 * margin nor on the other exits, and the first boosted branch is the non-boosted one.
 *
 * <p>Resumable: each trial's result is written atomically when it finishes, and a trial whose result is already
 * in the folder is skipped, so a sweep that was stopped (Ctrl-C, a crash, a power cut) continues where it was. A
 * trial that throws is recorded with its error and the sweep goes on; failed trials are tried again on the next
 * run. Results are stored under a digest of their configuration, so a changed definition reuses exactly the
 * results that still apply.
 *
 * <p>For a GUI: call {@link #run} off the UI thread. Its progress reports come from that thread while the data and
 * cache load, then from the worker threads as trials finish (one report per trial, "done of all"), so a view hands
 * them to its UI thread. {@link SweepFolder#summarise} reads a stored sweep's summary without training, to show a
 * finished or stopped sweep or to refresh while one runs; {@link SweepFolder#writeReports} writes the reports of
 * a stopped one.
 */
public final class SweepRunner {

    private final Path cachesFolder;
    private final SweepFolder.ReportWriter reports;
    private final TrialExecutor cluster;

    /**
     * @param cachesFolder where feature caches are kept, one folder each ({@code <workspace>/cache}), shared with
     *                     {@link ExperimentPipeline}
     * @param reports      writes the reports of the stored trials when a run ends (the {@code report} package's)
     */
    public SweepRunner(Path cachesFolder, SweepFolder.ReportWriter reports) {
        this(cachesFolder, reports, null);
    }

    private SweepRunner(Path cachesFolder, SweepFolder.ReportWriter reports, TrialExecutor cluster) {
        this.cachesFolder = Objects.requireNonNull(cachesFolder, "cachesFolder");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.cluster = cluster;
    }

    /**
     * @return a runner that prepares sweeps here (dataset, feature caches, folder, reports) and runs their trials
     *         through {@code cluster}; the request's thread count then plays no part
     */
    public SweepRunner on(TrialExecutor cluster) {
        return new SweepRunner(cachesFolder, reports, Objects.requireNonNull(cluster, "cluster"));
    }

    /**
     * Where and how to run a sweep.
     *
     * @param dataset  the dataset folder
     * @param backbone the backbone file, or null for the dataset's {@code backbone.zip}
     * @param folder   the sweep folder (created if needed; an earlier sweep there is resumed)
     * @param threads  trials trained at once, at least 1. Branch networks are small: on a machine whose cores are
     *                 busy one thread is often as fast as two, and ND4J should then be limited to one OpenMP thread
     *                 per trial ({@code OMP_NUM_THREADS=1})
     */
    public record Request(Path dataset, Path backbone, Path folder, int threads) {

        public Request {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(folder, "folder");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
        }
    }

    /**
     * What a run did.
     *
     * @param folder   the sweep folder
     * @param trials   trials in the definition (configurations × seeds)
     * @param reused   of those, how many were already done
     * @param ran      how many this run trained
     * @param failed   how many trials have failed (this run's and earlier ones not retried)
     * @param summary  the summary of all finished trials
     * @param seconds  this run's wall time
     */
    public record Outcome(SweepFolder folder, int trials, int reused, int ran, int failed, SweepSummary summary,
                          double seconds) {
    }

    /**
     * Runs the trials not yet done, then writes the reports.
     *
     * @param progress receives the loading steps, then one report per finished trial ("trials done of all",
     *                 with an estimate of the time left)
     * @param cancel   checked throughout; when cancelled, the trials already finished stay in the folder and the
     *                 next run continues from there
     * @throws ConfigException     when a configuration is invalid
     * @throws ExperimentException when there is no backbone, the dataset does not fit it, an exit is not in the
     *                             backbone, or the folder holds a sweep of another dataset or backbone
     * @throws CancelledException  when cancelled
     */
    public Outcome run(SweepDefinition definition, Request request, ProgressListener progress,
                       CancellationToken cancel) {
        // Two sweeps on one folder would each train every trial and record only one session. The lock file sits
        // beside the folder, which must stay empty or a sweep folder.
        try (ExclusiveLock lock = ExclusiveLock.onFile(request.folder(), "running the sweep '" + definition.name()
                + "'", false)) {
            return runLocked(definition, request, progress, cancel);
        }
    }

    private Outcome runLocked(SweepDefinition definition, Request request, ProgressListener progress,
                              CancellationToken cancel) {
        long started = System.nanoTime();
        double cpuAtStart = processCpuSeconds();
        Instant startedAt = Instant.now();
        String backboneArg = request.backbone() == null ? null : request.backbone().toString();
        List<SweepConfiguration> configurations = definition.configurations(request.dataset().toString(),
                backboneArg);
        ExperimentConfig first = configurations.get(0).config();
        Path backboneFile = ExperimentPipeline.requireBackboneFile(first);
        Map<Integer, FeatureCache> caches = new LinkedHashMap<>();
        Map<Integer, String> cacheLocations = new LinkedHashMap<>();
        FeatureCacheKey cacheKey = null;
        Backbone backbone = null;
        Dataset dataset = null;
        if (cluster != null) {
            // A cluster that builds the caches itself spares the driver the dataset (and the caches): it learns
            // where each cache is and what it was made from.
            progress.report("Loading the backbone " + backboneFile, 0, -1);
            backbone = ExperimentPipeline.readBackbone(backboneFile);
            List<Integer> grids = configurations.stream().map(c -> c.config().poolingGrid()).distinct().toList();
            List<TrialExecutor.ClusterCache> built = cluster.prepareCaches(new TrialExecutor.CacheRequest(
                    request.dataset(), backboneFile, withAllExits(backbone, configurations), grids,
                    cachesFolder.toAbsolutePath().toUri().toString(), 0), progress, cancel);
            if (built != null) {
                built.forEach(c -> cacheLocations.put(c.grid(), c.location()));
                cacheKey = built.get(0).key();
            }
        }
        if (cacheKey == null) {
            progress.report("Reading the dataset " + request.dataset(), 0, -1);
            dataset = DatasetReaders.read(request.dataset(), readOptions(configurations), progress, cancel);
            cancel.throwIfCancelled();
            progress.report("Loading the backbone " + backboneFile, 0, -1);
            backbone = ExperimentPipeline.loadBackbone(first, dataset);
        }
        List<String> defaultExits = backbone.exitPoints().vertices();
        Backbone withAllExits = withAllExits(backbone, configurations);
        List<String> exitVertices = withAllExits.exitPoints().vertices();

        for (SweepConfiguration c : configurations) {
            int grid = c.config().poolingGrid();
            if (dataset != null && !caches.containsKey(grid)) {
                cancel.throwIfCancelled();
                Path cacheFolder = ExperimentPipeline.cacheFolder(cachesFolder, dataset, withAllExits, grid);
                cacheLocations.put(grid, cacheFolder.toAbsolutePath().toUri().toString());
                caches.put(grid, FeatureCache.loadOrBuild(cacheFolder,
                        withAllExits, dataset, new FeatureCacheOptions(c.config().pooling(),
                                FeatureExtractor.DEFAULT_BATCH_SIZE), progress, cancel).cache());
                cacheKey = caches.get(grid).key();
            }
        }

        SweepFolder folder = new SweepFolder(request.folder());
        SweepFolder.Manifest manifest = folder.recordKilledSession(openFolder(folder, request, backboneFile,
                withAllExits, cacheKey, exitVertices), notice -> progress.report(notice, 0, -1));
        folder.writeDefinition(definition);

        List<String> unreadable = new ArrayList<>();
        Map<String, SweepResult> stored = folder.readResults(unreadable);
        unreadable.forEach(problem -> progress.report("Running again: " + problem, 0, -1));
        List<Trial> pending = new ArrayList<>();
        List<RemoteTrials.Pending> remote = new ArrayList<>();
        int trials = 0;
        for (long seed : definition.seeds()) {
            for (SweepConfiguration c : configurations) {
                trials++;
                SweepResult done = stored.get(SweepFolder.trialName(c.key(), seed));
                if (done == null || !done.succeeded()) {
                    pending.add(new Trial(c, seed));
                    remote.add(new RemoteTrials.Pending(c.index(), seed,
                            folder.resultFile(c.key(), seed).getFileName().toString(), c.id()));
                }
            }
        }
        int reused = trials - pending.size();
        int threads = Math.min(request.threads(), Math.max(1, pending.size()));
        folder.markSessionRunning(startedAt, threads, machine());
        Counters counters;
        if (cluster == null) {
            SweepTrial trial = new SweepTrial(caches, exitVertices, defaultExits, withAllExits.macTable(),
                    BranchFitMemo.create(), definition.margins());
            counters = runTrials(pending, trial, folder, threads, trials, reused, progress, cancel);
        } else {
            RemoteTrials.Plan plan = new RemoteTrials.Plan(definition.toJson(), request.dataset().toString(),
                    backboneArg, cacheLocations, exitVertices, defaultExits, withAllExits.macTable());
            TrialExecutor.Tally tally = cluster.execute(new RemoteTrials(plan, remote, folder, trials, reused),
                    progress, cancel);
            counters = new Counters();
            counters.ran.set(tally.ran());
            counters.failed.set(tally.failed());
        }

        boolean cancelled = cancel.isCancelled();
        Double cpuSeconds = Double.isNaN(cpuAtStart) ? null : processCpuSeconds() - cpuAtStart;
        folder.writeManifest(manifest.with(new SweepFolder.Session(startedAt.toString(), secondsSince(started),
                cpuSeconds, counters.ran.get(), counters.failed.get(), cancelled, threads, machine())));
        folder.clearSessionMark();
        cancel.throwIfCancelled();

        progress.report("Writing the reports", 0, -1);
        SweepSummary summary = folder.writeReports(folder.readManifest(), definition, configurations, reports);
        return new Outcome(folder, trials, reused, counters.ran.get(), summary.failed(), summary,
                secondsSince(started));
    }

    private record Trial(SweepConfiguration configuration, long seed) {
    }

    private static final class Counters {
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
    }

    private static Counters runTrials(List<Trial> pending, SweepTrial trial, SweepFolder folder, int threads,
                                      int trials, int reused, ProgressListener progress, CancellationToken cancel) {
        Counters counters = new Counters();
        AtomicReference<RuntimeException> writeError = new AtomicReference<>();
        long started = System.nanoTime();
        progress.report(String.format(Locale.ROOT, "Sweep: %d of %d trials done before, %d to train",
                reused, trials, pending.size()), reused, trials);
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "exitbench-sweep");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (Trial t : pending) {
                pool.execute(() -> {
                    if (cancel.isCancelled() || writeError.get() != null) {
                        return;
                    }
                    long trialStarted = System.nanoTime();
                    SweepResult result;
                    try {
                        result = trial.run(t.configuration(), t.seed(), cancel);
                    } catch (CancelledException e) {
                        return;
                    } catch (RuntimeException | OutOfMemoryError e) {
                        result = trial.failed(t.configuration(), t.seed(), e, trialStarted);
                        counters.failed.incrementAndGet();
                    }
                    try {
                        folder.writeResult(result);
                    } catch (RuntimeException e) {
                        writeError.compareAndSet(null, e);
                        return;
                    }
                    int ran = counters.ran.incrementAndGet();
                    progress.report(progressLine(t, result, ran, pending.size(), counters.failed.get(),
                            secondsSince(started)), reused + ran, trials);
                });
            }
        } finally {
            pool.shutdown();
            awaitQuietly(pool);
        }
        if (writeError.get() != null) {
            // A result that cannot be stored stops the sweep: going on would only lose more work.
            throw writeError.get();
        }
        return counters;
    }

    private static String progressLine(Trial t, SweepResult result, int ran, int pending, int failed,
                                       double seconds) {
        double left = seconds / ran * (pending - ran);
        String outcome = result.succeeded() ? String.format(Locale.ROOT, "%.1f s", result.seconds())
                : "failed: " + result.error();
        return String.format(Locale.ROOT, "Sweep: %s seed %d %s; %d of %d trained%s, %s left",
                t.configuration().id(), t.seed(), outcome, ran, pending,
                failed > 0 ? " (" + failed + " failed)" : "", duration(left));
    }

    /** @return "45 s", "3 min 20 s", "1 h 05 min" */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // Trials check the token between mini-batches, so a cancelled sweep stops within a batch.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The backbone with the exits of every configuration, shallow to deep (ordered by the backbone MACs before
     * each, which grow along the path through the network).
     */
    /**
     * @return how the sweep reads its dataset, once for all its configurations
     * @throws IllegalArgumentException when configurations carve validation splits of different sizes
     */
    static ReadOptions readOptions(List<SweepConfiguration> configurations) {
        List<ReadOptions> distinct = configurations.stream().map(c -> c.config().readOptions()).distinct().toList();
        if (distinct.size() > 1) {
            throw new IllegalArgumentException("calibrationSplit.validationFraction differs between the sweep's "
                    + "configurations (" + distinct.stream().map(o -> String.valueOf(o.validationFraction())).toList()
                    + "); a sweep reads its dataset once, so set it in the definition's base");
        }
        return distinct.get(0);
    }

    private static Backbone withAllExits(Backbone backbone, List<SweepConfiguration> configurations) {
        Set<String> vertices = new LinkedHashSet<>();
        for (SweepConfiguration c : configurations) {
            vertices.addAll(c.config().exitPoints() != null ? c.config().exitPoints()
                    : backbone.exitPoints().vertices());
        }
        Map<String, Long> depth = new LinkedHashMap<>();
        for (String vertex : vertices) {
            try {
                depth.put(vertex, backbone.withExitPoints(ExitPoints.of(vertex)).macTable().cumulativeMacs(0));
            } catch (IllegalArgumentException e) {
                throw new ExperimentException("exitPoints: " + e.getMessage(), e);
            }
        }
        List<String> ordered = new ArrayList<>(vertices);
        ordered.sort(Comparator.comparingLong(depth::get));
        try {
            return backbone.withExitPoints(new ExitPoints(ordered));
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("the exits of the sweep's configurations " + ordered + " do not lie on one"
                    + " path through the backbone: " + e.getMessage(), e);
        }
    }

    /** Checks an existing folder is about the same dataset and backbone, or starts a new one. */
    private static SweepFolder.Manifest openFolder(SweepFolder folder, Request request, Path backboneFile,
                                                   Backbone backbone, FeatureCacheKey cacheKey,
                                                   List<String> exitVertices) {
        String datasetFingerprint = cacheKey.datasetFingerprint();
        String backboneFingerprint = cacheKey.backboneFingerprint();
        SweepFolder.Manifest existing = folder.readManifest();
        if (existing != null) {
            List<String> differences = new ArrayList<>();
            if (!existing.datasetFingerprint().equals(datasetFingerprint)) {
                differences.add("the dataset " + existing.dataset() + " (this run reads " + request.dataset() + ")");
            }
            if (!existing.backboneFingerprint().equals(backboneFingerprint)) {
                differences.add("the backbone " + existing.backbone() + " (this run uses " + backboneFile + ")");
            }
            if (!differences.isEmpty()) {
                throw new ExperimentException("the sweep folder " + folder.root() + " holds results for "
                        + String.join(" and ", differences) + "; give another --out folder");
            }
            if (existing.exitVertices().equals(exitVertices)) {
                return existing;
            }
            return new SweepFolder.Manifest(existing.dataset(), existing.datasetFingerprint(), existing.backbone(),
                    existing.backboneFingerprint(), existing.backboneDescription(), existing.backboneMacs(),
                    exitVertices, existing.sessions());
        }
        if (Files.exists(folder.root()) && !isEmptyFolder(folder.root())) {
            throw new ExperimentException("the folder " + folder.root() + " exists and is not a sweep folder (it has"
                    + " no " + SweepFolder.MANIFEST + "); give an empty or new --out folder");
        }
        folder.create();
        SweepFolder.Manifest manifest = new SweepFolder.Manifest(request.dataset().toString(), datasetFingerprint,
                backboneFile.toString(), backboneFingerprint, backbone.describe(), backbone.macTable().total(),
                exitVertices, List.of());
        folder.writeManifest(manifest);
        return manifest;
    }

    private static boolean isEmptyFolder(Path path) {
        try (var entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the machine in words, for the report: CPU, cores, OS, Java, OpenMP threads */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // Not Linux: the CPU's name stays unknown.
        }
        return String.format(Locale.ROOT, "%s, %d cores visible, %s %s, Java %s, OMP_NUM_THREADS=%s", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
    }

    /** @return the CPU time this process has used, all threads, or NaN where the JVM does not tell */
    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    private static double secondsSince(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
