package org.exitbench.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.DatasetSummary;
import org.exitbench.data.Split;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchInput;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.MacTable;
import org.exitbench.model.SplitFeatures;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.ArrayFile;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StagedRun;
import org.exitbench.train.BranchFitMemo;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainer;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.BranchTrainingResult;
import org.exitbench.train.TargetLabels;

/**
 * Runs one experiment end to end: dataset → backbone → feature cache (reused when it matches) → branches and
 * CPM thresholds for each training mode → evaluation on the test split, and writes it all as a new run folder of
 * a runs folder ({@link ExperimentRun} describes and reads it back).
 *
 * <p>Every step reports progress and checks the cancellation token; a cancelled or failed run leaves no run
 * folder (it is staged and committed only when complete) and never touches an earlier run. The feature cache is
 * kept in a caches folder, per dataset, backbone and pooling, so the next run with the same inputs skips the
 * backbone entirely.
 */
public final class ExperimentPipeline {

    /** The backbone file looked for next to a dataset when the configuration names none. */
    public static final String DEFAULT_BACKBONE_FILE = "backbone.zip";

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Path runsFolder;
    private final Path cachesFolder;

    /**
     * @param runsFolder   where runs are written, one folder each ({@code <workspace>/runs})
     * @param cachesFolder where feature caches are kept, one folder each ({@code <workspace>/cache})
     */
    public ExperimentPipeline(Path runsFolder, Path cachesFolder) {
        this.runsFolder = Objects.requireNonNull(runsFolder, "runsFolder");
        this.cachesFolder = Objects.requireNonNull(cachesFolder, "cachesFolder");
    }

    /**
     * Runs the experiment and writes its run folder.
     *
     * @param progress receives every step's progress
     * @param listener receives every epoch and branch outcome of every mode
     * @param cancel   checked throughout
     * @return the run, read back from its folder
     * @throws ConfigException      when the configuration is invalid
     * @throws ExperimentException  when there is no backbone, or the dataset does not fit it
     * @throws org.exitbench.data.DatasetException when the dataset cannot be read
     * @throws org.exitbench.store.StoreException  when the backbone or a cached file is unreadable or corrupt
     * @throws org.exitbench.progress.CancelledException when cancelled; no run folder is left
     */
    public ExperimentRun run(ExperimentConfig config, ProgressListener progress, BranchTrainingListener listener,
                             CancellationToken cancel) {
        config.validate();
        long started = System.nanoTime();
        Path datasetPath = Path.of(config.dataset());
        if (!Files.exists(datasetPath)) {
            // Said first: without the dataset, the missing backbone beside it is not the problem to report.
            throw new ExperimentException("no such dataset: " + datasetPath.toAbsolutePath() + " does not exist");
        }
        requireBackboneFile(config);
        progress.report("Reading the dataset " + datasetPath, 0, -1);
        Dataset dataset = DatasetReaders.read(datasetPath, config.readOptions(), progress, cancel);
        return run(config, dataset, secondsSince(started), started, progress, listener, ModeListener.NONE, cancel);
    }

    /**
     * Runs the experiment on a dataset the caller has already read (the app keeps the open dataset in memory, and
     * its galleries map the run's samples to that dataset's images by index).
     *
     * @param dataset the dataset that {@code config.dataset()} names, read in file order
     * @see #run(ExperimentConfig, ProgressListener, BranchTrainingListener, CancellationToken)
     */
    public ExperimentRun run(ExperimentConfig config, Dataset dataset, ProgressListener progress,
                             BranchTrainingListener listener, CancellationToken cancel) {
        return run(config, dataset, progress, listener, ModeListener.NONE, cancel);
    }

    /**
     * As {@link #run(ExperimentConfig, Dataset, ProgressListener, BranchTrainingListener, CancellationToken)}, and
     * hands each training mode's cascade to {@code modes} as soon as it is complete, before the next mode trains.
     */
    public ExperimentRun run(ExperimentConfig config, Dataset dataset, ProgressListener progress,
                             BranchTrainingListener listener, ModeListener modes, CancellationToken cancel) {
        config.validate();
        requireBackboneFile(config);
        return run(config, dataset, 0, System.nanoTime(), progress, listener, Objects.requireNonNull(modes,
                "modes"), cancel);
    }

