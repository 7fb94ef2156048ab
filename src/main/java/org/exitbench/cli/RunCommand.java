package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.ModeAtBudget;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code exitbench run}: trains and calibrates exit branches on a dataset's feature cache in each requested mode
 * and prints the cascades side by side; the run is saved in the workspace.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attach exit branches to a trained backbone, train them (boosted, non-boosted and/or soft), "
                + "calibrate their per-class thresholds with CPM and evaluate the cascade on the test split.",
                "Prints accuracy, accuracy drop, compute reduction and exit rates per mode, and saves the run "
                        + "(config, branches, thresholds, scores, metrics) in <workspace>/runs/. The backbone's "
                        + "features are cached in <workspace>/cache/ and reused by later runs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run finished and was saved", "1:bad input or files (the message says which)",
                "2:wrong command-line options", "130:cancelled (nothing was saved)"})
final class RunCommand implements Callable<Integer> {

    /** The exit code of a run stopped by Ctrl-C, as shells report SIGINT. */
    static final int CANCELLED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file.json>",
            description = "An experiment configuration; fields it leaves out keep their defaults.")
    Path config;

    @Mixin
    ExperimentInputOptions inputs;

    @Mixin
    WorkspaceOption workspace;

    @Option(names = "--modes", paramLabel = "<mode>", split = ",",
            description = "Training modes to compare: boosted, non-boosted, soft (default: the config's, "
                    + "boosted,non-boosted).")
    List<String> modes;

    @Mixin
    ProgressOption progressOption;

    @Option(names = "--margin", paramLabel = "<m>",
            description = "CPM's margin m in [-1, 1] (overrides the config's cpm.margin; default 0.20). Negative "
                    + "margins set the bar above the backbone's own precision, for low-loss operating points.")
    Double margin;

    @Option(names = "--calibration-fraction", paramLabel = "<f>",
            description = "The share of each class's validation images that CPM calibrates on alone, 0.1 to 0.9 "
                    + "(default 0.5, or the config's calibrationSplit.fraction); the rest stop the branches' "
                    + "training. 0 uses all validation images for both, as runs before issue 17 did.")
    Double calibrationFraction;

    @Option(names = "--valid-fraction", paramLabel = "<f>",
            description = "The share of each training class carved off as the validation split when the dataset "
                    + "has none, 0.02 to 0.5 (default 0.1, or the config's calibrationSplit.validationFraction); "
                    + "recorded in the run. A dataset with its own validation split keeps it.")
    Double validFraction;

    @Option(names = "--epoch-length", paramLabel = "<updates>",
            description = "Mini-batches per epoch for every branch of every mode, so boosted branches on few "
                    + "survivors get as many updates as non-boosted ones; -1 (default) is one pass over the whole "
                    + "training split, 0 one pass over the branch's own images (runs before issue 17).")
    Integer epochLength;

    @Option(names = "--budget", paramLabel = "<points>", defaultValue = "2.0",
            description = "The accuracy budget, in points: beside the training margin's cascade the report shows "
                    + "each mode at the margin that saves the most compute while losing at most this much accuracy "
                    + "on the validation split (read on test), and warns when the training margin loses more "
                    + "(default: ${DEFAULT-VALUE}).")
    double budget;

    private final CancellationToken cancel;

    RunCommand() {
        this(new CancellationToken());
    }

    /** For tests: a run that a test can cancel. */
    RunCommand(CancellationToken cancel) {
        this.cancel = cancel;
    }

    @Override
    public Integer call() {
        // A bad value in the configuration file is bad input (exit 1, the message names the field), not a misuse of
        // the command line: CliErrors.HANDLER reports the ConfigException.
        ExperimentConfig experiment = experiment();
        if (!(budget >= 0) || Double.isInfinite(budget)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--budget: the accuracy budget must be 0 or"
                    + " more points, was " + budget);
        }
        PrintWriter err = spec.commandLine().getErr();
        ConsoleProgress progress = progressOption.on(err);
        // Cancelling lets the run remove its staging folder before the JVM exits.
        try (CtrlCCancellation onCtrlC = new CtrlCCancellation(cancel, 1, TimeUnit.MINUTES, "exitbench-cancel-run")) {
            ExperimentRun run = workspace.workspace().pipeline().run(experiment, progress,
                    BranchTrainingListener.NONE, cancel);
            progress.endLine();
            PrintWriter out = spec.commandLine().getOut();
            out.print(report(run, atBudget(run, budget)));
            out.flush();
            return 0;
        } catch (CancelledException e) {
            progress.endLine();
            err.println("Cancelled; no run was saved.");
            err.flush();
            return CANCELLED;
        }
    }

    /** The configuration file (or the defaults) with the command line's options applied. */
    private ExperimentConfig experiment() {
        ExperimentConfig experiment = config != null ? ExperimentConfig.read(config) : ExperimentConfig.defaults();
        if (inputs.data != null) {
            experiment = experiment.withDataset(inputs.data.toString());
        }
        if (inputs.backbone != null) {
            experiment = experiment.withBackbone(inputs.backbone.toString());
        }
        if (modes != null) {
            List<BranchTrainingMode> parsed = new ArrayList<>();
            for (String mode : modes) {
                try {
                    parsed.add(ExperimentConfig.parseMode(mode));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--modes: " + e.getMessage(), e);
                }
            }
            experiment = experiment.withModes(parsed);
        }
        // Out-of-range values are reported by validate(), naming the configuration field they set.
        if (margin != null) {
            experiment = experiment.withMargin(margin);
        }
        if (calibrationFraction != null) {
            experiment = experiment.withCalibrationFraction(calibrationFraction);
        }
        if (epochLength != null) {
            experiment = experiment.withUpdatesPerEpoch(epochLength);
        }
        if (validFraction != null) {
            experiment = experiment.withValidationFraction(validFraction);
        }
        experiment.validate();
        return experiment;
    }

    /** Each mode with a cascade at the accuracy budget, in the run's order. */
    private List<ModeAtBudget> atBudget(ExperimentRun run, double budgetPoints) {
        List<ModeAtBudget> found = new ArrayList<>();
        for (RunMetrics.ModeMetrics metrics : run.metrics().modes()) {
            ExperimentRun.ModeResult mode = run.mode(metrics.mode()).orElseThrow();
            found.add(mode.hasCascade() ? ModeAtBudget.of(mode, run.config().cpmSettings(), budgetPoints, cancel)
                    : null);
        }
        return found;
    }

    /**
     * The run as text: backbone, branches, the side-by-side table at the training margin and at the accuracy
     * budget, a warning when the training margin loses more than the budget, skipped branches, where it was saved.
     *
     * @param atBudget each mode of the run at the budget, in the run's order ({@code null} for a mode without cascade)
     */
    static String report(ExperimentRun run, List<ModeAtBudget> atBudget) {
        RunMetrics metrics = run.metrics();
        RunMetrics.BackboneFacts backbone = metrics.backbone();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Backbone: %s; %,d MACs; test accuracy %.2f %%%n",
                backbone.description(), backbone.totalMacs(), 100 * backbone.testAccuracy()));
        text.append("Feature cache: ").append(metrics.provenance().featureCacheOutcome())
                .append(System.lineSeparator());
        List<RunMetrics.ModeMetrics> modes = metrics.modes();
        text.append("Branches:").append(System.lineSeparator());
        for (RunMetrics.BranchMetrics branch : modes.get(0).branches()) {
            text.append("  ").append(branch.description()).append(System.lineSeparator());
        }
        text.append(System.lineSeparator());
        List<String> header = new ArrayList<>(List.of(""));
        modes.forEach(m -> header.add(ExperimentConfig.modeName(m.mode())));
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        rows.add(row("test accuracy", modes, m -> percent(m.test().accuracy())));
        rows.add(row("accuracy drop (points)", modes, m -> String.format(Locale.ROOT, "%.2f",
                m.test().accuracyDropPoints())));
        rows.add(row("compute reduction", modes, m -> percent(m.test().computeReduction())));
        rows.add(row("mean MACs per image", modes, m -> String.format(Locale.ROOT, "%,.0f", m.test().meanMacs())));
        Set<String> exits = new LinkedHashSet<>(backbone.exitVertices());
        for (String exit : exits) {
            rows.add(row("exits at " + exit, modes, m -> m.test().exits().stream()
                    .filter(e -> e.exit().equals(exit)).findFirst().map(e -> percent(e.rate())).orElse("—")));
        }
        rows.add(row("reaches the backbone head", modes, m -> percent(m.test().exits()
                .get(m.test().exits().size() - 1).rate())));
        rows.add(row("training time", modes, m -> String.format(Locale.ROOT, "%.1f s", m.trainingSeconds())));
        text.append("At the training margin (").append(marginText(run)).append("):")
                .append(System.lineSeparator());
        text.append(table(rows));
        double budgetPoints = atBudget.stream().filter(b -> b != null).findFirst().map(ModeAtBudget::budgetPoints)
                .orElse(Double.NaN);
        if (!Double.isNaN(budgetPoints)) {
            text.append(System.lineSeparator()).append(String.format(Locale.ROOT, "At the accuracy budget (the margin"
                    + " that saves the most compute losing at most %.1f points on validation; --budget):%n",
                    budgetPoints));
            List<List<String>> budgetRows = new ArrayList<>();
            budgetRows.add(header);
            budgetRows.add(budgetRow("margin m", modes, atBudget, b -> String.format(Locale.ROOT, "%.3f",
                    b.margin())));
            budgetRows.add(budgetRow("test accuracy", modes, atBudget, b -> percent(b.test().get().accuracy())));
            budgetRows.add(budgetRow("accuracy drop (points)", modes, atBudget, b -> String.format(Locale.ROOT,
                    "%.2f", -100 * b.test().get().accuracyChange())));
            budgetRows.add(budgetRow("compute reduction", modes, atBudget, b -> percent(b.test().get()
                    .computeReduction())));
            text.append(table(budgetRows));
            for (int i = 0; i < modes.size(); i++) {
                RunMetrics.ModeMetrics mode = modes.get(i);
                ModeAtBudget best = atBudget.get(i);
                double lost = mode.test().accuracyDropPoints();
                if (best != null && lost > budgetPoints) {
                    text.append(System.lineSeparator()).append(warning(run, mode, best, lost));
                }
            }
        }
        for (RunMetrics.ModeMetrics mode : modes) {
            for (RunMetrics.BranchMetrics branch : mode.branches()) {
                if (!branch.trained()) {
                    text.append(String.format("%nSkipped (%s, %s): %s", ExperimentConfig.modeName(mode.mode()),
                            branch.vertex(), branch.skipReason()));
                }
            }
        }
        text.append(System.lineSeparator()).append(System.lineSeparator()).append("Run saved in ")
                .append(run.folder()).append(System.lineSeparator());
        return text.toString();
    }

    private static String marginText(ExperimentRun run) {
        return String.format(Locale.ROOT, "CPM m = %.3f, %s", run.config().cpmSettings().margin(),
                run.config().cpmSettings().marginForm().name().toLowerCase(Locale.ROOT));
    }

    /** Says that the training margin loses more than the budget, and which margin would not. */
    private static String warning(ExperimentRun run, RunMetrics.ModeMetrics mode, ModeAtBudget best, double lost) {
        String name = ExperimentConfig.modeName(mode.mode());
        String text = String.format(Locale.ROOT, "Warning: at the training margin (%s) the %s cascade loses %.2f "
                + "points of test accuracy, more than the %.1f-point budget.", marginText(run), name, lost,
                best.budgetPoints());
        if (best.test().isEmpty()) {
            return text + " No margin saves compute within the budget: the backbone alone is the better choice."
                    + System.lineSeparator();
        }
        return text + String.format(Locale.ROOT, " At m = %.3f it loses %.2f points and saves %s of the compute "
                + "(--margin %.3f trains and calibrates there).%n", best.margin(),
                -100 * best.test().get().accuracyChange(), percent(best.test().get().computeReduction()),
                best.margin());
    }

    private static List<String> budgetRow(String label, List<RunMetrics.ModeMetrics> modes,
            List<ModeAtBudget> atBudget, Function<ModeAtBudget, String> cell) {
        List<String> row = new ArrayList<>(List.of(label));
        for (int i = 0; i < modes.size(); i++) {
            ModeAtBudget best = atBudget.get(i);
            row.add(best == null || best.test().isEmpty() ? "—" : cell.apply(best));
        }
        return row;
    }

    private static List<String> row(String label, List<RunMetrics.ModeMetrics> modes,
                                    Function<RunMetrics.ModeMetrics, String> cell) {
        List<String> row = new ArrayList<>(List.of(label));
        modes.forEach(m -> row.add(cell.apply(m)));
        return row;
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "—" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    /** Left-aligns the first column and right-aligns the others. */
    private static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(String.format("%-" + width[0] + "s", row.get(0)));
            for (int c = 1; c < columns; c++) {
                line.append("  ").append(String.format("%" + width[c] + "s", row.get(c)));
            }
            text.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }
}
