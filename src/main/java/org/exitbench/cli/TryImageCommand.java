package org.exitbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.DatasetException;
import org.exitbench.data.ImageConversion;
import org.exitbench.data.ImageFiles;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.RunImageScorer;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exitbench try-image}: images of your own through a run's cascade, every exit, as the app's "Try your own
 * image" shows them.
 */
@Command(name = "try-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run images of your own (a photo of a drawing, say) through a run's cascade, as the app's "
                + "'Try your own image' does: each is converted to the dataset's geometry and look (gray, size, a "
                + "light background inverted for a dataset on black, cropped and centred), then every exit's top "
                + "classes, its score against its threshold, where the image leaves and what it cost are printed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image was tried", "1:bad input or files (the message says which)",
                "2:wrong command-line options"})
final class TryImageCommand implements Callable<Integer> {

    /** Whether images are inverted before the network sees them. */
    enum Invert { AUTO, YES, NO }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "<run folder>",
            description = "A run folder (<workspace>/runs/<id>).")
    Path run;

    @Option(names = "--mode", paramLabel = "<mode>", defaultValue = "boosted",
            description = "The training mode whose cascade runs: boosted, non-boosted or soft (default: "
                    + "${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--thresholds", paramLabel = "<thresholds.json>",
            description = "Thresholds to decide at (saved by the app), instead of the run's own CPM thresholds.")
    Path thresholdsFile;

    @Option(names = "--data", paramLabel = "<dataset>",
            description = "The dataset whose look images are converted to (default: the run's, when it exists; "
                    + "without one, images are only resized).")
    Path data;

    @Option(names = "--invert", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Invert images: auto (when the background is light and the dataset's dark, or the other "
                    + "way), yes or no (default: ${DEFAULT-VALUE}).")
    String invert;

    @Parameters(arity = "1..*", paramLabel = "<image or folder>",
            description = "Image files (PNG, JPEG, BMP, GIF) or folders searched for them.")
    List<Path> inputs;

    @Override
    public Integer call() {
        Invert choice = parseInvert();
        BranchTrainingMode chosen = parseMode();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = ImageFiles.list(inputs);
        try (RunImageScorer scorer = RunImageScorer.open(run, chosen)) {
            ExperimentRun loaded = scorer.run();
            Thresholds thresholds = thresholds(loaded, chosen);
            ImageConversion.Look look = look(loaded, err);
            List<String> vertices = loaded.mode(chosen).orElseThrow().cascadeBranches().stream()
                    .map(RunMetrics.BranchMetrics::vertex).toList();
            int failed = 0;
            for (Path file : files) {
                try {
                    ImageConversion.Original original = ImageConversion.Original.read(file);
                    boolean inverted = choice == Invert.AUTO ? ImageConversion.suggestsInversion(original, look)
                            : choice == Invert.YES;
                    ImageConversion.Converted converted = ImageConversion.convert(original, scorer.inputChannels(),
                            scorer.inputHeight(), scorer.inputWidth(), look, inverted);
                    ExitScores scores = scorer.score(converted.pixels(), file.toString()).scores();
                    print(out, file, converted, scores, thresholds, scorer.costModel(), vertices,
                            scorer.classNames());
                } catch (DatasetException e) {
                    err.println("skipped " + e.getMessage());
                    failed++;
                }
            }
            out.flush();
            err.flush();
            return failed == 0 ? 0 : CliErrors.BAD_INPUT;
        }
    }

    private Thresholds thresholds(ExperimentRun loaded, BranchTrainingMode chosen) {
        Thresholds own = loaded.mode(chosen).orElseThrow().thresholds();
        if (thresholdsFile == null) {
            return own;
        }
        Thresholds read;
        try {
            read = Thresholds.read(thresholdsFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + thresholdsFile + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--thresholds: " + thresholdsFile + " "
                    + e.getMessage(), e);
        }
        if (read.exitCount() != own.exitCount() || read.classCount() != own.classCount() || read.rule() != own.rule()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--thresholds: " + thresholdsFile + " holds "
                    + read.exitCount() + " exits × " + read.classCount() + " classes (" + read.rule() + "), the "
                    + "cascade has " + own.exitCount() + " × " + own.classCount() + " (" + own.rule() + ")");
        }
        return read;
    }

    /** The look of --data, or of the run's dataset when it is there; none (resizing only) otherwise. */
    private ImageConversion.Look look(ExperimentRun loaded, PrintWriter err) {
        Path dataset = data != null ? data : Path.of(loaded.config().dataset());
        if (data == null && !Files.isDirectory(dataset)) {
            err.println("note: the run's dataset " + dataset + " is not here, so images are only resized "
                    + "(--data names one)");
            return ImageConversion.Look.unknown();
        }
        return ImageConversion.Look.of(dataset, ProgressListener.NONE, CancellationToken.NEVER);
    }

    private static void print(PrintWriter out, Path file, ImageConversion.Converted converted, ExitScores scores,
            Thresholds thresholds, CostModel costs, List<String> vertices, List<String> names) {
        int exits = scores.exitCount();
        int taken = RunImageScorer.exitTaken(scores, 0, thresholds);
        out.println(file);
        out.println("  " + converted.description());
        for (int k = 0; k <= exits; k++) {
            StringBuilder top = new StringBuilder();
            for (int r = 0; r < scores.topCount(); r++) {
                int c = k < exits ? scores.topClass(k, 0, r) : scores.backboneTopClass(0, r);
                if (c < 0) {
                    continue;
                }
                float p = k < exits ? scores.topProbability(k, 0, r) : scores.backboneTopProbability(0, r);
                top.append(top.length() == 0 ? "" : " · ").append(names.get(c))
                        .append(Float.isNaN(p) ? "" : String.format(Locale.ROOT, " %.2f", p));
            }
            String where = k < exits ? "exit " + (k + 1) + " (" + vertices.get(k) + ")" : "backbone head";
            String decision;
            if (k > taken) {
                decision = "not reached";
            } else if (k == exits) {
                decision = "answers";
            } else {
                float score = scores.score(thresholds.rule(), k, 0);
                double tau = thresholds.get(k, scores.predicted(k, 0));
                decision = String.format(Locale.ROOT, "score %.3f %s τ %s → %s", score, k == taken ? "≥" : "<",
                        Double.isInfinite(tau) ? (tau > 0 ? "never" : "always") : String.format(Locale.ROOT, "%.3f",
                                tau), k == taken ? "leaves here" : "goes on");
            }
            out.printf(Locale.ROOT, "  %-18s %-48s %s%n", where, top, decision);
        }
        int answer = taken == exits ? scores.backbonePredicted(0) : scores.predicted(taken, 0);
        long macs = costs.costOfExit(taken);
        out.printf(Locale.ROOT, "  → %s at %s, %.1f M MACs (%.0f %% of the backbone's %.1f M)%n", names.get(answer),
                taken == exits ? "the backbone head" : "exit " + (taken + 1), macs / 1e6,
                100.0 * macs / costs.fullBackboneMacs(), costs.fullBackboneMacs() / 1e6);
    }

    private Invert parseInvert() {
        try {
            return Invert.valueOf(invert.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--invert must be auto, yes or no, was '"
                    + invert + "'");
        }
    }

    private BranchTrainingMode parseMode() {
        try {
            return ExperimentConfig.parseMode(mode);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mode: " + e.getMessage(), e);
        }
    }
}