    private ExperimentRun run(ExperimentConfig config, Dataset dataset, double datasetSeconds, long started,
                              ProgressListener progress, BranchTrainingListener listener, ModeListener modeListener,
                              CancellationToken cancel) {
        Path backbonePath = requireBackboneFile(config);
        cancel.throwIfCancelled();

        long step = System.nanoTime();
        progress.report("Loading the backbone " + backbonePath, 0, -1);
        Backbone backbone = loadBackbone(config, dataset);
        if (config.exitPoints() != null) {
            try {
                backbone = backbone.withExitPoints(new ExitPoints(config.exitPoints()));
            } catch (IllegalArgumentException e) {
                throw new ExperimentException("exitPoints: " + e.getMessage(), e);
            }
        }
        double backboneSeconds = secondsSince(step);
        cancel.throwIfCancelled();

        step = System.nanoTime();
        Path cacheFolder = cacheFolder(dataset, backbone, config.poolingGrid());
        FeatureCache.Result cached = FeatureCache.loadOrBuild(cacheFolder, backbone, dataset,
                new FeatureCacheOptions(config.pooling(), FeatureExtractor.DEFAULT_BATCH_SIZE), progress, cancel);
        FeatureCache cache = cached.cache();
        double cacheSeconds = secondsSince(step);

        MacTable macs = backbone.macTable();
        // One memo for the run: a non-boosted branch 1 is by definition the network boosted branch 1 is (same
        // rows, targets, settings and seed), so it is fitted once and handed to both modes.
        BranchFitMemo memo = BranchFitMemo.create();
        ExperimentConfig effective = config.withBackbone(backbonePath.toString());
        RunMetrics.Provenance provenance = new RunMetrics.Provenance(exitbenchVersion(), dl4jVersion(),
                System.getProperty("java.version"), config.seed(), config.dataset(),
                cache.key().datasetFingerprint(), backbonePath.toString(), cache.key().backboneFingerprint(),
                cacheFolder.toString(), cached.notice());
        RunMetrics.BackboneFacts facts = new RunMetrics.BackboneFacts(backbone.describe(),
                backbone.classNames(), backbone.exitPoints().vertices(), macsToExits(macs, cache), macs.total(),
                cache.split(Split.VALID).backboneAccuracy(), cache.split(Split.TEST).backboneAccuracy());
        try (StagedRun staged = StagedRun.in(runsFolder)) {
            Path folder = staged.folder();
            writeSplit(folder, cache.split(Split.VALID), "valid");
            writeSplit(folder, cache.split(Split.TEST), "test");
            AtomicFiles.writeString(folder.resolve(ExperimentRun.CONFIG), effective.toJson());
            List<RunMetrics.ModeMetrics> modes = new ArrayList<>();
            String id = null;
            for (BranchTrainingMode mode : config.training().modes()) {
                cancel.throwIfCancelled();
                BranchTrainer trainer = new BranchTrainer(config.branchSpec(), config.trainingSettings(mode),
                        config.cpmSettings(), memo, config.epochLength(), config.calibration());
                BranchTrainingResult result = trainer.train(cache, progress, listener, cancel);
                modes.add(writeMode(folder, evaluate(result, cache, macs), macs, cache));
                // The metrics so far make the staged folder a readable run of the modes done: it is handed over
                // at once, so a user sees the first cascade while the next mode trains.
                Instant now = Instant.now();
                id = RUN_ID.format(now);
                RunMetrics metrics = new RunMetrics(id, now.toString(), provenance, facts,
                        new RunMetrics.Timings(datasetSeconds, backboneSeconds, cacheSeconds, secondsSince(started)),
                        modes);
                JsonDocuments.write(folder.resolve(ExperimentRun.METRICS), RunMetrics.DOCUMENT_TYPE, metrics);
                if (modes.size() < config.training().modes().size() && modeListener != ModeListener.NONE) {
                    cancel.throwIfCancelled();
                    modeListener.onModeReady(ExperimentRun.load(folder), mode);
                }
            }
            progress.report("Writing the run", 0, -1);
            cancel.throwIfCancelled();
            // The id inside the document is the wanted one; the folder gets a suffix if that name is taken.
            Path committed = staged.commit(id);
            return ExperimentRun.load(committed);
        }
    }

