package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.report.SweepReports;
import org.exitbench.store.SerialFilter;
import org.exitbench.sweep.PairedStatistics;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.SweepSummary;
import org.exitbench.sweep.TrialExecutor;
import org.exitbench.workspace.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code exitbench sweep}: trains every configuration of a sweep definition in each mode over several seeds on one
 * feature cache, and writes the results and the reproduction report. Stopped sweeps resume where they were.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid of configurations (by default our reconstruction of BTS-EE's 64), each trained "
                + "boosted and non-boosted over several seeds, and compare the modes along their accuracy-vs-compute"
                + " curves with paired statistics.",
                "Each finished trial is saved at once in <out>/results/; run the same command again after Ctrl-C or "
                        + "a crash to continue. At the end <out> holds sweep.csv, paired.csv, summary.md and "
                        + "report.html (self-contained). Set OMP_NUM_THREADS=1 (scripts/exitbench does): branch "
                        + "networks are too small to gain from more OpenMP threads."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every trial finished (or failed and is listed in the report)",
                "1:bad input or files (the message says which)", "2:wrong command-line options",
                "130:cancelled (finished trials are kept)"})
final class SweepCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ExperimentInputOptions inputs;

    @Option(names = "--definition", paramLabel = "<sweep.json>",
            description = "A sweep definition; fields it leaves out keep the default's (see --print-definition). "
                    + "The name fair-v2 runs the built-in fair test of issue 17.")
    Path definition;

    @Option(names = "--out", paramLabel = "<dir|uri>",
            description = "The sweep folder (default: <workspace>/sweeps/<definition name>). With --spark also a "
                    + "Hadoop file system URI (hdfs://…, s3a://…, file:/…): the executors write the results there and "
                    + "this machine keeps a copy under <workspace>/sweeps/.shared/.")
    String out;

    @Option(names = "--caches", paramLabel = "<uri>",
            description = "With --spark: the folder of the feature caches as a Hadoop file system URI (default: "
                    + "<workspace>/cache); a missing cache is built there on the cluster.")
    String caches;

    @Option(names = "--seeds", paramLabel = "<n>",
            description = "Train every configuration with seeds 1..n (default: the definition's, 1,2,3).")
    Integer seeds;

    @Option(names = "--threads", paramLabel = "<n>", defaultValue = "1",
            description = "Trials trained at once (default: ${DEFAULT-VALUE}; on a machine with idle cores, one per "
                    + "core).")
    int threads;

    @Mixin
    WorkspaceOption workspace;

    @Option(names = "--spark", paramLabel = "<master>",
            description = {"Run the trials as tasks on Apache Spark: a master URL (local[4], spark://host:7077, yarn,"
                    + " k8s://https://host:6443), or 'submit' for the one spark-submit gives. Needs Spark on the class"
                    + " path (scripts/exitbench-spark, or spark-submit with target/exitbench-spark.jar); the sweep "
                    + "folder and the workspace's feature cache must be where every executor sees them "
                    + "(docs/scale.md)."})
    String spark;

    @Option(names = "--report-only",
            description = "Write the reports of the trials already in the sweep folder, without training: for a "
                    + "stopped sweep (its missing trials show as not finished), or with --seeds or --definition "
                    + "for part of it.")
    boolean reportOnly;

    @Option(names = "--print-definition",
            description = "Print the default sweep definition (JSON, a starting point for --definition) and exit.")
    boolean printDefinition;

    @Mixin
    ProgressOption progressOption;

    private final CancellationToken cancel;

    SweepCommand() {
        this(new CancellationToken());
    }

    /** For tests: a sweep that a test can cancel. */
    SweepCommand(CancellationToken cancel) {
        this.cancel = cancel;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (printDefinition) {
            out.print(SweepDefinition.defaultJson());
            out.flush();
            return 0;
        }
        if (seeds != null && seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds: must be at least 1, was " + seeds);
        }
        // A bad definition file is bad input (exit 1, the message names the field): CliErrors.HANDLER reports it.
        SweepDefinition sweep = definition == null ? SweepDefinition.defaults()
                : Files.exists(definition) ? SweepDefinition.read(definition)
                : SweepDefinition.builtIn(definition.toString()).orElseGet(() -> SweepDefinition.read(definition));
        if (seeds != null) {
            sweep = sweep.withSeeds(SweepDefinition.firstSeeds(seeds));
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: must be at least 1, was "
                    + threads);
        }
        boolean stored = this.out != null && CacheCommand.Build.isUri(this.out);
        if ((stored || caches != null) && (spark == null || reportOnly)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (stored ? "--out " + this.out : "--caches")
                    + ": a Hadoop file system URI needs --spark (and no --report-only): the executors reach it");
        }
        Path sweeps = workspace.folder.resolve(Workspace.SWEEPS_FOLDER);
        Path folder = stored ? sweeps.resolve(".shared").resolve(this.out.replaceAll("[^A-Za-z0-9._-]", "_"))
                : this.out != null ? Path.of(this.out) : sweeps.resolve(sweep.name().replaceAll("[^A-Za-z0-9._-]", "_"));
        PrintWriter err = spec.commandLine().getErr();
        ConsoleProgress progress = progressOption.on(err);
        if (reportOnly) {
            return reportOnly(folder, definition != null ? sweep : null, out);
        }
        TrialExecutor.SharedFolder shared = null;
        try (CtrlCCancellation onCtrlC = new CtrlCCancellation(cancel, 1, TimeUnit.MINUTES,
                "exitbench-cancel-sweep")) {
            SweepRunner runner = workspace.workspace().sweepRunner();
            if (spark != null) {
                // Spark's driver reads its executors' results with Java serialization (cluster traffic, not files).
                SerialFilter.allowClusterTraffic();
                TrialExecutor cluster = TrialExecutor.forCluster("spark", spark);
                if (stored || caches != null) {
                    shared = cluster.share(stored ? this.out : null, caches, folder);
                    if (shared != null) {
                        shared.pull();
                    }
                }
                runner = runner.on(cluster);
            }
            SweepRunner.Outcome outcome;
            try {
                outcome = runner.run(sweep, new SweepRunner.Request(inputs.dataOrSample(), inputs.backbone, folder,
                        threads), progress, cancel);
            } finally {
                // A stopped sweep's session is recorded in the store too.
                if (shared != null) {
                    shared.push();
                }
            }
            progress.endLine();
            out.print(report(outcome));
            if (shared != null) {
                out.println("Stored in " + shared.location() + " (this machine's copy: " + folder + ")");
            }
            out.flush();
            return 0;
        } catch (CancelledException e) {
            progress.endLine();
            err.println("Cancelled. Finished trials are saved in " + folder.resolve("results")
                    + "; run the same command again to continue.");
            err.flush();
            return RunCommand.CANCELLED;
        }
    }

    /**
     * @param given the definition given with --definition (--seeds applied), or null for the one last run in
     *              {@code folder}, with --seeds applied when given
     */
    private int reportOnly(Path folder, SweepDefinition given, PrintWriter out) {
        SweepFolder stored = new SweepFolder(folder);
        SweepDefinition reported = given != null ? given : stored.readDefinition();
        if (given == null && reported != null && seeds != null) {
            reported = reported.withSeeds(SweepDefinition.firstSeeds(seeds));
        }
        SweepSummary summary = reported == null ? null : stored.writeReports(reported, SweepReports::write);
        if (summary == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--report-only: " + folder
                    + " holds no sweep (no " + SweepFolder.MANIFEST + " and " + SweepFolder.DEFINITION + ")");
        }
        out.print(report(new SweepRunner.Outcome(stored, summary.trials(), summary.finished() + summary.failed(),
                0, summary.failed(), summary, 0)));
        out.flush();
        return 0;
    }

    /** The outcome as text: trials, the overall comparison of each mode, the best reductions, the files. */
    static String report(SweepRunner.Outcome outcome) {
        StringBuilder text = new StringBuilder();
        SweepSummary s = outcome.summary();
        text.append(String.format(Locale.ROOT, "Trials: %d of %d finished (%d trained now, %d done before)%s%n",
                s.finished(), s.trials(), outcome.ran(), outcome.reused(),
                s.failed() > 0 ? "; " + s.failed() + " failed (listed in the report)" : ""));
        for (SweepSummary.Comparison c : s.comparisons()) {
            text.append(String.format(Locale.ROOT, "%n%s − %s, paired by configuration and seed (points; W/L/T "
                    + "over pairs; mean over configurations with 95 %% CI; sign test p):%n", c.mode(), s.baseline()));
            for (SweepSummary.MetricStatistics m : c.overall()) {
                PairedStatistics st = m.statistics();
                text.append(String.format(Locale.ROOT, "  %-42s %3d/%3d/%3d   %-26s p %s%n", m.metric().title(),
                        st.wins(), st.losses(), st.ties(), st.interval(), st.signTestText()));
            }
        }
        text.append(String.format(Locale.ROOT, "%nBest compute reduction within an accuracy budget (chosen on "
                + "validation, test means):%n"));
        for (SweepSummary.BestReduction b : s.best()) {
            text.append(String.format(Locale.ROOT, "  %-12s ≤ %-4s points: %s%n", b.mode(),
                    SweepSummary.number(b.budget()), b.configuration() == null ? "none saves compute"
                            : String.format(Locale.ROOT, "%.1f %% less compute, %.2f points lost (%s: %s)",
                            100 * b.testReduction(), b.testDrop(), b.configuration().id(),
                            b.configuration().describe())));
        }
        SweepFolder.Manifest manifest = outcome.folder().readManifest();
        text.append(String.format(Locale.ROOT, "%nTime: %s for this run's %d trials; %s over %d session%s in all%n",
                SweepRunner.duration(outcome.seconds()), outcome.ran(), SweepRunner.duration(
                        manifest.totalWallSeconds()), manifest.sessions().size(),
                manifest.sessions().size() == 1 ? "" : "s"));
        text.append(String.format(Locale.ROOT, "Report: %s%nTables: %s, %s%n",
                outcome.folder().root().resolve("report.html"), outcome.folder().root().resolve("sweep.csv"),
                outcome.folder().root().resolve("summary.md")));
        return text.toString();
    }
}
