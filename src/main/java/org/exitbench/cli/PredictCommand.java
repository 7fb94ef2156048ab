package org.exitbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.exitbench.data.ImageFiles;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeManifest;
import org.exitbench.deploy.ClassProbability;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.Prediction;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxManifest;
import org.exitbench.progress.CancellationToken;
import org.exitbench.store.JsonDocuments;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exitbench predict}: classifies images with an exported cascade that stops at the first exit that fires. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify images with a cascade exported by 'exitbench export'. Each image runs through the "
                + "backbone only up to the first exit whose threshold its answer reaches.",
                "Prints, per image, the class, its probability, the exit that answered and the time taken; --json "
                        + "prints the same with the top classes and the time of every segment and branch."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image was classified", "1:bad input or files (the message says which)",
                "2:wrong command-line options"})
final class PredictCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "<cascade.zip | onnx folder>",
            description = "A cascade written by 'exitbench export': a zip (run with DL4J) or an ONNX export folder "
                    + "(run with ONNX Runtime).")
    Path model;

    @Option(names = "--threads", paramLabel = "<n>", defaultValue = "1",
            description = "ONNX Runtime's threads for an ONNX export (default: ${DEFAULT-VALUE}); DL4J reads "
                    + "OMP_NUM_THREADS instead.")
    int threads;

    @Parameters(arity = "1..*", paramLabel = "<image or folder>",
            description = "Image files (PNG, JPEG, BMP, GIF) or folders searched for them; images of another size "
                    + "are resized to the cascade's.")
    List<Path> inputs;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--top", paramLabel = "<k>", defaultValue = "3",
            description = "How many of the most probable classes --json lists (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--strict", description = "Stop at the first image that cannot be read (default: report it, "
            + "predict the others, and exit with 1 at the end).")
    boolean strict;

    @Mixin
    ProgressOption progressOption;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
        }
        ConsoleProgress progress = progressOption.on(spec.commandLine().getErr());
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, was "
                    + threads);
        }
        Described manifest;
        EarlyExitPredictor predictor = null;
        OnnxEarlyExitPredictor onnx = null;
        if (OnnxCascade.isExport(model)) {
            onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(model), threads, top);
            OnnxManifest m = onnx.cascade().manifest();
            manifest = new Described(m.classNames(), m.exits().stream().map(OnnxManifest.Exit::vertex).toList(),
                    m.inputChannels(), m.inputHeight(), m.inputWidth(), m.provenance().runId(),
                    m.provenance().mode(), "ONNX Runtime, " + m.shape());
        } else {
            predictor = new EarlyExitPredictor(CascadeFile.load(model), top);
            CascadeManifest m = predictor.cascade().manifest();
            manifest = new Described(m.classNames(), m.exitVertices(), m.inputChannels(), m.inputHeight(),
                    m.inputWidth(), m.provenance().runId(), m.provenance().mode(), "DL4J");
        }
        try {
            return classify(manifest, predictor, onnx, progress);
        } finally {
            if (onnx != null) {
                onnx.close();
            }
        }
    }

    /**
     * What the output needs to know of a cascade, whichever engine runs it.
     *
     * @param engine "DL4J" or "ONNX Runtime, &lt;shape&gt;"
     */
    record Described(List<String> classNames, List<String> exitVertices, int inputChannels, int inputHeight,
                     int inputWidth, String runId, String mode, String engine) {
    }

    /** Decodes, classifies (with whichever predictor is given) and prints. */
    private int classify(Described manifest, EarlyExitPredictor predictor, OnnxEarlyExitPredictor onnx,
                         ConsoleProgress progress) {
        List<Path> files = ImageFiles.list(inputs);
        ImageFiles.Decoded decoded = ImageFiles.decode(files, manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth(), !strict, progress, CancellationToken.NEVER);
        progress.endLine();
        // One unreadable image among many is reported, and the others still get their answer.
        PrintWriter err = spec.commandLine().getErr();
        Set<String> skipped = new HashSet<>();
        for (var file : decoded.skipped()) {
            err.println("skipped " + file.file() + ": " + file.reason());
            skipped.add(file.file());
        }
        if (!skipped.isEmpty()) {
            err.println(skipped.size() + " of " + files.size() + " images could not be read and were skipped "
                    + "(--strict stops at the first)");
            err.flush();
            files = files.stream().filter(f -> !skipped.contains(f.toString())).toList();
        }
        var images = decoded.images();
        CascadeFit.check(manifest.inputChannels(), manifest.inputHeight(), manifest.inputWidth(), images,
                "the images given");
        // One image per call, as a deployed classifier meets them, so each time is that image's own.
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            predictions.add(onnx != null ? onnx.predict(images, i) : predictor.predict(images, i));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(manifest, files, predictions) : table(manifest, files, predictions,
                decoded.resized()));
        out.flush();
        return skipped.isEmpty() ? 0 : CliErrors.BAD_INPUT;
    }

    static String table(Described manifest, List<Path> files, List<Prediction> predictions, boolean resized) {
        int width = Math.max(5, files.stream().mapToInt(f -> f.toString().length()).max().orElse(5));
        int classWidth = Math.max(5, manifest.classNames().stream().mapToInt(String::length).max().orElse(5));
        StringBuilder text = new StringBuilder();
        String format = "%-" + width + "s  %-" + classWidth + "s  %11s  %-10s  %9s%n";
        text.append(String.format(Locale.ROOT, format, "image", "class", "probability", "exit", "time (ms)"));
        int exits = manifest.exitVertices().size();
        int[] leaving = new int[exits + 1];
        long nanos = 0;
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            leaving[p.exit()]++;
            nanos += p.totalNanos();
            text.append(String.format(Locale.ROOT, format, files.get(i), p.className(),
                    String.format(Locale.ROOT, "%.4f", p.confidence()), exitName(p), String.format(Locale.ROOT,
                            "%.2f", p.totalNanos() / 1e6)));
        }
        text.append(String.format(Locale.ROOT, "%n%d images, %.2f ms each on average; left at ", predictions.size(),
                nanos / 1e6 / predictions.size()));
        List<String> rates = new ArrayList<>();
        for (int e = 0; e <= exits; e++) {
            rates.add((e < exits ? manifest.exitVertices().get(e) : "the backbone head") + " " + leaving[e]);
        }
        text.append(String.join(", ", rates)).append(System.lineSeparator());
        if (resized) {
            text.append(String.format("Images not of %d×%d were resized to it.%n", manifest.inputHeight(),
                    manifest.inputWidth()));
        }
        return text.toString();
    }

    static String json(Described manifest, List<Path> files, List<Prediction> predictions) {
        var mapper = JsonDocuments.newMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("runId", manifest.runId());
        root.put("mode", manifest.mode());
        root.put("engine", manifest.engine());
        ArrayNode list = root.putArray("predictions");
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            ObjectNode node = list.addObject();
            node.put("image", files.get(i).toString());
            node.put("class", p.className());
            node.put("classIndex", p.classIndex());
            node.put("probability", p.confidence());
            node.put("exit", p.exit());
            node.put("exitVertex", p.exitVertex());
            node.put("early", p.early());
            ArrayNode topClasses = node.putArray("top");
            for (ClassProbability c : p.top()) {
                topClasses.addObject().put("class", c.className()).put("probability", c.probability());
            }
            ArrayNode segments = node.putArray("segmentNanos");
            for (long t : p.segmentNanos()) {
                segments.add(t);
            }
            ArrayNode branches = node.putArray("branchNanos");
            for (long t : p.branchNanos()) {
                branches.add(t);
            }
            node.put("totalNanos", p.totalNanos());
        }
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write predictions as JSON", e);
        }
    }

    private static String exitName(Prediction p) {
        return p.early() ? (p.exit() + 1) + " " + p.exitVertex() : "head";
    }
}