    /**
     * Told when a training mode's cascade is complete while later modes still train: the run so far, read from its
     * staging folder (not a committed run: its id is the staging folder's, and the folder moves when the run is
     * committed, so only its scores, thresholds and metrics may be used). Called on the run's thread.
     */
    @FunctionalInterface
    public interface ModeListener {

        /** Ignores every mode. */
        ModeListener NONE = (partial, mode) -> { };

        /**
         * @param partial the run with the modes done so far
         * @param mode    the mode just completed
         */
        void onModeReady(ExperimentRun partial, BranchTrainingMode mode);
    }

    /** A mode's training result with its cascade evaluated. */
    private record ModeOutput(BranchTrainingResult result, CostModel costs, CascadeResult test, CascadeResult valid,
                              double evaluationSeconds) {
    }

    private static ModeOutput evaluate(BranchTrainingResult result, FeatureCache cache, MacTable macs) {
        long started = System.nanoTime();
        if (!result.hasCascade()) {
            return new ModeOutput(result, null, null, null, secondsSince(started));
        }
        CostModel costs = costModel(result.cacheExits(), result.branchMacs(), macs);
        CascadeResult test = new CascadeEvaluator(result.testScores(), costs).evaluate(result.thresholds());
        CascadeResult valid = new CascadeEvaluator(result.validScores(), costs).evaluate(result.thresholds());
        return new ModeOutput(result, costs, test, valid, secondsSince(started));
    }

    /** The cost model of a cascade whose branches sit at the given backbone exits. */
    public static CostModel costModel(int[] cacheExits, long[] branchMacs, MacTable macs) {
        long[] toExit = new long[cacheExits.length];
        for (int j = 0; j < cacheExits.length; j++) {
            toExit[j] = macs.cumulativeMacs(cacheExits[j]);
        }
        return new CostModel(toExit, branchMacs, macs.total());
    }

    private static RunMetrics.ModeMetrics writeMode(Path run, ModeOutput output, MacTable macs, FeatureCache cache) {
        BranchTrainingResult result = output.result();
        String folderName = ExperimentConfig.modeName(result.mode());
        Path folder = run.resolve(folderName);
        List<RunMetrics.BranchMetrics> branches = new ArrayList<>();
        int trained = 0;
        for (BranchOutcome outcome : result.outcomes()) {
            BranchInput input = BranchInput.of(cache, outcome.exit());
            long segment = macs.cumulativeMacs(outcome.exit())
                    - (outcome.exit() == 0 ? 0 : macs.cumulativeMacs(outcome.exit() - 1));
            String file = null;
            if (outcome.trained()) {
                ExitBranch branch = result.branches().get(trained++);
                file = ExperimentRun.branchFile(folderName, outcome.exit(), outcome.vertex());
                branch.save(run.resolve(file));
            }
            branches.add(new RunMetrics.BranchMetrics(outcome.exit(), outcome.vertex(), outcome.skipReason(),
                    result.spec(), input, result.spec().describe(input, segment, outcome.vertex()), outcome.macs(),
                    segment, outcome.trainSamples(), outcome.trainWeight(), outcome.trainReaching(),
                    outcome.trainExited(), outcome.validReaching(), outcome.validExited(), outcome.bestEpoch(),
                    outcome.trainingTime().toNanos() / 1e9, file, outcome.history()));
        }
        RunMetrics.CascadeMetrics test;
        RunMetrics.CascadeMetrics valid;
        if (result.hasCascade()) {
            AtomicFiles.writeString(folder.resolve(ExperimentRun.THRESHOLDS), result.thresholds().toJson());
            writeExits(folder.resolve(ExperimentRun.VALID_EXITS), result.validProbabilities(), result.validScores());
            writeExits(folder.resolve(ExperimentRun.TEST_EXITS), result.testProbabilities(), result.testScores());
            List<String> vertices = result.outcomes().stream().filter(BranchOutcome::trained)
                    .map(BranchOutcome::vertex).toList();
            test = cascadeMetrics(output.test(), vertices);
            valid = cascadeMetrics(output.valid(), vertices);
        } else {
            test = backboneOnly(cache.split(Split.TEST), macs);
            valid = backboneOnly(cache.split(Split.VALID), macs);
        }
        return new RunMetrics.ModeMetrics(result.mode(), folderName, test, valid, branches,
                result.elapsed().toNanos() / 1e9, output.evaluationSeconds());
    }

