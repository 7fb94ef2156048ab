package org.exitbench.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.exitbench.cascade.Thresholds;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeManifest;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxManifest;
import org.exitbench.experiment.CascadeExport;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code exitbench export}: one training mode's calibrated cascade of a run, as one file for deployment. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a run's calibrated cascade as one file: the backbone split into segments at the "
                + "exits, the exit branches, the thresholds, class names, preprocessing, MACs and provenance.",
                "The thresholds are those tuned by hand in the app when the run's workspace has them, else CPM's "
                        + "(--thresholds chooses).",
                "'exitbench predict --model <file>' runs it, stopping at the first exit that fires."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the cascade was exported", "1:bad input or files (the message says which), or the output "
                + "exists and --force was not given", "2:wrong command-line options"})
final class ExportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "<run folder>",
            description = "A run folder written by 'exitbench run' (<workspace>/runs/<id>).")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "<cascade.zip | folder>",
            description = "The file (zip) or folder (onnx, onnx-single) to write.")
    Path out;

    @Option(names = "--format", paramLabel = "zip|onnx|onnx-single", defaultValue = "zip",
            description = "zip: Exitbench's cascade file (DL4J); onnx: a folder of standard ONNX models, one per "
                    + "backbone segment and per exit, for batched serving; onnx-single: a folder with one "
                    + "cascade.onnx whose exits are If nodes, for batch 1 in any ONNX runtime. Both ONNX formats "
                    + "hold a manifest and backbone.onnx, and are checked against DL4J on the run's test images "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--mode", paramLabel = "<mode>",
            description = "The training mode to export: boosted, non-boosted or soft (default: boosted when the run "
                    + "has it, else the first mode with a cascade).")
    String mode;

    @Option(names = "--backbone", paramLabel = "<model.zip>",
            description = "The run's backbone, when it is no longer where the run found it (checked by fingerprint).")
    Path backbone;

    @Option(names = "--force", description = "Replace the output file if it exists.")
    boolean force;

    /** Which thresholds a cascade is exported with. */
    enum ThresholdChoice {
        /** The thresholds tuned by hand and saved in the app (Ctrl+S) for this run and mode. */
        TUNED,
        /** The thresholds CPM calibrated when the run was trained. */
        CPM
    }

    @Option(names = "--decision", paramLabel = "<decision.json>",
            description = "A decision rule with its thresholds, as 'exitbench exit-rules' saves them in "
                    + "<out>/decisions/: the cascade then decides with that rule (in the ONNX formats the rule is "
                    + "written as ONNX operators and checked against the workbench's rule).")
    Path decision;

    @Option(names = "--thresholds", paramLabel = "tuned|cpm", converter = ThresholdChoiceConverter.class,
            description = "Export the thresholds tuned by hand in the app and saved in the run's workspace "
                    + "(tuned), or those CPM calibrated in the run (cpm). Default: tuned when the workspace has them "
                    + "for this run and mode, else cpm.")
    ThresholdChoice thresholds;

    static final class ThresholdChoiceConverter implements CommandLine.ITypeConverter<ThresholdChoice> {
        @Override
        public ThresholdChoice convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "tuned" -> ThresholdChoice.TUNED;
                case "cpm" -> ThresholdChoice.CPM;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not tuned or cpm");
            };
        }
    }

    @Override
    public Integer call() {
        if (Files.exists(out) && !force) {
            throw new ExperimentException(out + " exists; give --force to replace it");
        }
        try {
            ExperimentRun loaded = ExperimentRun.load(run);
            BranchTrainingMode chosen = mode == null ? CascadeExport.defaultMode(loaded) : parseMode();
            Optional<Path> tunedFile = Workspace.ofRunFolder(run).map(w -> w.tunedFile(loaded.id(), chosen))
                    .filter(Files::exists);
            Optional<Thresholds> tuned = thresholds == ThresholdChoice.CPM ? Optional.empty()
                    : Workspace.ofRunFolder(run).flatMap(w -> w.tunedThresholds(loaded.id(), chosen));
            if (thresholds == ThresholdChoice.TUNED && tuned.isEmpty()) {
                throw new ExperimentException("--thresholds tuned: the workspace of run " + loaded.id() + " has no "
                        + "thresholds tuned for its " + ExperimentConfig.modeName(chosen) + " cascade (expected "
                        + Workspace.ofRunFolder(run).map(w -> w.tunedFile(loaded.id(), chosen).toString())
                        .orElse("the run in a workspace's runs/ folder") + ")");
            }
            OnnxCascadeExport.Shape shape = shape();
            if (decision != null) {
                if (thresholds != null) {
                    throw new ExperimentException("--decision exports the rule with its own thresholds; it cannot "
                            + "be combined with --thresholds");
                }
                org.exitbench.cascade.decision.DecisionFile file;
                try {
                    file = org.exitbench.cascade.decision.DecisionFile.read(decision);
                } catch (IllegalArgumentException e) {
                    throw new ExperimentException("--decision: " + e.getMessage(), e);
                }
                if (shape != null) {
                    OnnxCascadeExport.Result result = CascadeExport.writeOnnxDecided(loaded, chosen, backbone, file, shape,
                            out);
                    printOnnx(result, loaded.id(), "the decision rule " + file.rule().id() + "'s, from " + decision);
                    return 0;
                }
                CascadeExport.write(loaded, chosen, backbone, file, out);
                PrintWriter stdout = spec.commandLine().getOut();
                stdout.printf("Exported the %s cascade of run %s to %s (%,d bytes), deciding with %s from %s%n",
                        ExperimentConfig.modeName(chosen), loaded.id(), out, Files.size(out), file.rule().id(),
                        decision);
                stdout.flush();
                return 0;
            }
            if (shape != null) {
                OnnxCascadeExport.Result result = CascadeExport.writeOnnx(loaded, chosen, backbone,
                        tuned.orElse(null), shape, out);
                printOnnx(result, loaded.id(), tuned.isPresent() ? "tuned by hand, from " + tunedFile.orElseThrow()
                        : "CPM's, as calibrated in the run");
                return 0;
            }
            if (tuned.isPresent()) {
                CascadeExport.write(loaded, chosen, backbone, tuned.get(), out);
            } else {
                CascadeExport.write(loaded, chosen, backbone, out);
            }
            CascadeManifest manifest = CascadeFile.readManifest(out);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf("Exported the %s cascade of run %s to %s (%,d bytes)%n", manifest.provenance().mode(),
                    loaded.id(), out, Files.size(out));
            stdout.println(tuned.isPresent() ? "Thresholds: tuned by hand, from " + tunedFile.orElseThrow()
                    : "Thresholds: CPM's, as calibrated in the run");
            stdout.printf(Locale.ROOT, "Exits: %s, then the backbone head; %d classes; input %d×%d×%d%n",
                    String.join(", ", manifest.exitVertices()), manifest.classNames().size(),
                    manifest.inputChannels(), manifest.inputHeight(), manifest.inputWidth());
            stdout.flush();
            return 0;
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("could not read " + out + ": " + e.getMessage(), e);
        }
    }

    /** @return the ONNX shape asked for, or null for the zip */
    private OnnxCascadeExport.Shape shape() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "zip" -> null;
            case "onnx" -> OnnxCascadeExport.Shape.SEGMENTS;
            case "onnx-single" -> OnnxCascadeExport.Shape.SINGLE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format must be zip, onnx or "
                    + "onnx-single, was '" + format + "'");
        };
    }

    private void printOnnx(OnnxCascadeExport.Result result, String runId, String thresholdsFrom) {
        OnnxManifest manifest = result.manifest();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "Exported the %s cascade of run %s as ONNX (%s) to %s in %.1f s (%,d bytes)%n",
                manifest.provenance().mode(), runId, manifest.shape(), out, result.seconds(), result.totalBytes());
        result.sizes().forEach((file, size) -> stdout.printf(Locale.ROOT, "  %-32s %,12d bytes%n", file, size));
        stdout.println("Thresholds: " + thresholdsFrom);
        stdout.printf(Locale.ROOT, "Exits: %s, then the backbone head; %d classes; input pixels 0..255, %d×%d×%d "
                + "(NCHW)%n", String.join(", ", manifest.exits().stream().map(OnnxManifest.Exit::vertex).toList()),
                manifest.classNames().size(), manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth());
        stdout.printf(Locale.ROOT, "Checked with ONNX Runtime %s on %d test images: largest difference from DL4J "
                + "%.2g (allowed %.0e); %d of %d images take the same exit and class%n", manifest.check().onnxRuntime(),
                manifest.check().images(), manifest.check().worstDifference().values().stream()
                        .mapToDouble(Double::doubleValue).max().orElse(0), manifest.check().tolerance(),
                manifest.check().cascadeAgrees(), manifest.check().images());
        stdout.flush();
    }

    private BranchTrainingMode parseMode() {
        try {
            return ExperimentConfig.parseMode(mode);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mode: " + e.getMessage(), e);
        }
    }
}
