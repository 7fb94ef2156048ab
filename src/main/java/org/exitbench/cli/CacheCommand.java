package org.exitbench.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.Backbone;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.store.SerialFilter;
import org.exitbench.sweep.TrialExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code exitbench cache}: the feature cache, built ahead of runs and sweeps. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Build the feature cache (the frozen backbone's features of every image) ahead of runs and "
                + "sweeps, in process or on Apache Spark.",
        subcommands = {CacheCommand.Build.class})
final class CacheCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code exitbench cache build}. */
    @Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run the backbone over every image of the dataset and keep the features at the exits, in"
                    + " the workspace's cache folder where 'run' and 'sweep' find them (a cache that is already "
                    + "there and up to date is reused).",
                    "With --spark the images are cut into shards, each a task on the cluster's executors; the "
                            + "driver reads no image, and writes the manifest only when every shard is there. A "
                            + "stopped build keeps its finished shards: run the same command again to continue."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the cache is built (or was up to date)", "1:bad input or files (the message says "
                    + "which)", "2:wrong command-line options", "130:cancelled (with --spark, finished shards are "
                    + "kept)"})
    static final class Build implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ExperimentInputOptions inputs;

        @Option(names = "--exits", paramLabel = "<vertex>", split = ",",
                description = "The backbone vertices to cache, shallow to deep (default: the backbone's exits).")
        List<String> exits;

        @Option(names = "--grid", paramLabel = "<n>", defaultValue = "1",
                description = "The pooling grid: n×n average pooling at each exit (default: ${DEFAULT-VALUE}).")
        int grid;

        @Mixin
        WorkspaceOption workspace;

        @Option(names = "--caches", paramLabel = "<dir|uri>",
                description = "The folder the cache goes in, one subfolder per cache (default: <workspace>/cache). "
                        + "With --spark any Hadoop file system URI (file:, hdfs:, s3a:) the executors reach.")
        String caches;

        @Option(names = "--spark", paramLabel = "<master>",
                description = "Build on Apache Spark: a master URL (local[4], spark://host:7077, yarn, "
                        + "k8s://https://host:6443), or 'submit' for the one spark-submit gives. Needs Spark on the "
                        + "class path (scripts/exitbench-spark); the dataset and backbone must be at the same path "
                        + "on every executor (docs/scale.md).")
        String spark;

        @Option(names = "--shard-images", paramLabel = "<n>", defaultValue = "0",
                description = "With --spark, images per task (default: 2560, 20 extraction batches).")
        int shardImages;

        @Mixin
        ProgressOption progressOption;

        private final CancellationToken cancel;

        Build() {
            this(new CancellationToken());
        }

        /** For tests: a build that a test can cancel. */
        Build(CancellationToken cancel) {
            this.cancel = cancel;
        }

        @Override
        public Integer call() {
            if (grid < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--grid: must be at least 1, was "
                        + grid);
            }
            if (shardImages < 0 || (shardImages > 0 && spark == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shard-images: "
                        + (spark == null ? "only with --spark" : "must be positive, was " + shardImages));
            }
            Path data = inputs.dataOrSample();
            Path backboneFile = inputs.backbone != null ? inputs.backbone
                    : data.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
            if (!Files.isRegularFile(backboneFile)) {
                throw new ExperimentException("the backbone file " + backboneFile + " does not exist; train one with"
                        + " 'exitbench backbone train --data " + data + "' or name one with --backbone");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ConsoleProgress progress = progressOption.on(err);
            try (CtrlCCancellation onCtrlC = new CtrlCCancellation(cancel, 1, TimeUnit.MINUTES,
                    "exitbench-cancel-cache")) {
                String notice;
                if (spark != null) {
                    notice = onSpark(data, backboneFile, progress);
                } else {
                    notice = inProcess(data, backboneFile, progress);
                }
                progress.endLine();
                out.println(notice);
                out.flush();
                return 0;
            } catch (CancelledException e) {
                progress.endLine();
                err.println(spark != null ? "Cancelled. The finished shards are kept; run the same command again to"
                        + " continue." : "Cancelled. No cache was written.");
                err.flush();
                return RunCommand.CANCELLED;
            }
        }

        private String inProcess(Path data, Path backboneFile, ConsoleProgress progress) {
            Path cachesFolder = caches == null ? workspace.workspace().cachesFolder() : localFolder(caches);
            progress.report("Reading the dataset " + data, 0, -1);
            Dataset dataset = DatasetReaders.read(data, ReadOptions.DEFAULTS, progress, cancel);
            Backbone backbone = withExits(ExperimentPipeline.loadBackbone(backboneFile, dataset));
            Path folder = ExperimentPipeline.cacheFolder(cachesFolder, dataset, backbone, grid);
            return FeatureCache.loadOrBuild(folder, backbone, dataset, new FeatureCacheOptions(
                    new FeaturePooling(grid), FeatureExtractor.DEFAULT_BATCH_SIZE), progress, cancel).notice();
        }

        private String onSpark(Path data, Path backboneFile, ConsoleProgress progress) {
            String cachesFolder = caches == null ? workspace.workspace().cachesFolder().toAbsolutePath().toUri()
                    .toString() : isUri(caches) ? caches : Path.of(caches).toAbsolutePath().toUri().toString();
            // Spark's driver reads its executors' answers with Java serialization (cluster traffic, not files).
            SerialFilter.allowClusterTraffic();
            TrialExecutor cluster = TrialExecutor.forCluster("spark", spark);
            Backbone backbone = withExits(ExperimentPipeline.readBackbone(backboneFile));
            List<TrialExecutor.ClusterCache> built = cluster.prepareCaches(new TrialExecutor.CacheRequest(data,
                    backboneFile, backbone, List.of(grid), cachesFolder, shardImages), progress, cancel);
            if (built == null) {
                throw new ExperimentException("this build of Exitbench cannot build feature caches on Spark");
            }
            return built.get(0).notice();
        }

        private Backbone withExits(Backbone backbone) {
            if (exits == null || exits.isEmpty()) {
                return backbone;
            }
            try {
                return backbone.withExitPoints(new ExitPoints(exits));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--exits: " + e.getMessage());
            }
        }

        /** A URI has a scheme of two letters or more, so a Windows drive ("C:\\data") stays a path. */
        static boolean isUri(String folder) {
            return folder.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
        }

        private Path localFolder(String folder) {
            if (!isUri(folder)) {
                return Path.of(folder);
            }
            URI uri = URI.create(folder);
            if (!"file".equals(uri.getScheme())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--caches: " + folder + " is on "
                        + uri.getScheme() + ":, which only a build on Spark (--spark) reaches");
            }
            return Path.of(uri);
        }
    }
}