    /** Without branches every sample takes the backbone: its accuracy at its full cost. */
    private static RunMetrics.CascadeMetrics backboneOnly(SplitFeatures split, MacTable macs) {
        double accuracy = split.backboneAccuracy();
        return new RunMetrics.CascadeMetrics(split.size(), accuracy, accuracy, 0.0, 0.0, macs.total(), macs.total(),
                List.of(new RunMetrics.ExitRate(ExitPoints.FINAL, split.size(), 1.0, accuracy)));
    }

    private static RunMetrics.CascadeMetrics cascadeMetrics(CascadeResult r, List<String> vertices) {
        List<RunMetrics.ExitRate> exits = new ArrayList<>();
        for (int e = 0; e <= r.exitCount(); e++) {
            exits.add(new RunMetrics.ExitRate(e < r.exitCount() ? vertices.get(e) : ExitPoints.FINAL,
                    r.exitedCount(e), r.exitRate(e), r.precision(e)));
        }
        return new RunMetrics.CascadeMetrics(r.sampleCount(), r.accuracy(), r.backboneAccuracy(),
                100 * (r.backboneAccuracy() - r.accuracy()), r.computeReduction(), r.meanMacs(),
                r.fullBackboneMacs(), exits);
    }

    private static void writeExits(Path file, List<float[]> probabilities, ExitScores scores) {
        int n = scores.sampleCount();
        int classes = scores.classCount();
        float[] all = new float[probabilities.size() * n * classes];
        for (int j = 0; j < probabilities.size(); j++) {
            System.arraycopy(probabilities.get(j), 0, all, j * n * classes, n * classes);
        }
        ArrayFile.writeFloats(file, new long[] {probabilities.size(), n, classes}, all);
    }

    private static void writeSplit(Path run, SplitFeatures split, String name) {
        ArrayFile.writeFloats(run.resolve(name + ExperimentRun.BACKBONE_SUFFIX),
                new long[] {split.size(), split.numClasses()}, TargetLabels.backboneProbabilities(split));
        ArrayFile.writeInts(run.resolve(name + ExperimentRun.LABELS_SUFFIX), new long[] {split.size()},
                split.labels());
    }

    private static List<Long> macsToExits(MacTable macs, FeatureCache cache) {
        List<Long> values = new ArrayList<>();
        for (int e = 0; e < cache.exitShapes().size(); e++) {
            values.add(macs.cumulativeMacs(e));
        }
        return values;
    }

    /**
     * Loads the configuration's backbone, a DL4J model zip or an ONNX model ({@code .onnx}, run by ONNX Runtime),
     * and checks that it fits the dataset.
     *
     * @throws ExperimentException when the file does not exist (saying how to make one) or the dataset does not
     *                             fit it (saying what differs)
     */
    public static Backbone loadBackbone(ExperimentConfig config, Dataset dataset) {
        return loadBackbone(requireBackboneFile(config), dataset);
    }

    /** @see #loadBackbone(ExperimentConfig, Dataset) */
    public static Backbone loadBackbone(Path backbonePath, Dataset dataset) {
        Backbone backbone = readBackbone(backbonePath);
        if (backbone instanceof OnnxBackbone onnx) {
            onnx.checkFits(dataset);
        } else {
            checkFits(backbone, backbonePath, dataset);
        }
        return backbone;
    }

    /**
     * Loads a backbone file, a DL4J model zip or an ONNX model, without a dataset to check it against: for a driver
     * that leaves the dataset to a cluster's executors, which check the fit there.
     */
    public static Backbone readBackbone(Path backbonePath) {
        return isOnnx(backbonePath) ? OnnxBackbone.load(backbonePath) : BackboneFile.load(backbonePath, false);
    }

