package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeManifest;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxManifest;
import org.exitbench.deploy.onnx.OnnxSpeedup;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ExitbenchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code exitbench speedup}: times an exported cascade against its whole backbone at batch 1 and sets the measured
 * speedup beside the one its MACs promise.
 */
@Command(name = "speedup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how much faster an exported cascade classifies images than its whole backbone: each "
                + "image of a dataset split (--data, of the cascade's image size) is classified one at a time "
                + "(batch 1) by the whole backbone and by the cascade, which stops at the first exit that fires.",
                "Prints mean / p50 / p95 latency of both, the theoretical speedup (from MACs), the simulated one (from "
                        + "the time of each part) and the measured one, their ratio, and each branch's time against "
                        + "its MACs. Threads: ND4J reads OMP_NUM_THREADS when it starts (set it to 1 for a "
                        + "single-thread figure)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:bad input or files (the message says which)",
                "2:wrong command-line options", "130:cancelled (Ctrl-C); nothing was written"})
final class SpeedupCommand implements Callable<Integer> {

    /** The exit code when Ctrl-C stopped the measurement (128 + SIGINT, as shells report it). */
    static final int CANCELLED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "<cascade.zip | onnx folder>",
            description = "A cascade written by 'exitbench export': a zip (timed with DL4J) or an ONNX export folder "
                    + "(timed with ONNX Runtime against its backbone.onnx).")
    Path model;

    @Option(names = "--threads", paramLabel = "<n>", defaultValue = "1",
            description = "ONNX Runtime's threads for an ONNX export (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    DataOption data;

    @Option(names = "--split", paramLabel = "<split>", defaultValue = "test",
            description = "train, valid or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", paramLabel = "<n>",
            description = "Time only n images, evenly spaced over the split (which may be in class order); "
                    + "default: all.")
    Integer limit;

    @Option(names = "--repeats", paramLabel = "<n>", defaultValue = "1",
            description = "Timed passes over the images (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", paramLabel = "<n>", defaultValue = "200",
            description = "Images classified before timing starts, to settle the JIT and oneDNN "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--json", paramLabel = "<file>",
            description = "Also write the full report as benchmark JSON (replaced if it exists).")
    Path json;

    @Option(names = "--save-to-run", paramLabel = "<run folder>",
            description = "Also add the summary to the run folder's " + MeasuredSpeedup.FILE_NAME + ", where the "
                    + "workbench shows it; the folder must be the run the cascade was exported from.")
    Path runFolder;

    @Mixin
    ProgressOption progressOption;

    private final CancellationToken cancel = new CancellationToken();

    @Override
    public Integer call() {
        Split which = split();
        if (limit != null && limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
        }
        SpeedupMeasurement.Settings settings;
        try {
            settings = new SpeedupMeasurement.Settings(warmUp, repeats);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup / --repeats: " + e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        ConsoleProgress progress = progressOption.on(err);
        try (CtrlCCancellation onCtrlC = new CtrlCCancellation(cancel, 10, TimeUnit.SECONDS,
                "exitbench-cancel-speedup")) {
            if (OnnxCascade.isExport(model)) {
                return measureOnnx(which, settings, progress);
            }
            EarlyExitPredictor predictor = new EarlyExitPredictor(CascadeFile.load(model));
            if (runFolder != null) {
                checkRunFolder(predictor);
            }
            CascadeManifest manifest = predictor.cascade().manifest();
            ImageDataset images = images(which, manifest.inputChannels(), manifest.inputHeight(),
                    manifest.inputWidth(), progress);
            SpeedupMeasurement.Report report = SpeedupMeasurement.measure(predictor, images, label, settings,
                    progress, cancel);
            progress.endLine();
            if (json != null) {
                SpeedupMeasurement.write(json, report);
            }
            if (runFolder != null) {
                MeasuredSpeedup.save(runFolder, report.speedup());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.describe());
            if (json != null) {
                out.println("Report written to " + json);
            }
            if (runFolder != null) {
                out.println("Summary added to " + runFolder.resolve(MeasuredSpeedup.FILE_NAME));
            }
            out.flush();
            return 0;
        } catch (CancelledException e) {
            progress.endLine();
            err.println("Cancelled; nothing was written.");
            err.flush();
            return CANCELLED;
        }
    }

    /** Times an ONNX export with ONNX Runtime; --json and --save-to-run are for DL4J cascades. */
    private int measureOnnx(Split which, SpeedupMeasurement.Settings settings, ConsoleProgress progress) {
        if (json != null || runFolder != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json and --save-to-run take a cascade "
                    + "zip; an ONNX export prints its report only");
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, was "
                    + threads);
        }
        try (OnnxEarlyExitPredictor predictor = new OnnxEarlyExitPredictor(OnnxCascade.load(model), threads, 1)) {
            OnnxManifest manifest = predictor.cascade().manifest();
            ImageDataset images = images(which, manifest.inputChannels(), manifest.inputHeight(),
                    manifest.inputWidth(), progress);
            OnnxSpeedup.Report report = OnnxSpeedup.measure(predictor, images, label, settings.warmUp(),
                    settings.repeats(), progress, cancel);
            progress.endLine();
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.describe());
            out.flush();
            return 0;
        }
    }

    /** What the images timed are, for the report; set by {@link #images}. */
    private String label;

    /**
     * Reads the images to time, --limit of them evenly spaced over the split (only those are decoded from an
     * ImageFolder dataset), and checks they fit the cascade.
     */
    private ImageDataset images(Split which, int channels, int height, int width, ConsoleProgress progress) {
        DatasetReaders.SplitSample sample = DatasetReaders.readSample(data.folder, which,
                size -> limit != null && limit < size ? SpeedupMeasurement.evenlySpaced(size, limit)
                        : IntStream.range(0, size).toArray(), ReadOptions.DEFAULTS, progress, cancel);
        ImageDataset images = sample.images();
        int all = sample.splitSize();
        if (images.size() == 0) {
            throw new ExitbenchException(data.folder + " has no " + which.folderName() + " images");
        }
        CascadeFit.check(channels, height, width, images, data.folder.toString());
        label = String.format(Locale.ROOT, "%s, %s split, %d of %d images", data.folder, which.folderName(),
                images.size(), all);
        return images;
    }

    private Split split() {
        for (Split s : Split.values()) {
            if (s.folderName().equalsIgnoreCase(split) || s.name().equalsIgnoreCase(split)) {
                return s;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--split must be train, valid or test, was '"
                + split + "'");
    }

    /** Refuses a run folder that is missing or is not the run the cascade came from, before anything is timed. */
    private void checkRunFolder(EarlyExitPredictor predictor) {
        String runId = predictor.cascade().manifest().provenance().runId();
        if (!Files.isDirectory(runFolder)) {
            throw new ExitbenchException("--save-to-run: " + runFolder + " is not a folder");
        }
        if (!runFolder.toAbsolutePath().normalize().getFileName().toString().equals(runId)) {
            throw new ExitbenchException("--save-to-run: " + model + " was exported from run " + runId
                    + ", not from " + runFolder);
        }
    }
}
