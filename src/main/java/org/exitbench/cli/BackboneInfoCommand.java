package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.model.onnx.OnnxBackbone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code exitbench backbone info <model.zip>}: what a saved backbone is and how it was made. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print what a saved backbone is: architecture, classes, parameters, normalisation, exit "
                + "points with their multiply-accumulate counts, and how it was made.",
                "Loads the parameters and checks them against the fingerprint saved with them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the backbone was read", "1:the file is missing, corrupt or not an Exitbench backbone",
                "2:wrong command-line options"})
final class BackboneInfoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<model.zip>", description = "A backbone saved by 'backbone train', or an "
            + "ONNX model (.onnx) with Exitbench's metadata ('backbone import --out').")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (ExperimentPipeline.isOnnx(file)) {
            return onnx(out);
        }
        TrainedBackbone backbone = BackboneFile.load(file, false);
        print(out, backbone, backbone.spec().describe(), "verified");
        return 0;
    }

    /** An imported ONNX model: what 'backbone import' wrote into it, and its MACs at the exits. */
    private int onnx(PrintWriter out) {
        OnnxBackbone backbone = OnnxBackbone.load(file);
        print(out, backbone, backbone.describe(), null);
        return 0;
    }

    /** What both kinds of backbone tell: parameters only where DL4J counts them. */
    private void print(PrintWriter out, Backbone backbone, String description, String fingerprintNote) {
        out.printf("File:          %s%n", file);
        out.printf("Backbone:      %s%n", description);
        if (backbone instanceof TrainedBackbone trained) {
            out.printf(Locale.ROOT, "Parameters:    %,d%n", trained.graph().numParams());
        }
        out.printf("Classes:       %s%n", String.join(", ", backbone.classNames()));
        out.printf(Locale.ROOT, "Normalisation: mean %s, std %s%n", rounded(backbone.stats().mean()),
                rounded(backbone.stats().std()));
        out.printf("Exit points:   %s%n", backbone.exitPoints());
        out.printf("Fingerprint:   %s%s%n", backbone.fingerprint(), fingerprintNote == null ? ""
                : " (" + fingerprintNote + ")");
        out.println();
        out.println("Multiply-accumulates per image:");
        out.print(backbone.macTable().toText());
        if (!backbone.provenance().isEmpty()) {
            out.println();
            out.println("Provenance:");
            for (Map.Entry<String, String> entry : backbone.provenance().entrySet()) {
                out.printf("  %-20s %s%n", entry.getKey(), entry.getValue());
            }
        }
        out.flush();
    }

    private static String rounded(double[] values) {
        return Arrays.toString(Arrays.stream(values).map(v -> Math.round(v * 1e4) / 1e4).toArray());
    }
}