    /** @return whether a backbone file is an ONNX model (by its extension, as users name them) */
    public static boolean isOnnx(Path backboneFile) {
        return backboneFile.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    /**
     * @return the configuration's backbone file
     * @throws ExperimentException when it does not exist, saying how to make one
     */
    public static Path requireBackboneFile(ExperimentConfig config) {
        Path backbonePath = backbonePath(config);
        if (!Files.isRegularFile(backbonePath)) {
            throw new ExperimentException(missingBackbone(config, backbonePath));
        }
        return backbonePath;
    }

    /** @return the backbone file the configuration means */
    public static Path backbonePath(ExperimentConfig config) {
        return config.backbone() != null ? Path.of(config.backbone())
                : Path.of(config.dataset()).resolve(DEFAULT_BACKBONE_FILE);
    }

    private static String missingBackbone(ExperimentConfig config, Path backbonePath) {
        if (config.backbone() != null) {
            return "the backbone file " + backbonePath + " does not exist";
        }
        return "no backbone: " + backbonePath + " does not exist. Train one with\n  exitbench backbone train --data "
                + config.dataset() + " --out " + backbonePath + "\nor name a trained one with --backbone <model.zip>";
    }

    /**
     * Refuses a dataset whose classes or image geometry differ from what the backbone was trained on.
     *
     * @throws ExperimentException saying what differs
     */
    static void checkFits(Backbone backbone, Path backboneFile, Dataset dataset) {
        List<String> differences = new ArrayList<>();
        List<String> ours = backbone.classNames();
        List<String> theirs = dataset.classNames();
        if (!ours.equals(theirs)) {
            if (ours.size() == theirs.size() && ours.containsAll(theirs)) {
                differences.add("the same classes in another order (backbone: " + String.join(", ", ours)
                        + "; dataset: " + String.join(", ", theirs) + ")");
            } else {
                differences.add("the backbone knows " + ours.size() + " classes (" + String.join(", ", ours)
                        + "), the dataset has " + theirs.size() + " (" + String.join(", ", theirs) + ")");
            }
        }
        if (backbone.inputChannels() != dataset.channels() || backbone.inputHeight() != dataset.height()
                || backbone.inputWidth() != dataset.width()) {
            differences.add("the backbone takes " + backbone.inputChannels() + "×" + backbone.inputHeight() + "×"
                    + backbone.inputWidth() + " images (channels×height×width), the dataset's are " + dataset.channels()
                    + "×" + dataset.height() + "×" + dataset.width());
            if (backbone.inputChannels() == 1 && dataset.channels() == 3) {
                DatasetSummary.colourAmongGrey(dataset.metadata().colourAmongGrey()).ifPresent(differences::add);
            }
        }
        if (!differences.isEmpty()) {
            throw new ExperimentException("the dataset " + dataset.root() + " does not fit the backbone "
                    + backboneFile + ": " + String.join("; ", differences));
        }
    }

    /**
     * A cache folder per dataset, backbone, exit points and pooling, so switching between them does not rebuild
     * (the exit points enter as a short hash of their names).
     */
    public Path cacheFolder(Dataset dataset, Backbone backbone, int poolingGrid) {
        return cacheFolder(cachesFolder, dataset, backbone, poolingGrid);
    }

    /** @see #cacheFolder(Dataset, Backbone, int) */
    public static Path cacheFolder(Path cachesFolder, Dataset dataset, Backbone backbone, int poolingGrid) {
        return cachesFolder.resolve(StagedRun.checkName(cacheName(dataset, backbone, poolingGrid)));
    }

    private static String cacheName(Dataset dataset, Backbone backbone, int poolingGrid) {
        return cacheName(dataset.name(), backbone, poolingGrid);
    }

    /**
     * The name of the cache folder {@link #cacheFolder(Path, Dataset, Backbone, int)} gives, from the dataset's
     * name ({@link Dataset#name()}) alone: for a driver that leaves reading the dataset to a cluster.
     */
    public static String cacheName(String datasetName, Backbone backbone, int poolingGrid) {
        String name = datasetName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            name = "dataset" + name;
        }
        String exits = String.format("%08x", String.join(",", backbone.exitPoints().vertices()).hashCode());
        return name + "-" + backbone.fingerprint().substring(0, 12) + "-exits" + exits + "-grid" + poolingGrid;
    }

    private static double secondsSince(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    /** @return the application's version from the jar manifest, or "development" when run from classes */
    static String exitbenchVersion() {
        String version = ExperimentPipeline.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** @return DL4J's version from its jar's Maven metadata */
    static String dl4jVersion() {
        try (InputStream in = org.deeplearning4j.nn.graph.ComputationGraph.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read DL4J's version", e);
        }
    }
}
