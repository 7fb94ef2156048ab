package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.model.MacTable;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.model.onnx.OnnxGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exitbench backbone import MODEL.onnx --data D}: inspects an ONNX model (a network trained elsewhere,
 * typically exported from PyTorch), lists where exits can attach, checks it against the dataset and, with
 * {@code --out}, writes a self-describing copy that {@code run}, {@code sweep} and the app take as a backbone.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bring your own backbone: inspect an ONNX model, list its candidate exit points (feature maps "
                + "that every path from the input to the output passes through) with the exact MACs before each, "
                + "and check it against a dataset.",
                "Class names and normalisation come from the options or from the model's metadata_props "
                + "(exitbench.classes, exitbench.mean, exitbench.std). With --out, writes the model with all of "
                + "this (and the exits) in its metadata, for 'exitbench run --backbone OUT.onnx' and the app."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the model was inspected (and written)",
                "1:the model or dataset has a problem (the message names the file)",
                "2:wrong command-line options"})
final class BackboneImportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<model.onnx>", description = "An ONNX model with one image input and "
            + "one logits output (e.g. from torch.onnx.export).")
    Path model;

    /** The dataset the backbone will run on; its classes and image size must fit the model. */
    @CommandLine.Mixin
    DataOption dataOption;

    @Option(names = "--exits", split = ",", paramLabel = "<tensor>",
            description = "Exit tensors, shallow to deep (default: the 3 stage ends that split the MACs most evenly).")
    List<String> exits;

    @Option(names = "--input-size", paramLabel = "<HxW>",
            description = "The image size, for a model whose input leaves it dynamic.")
    String inputSize;

    @Option(names = "--classes", split = ",", paramLabel = "<name>",
            description = "Class names, index = logit (default: the model's metadata).")
    List<String> classes;

    @Option(names = "--mean", split = ",", paramLabel = "<m>",
            description = "Per-channel mean of pixel / 255 the model was trained with (default: its metadata).")
    double[] mean;

    @Option(names = "--std", split = ",", paramLabel = "<s>",
            description = "Per-channel standard deviation of pixel / 255 (default: its metadata).")
    double[] std;

    @Option(names = "--layout", paramLabel = "<NCHW|NHWC>",
            description = "The input layout you expect; checked against the graph.")
    OnnxGraph.Layout layout;

    @Option(names = "--out", paramLabel = "<file.onnx>",
            description = "Write the self-describing model here (for --backbone and the app).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter text = spec.commandLine().getOut();
        Path data = dataOption.folder;
        int[] size = inputSize == null ? null : OnnxBackbone.parseSize(model, inputSize);
        OnnxBackbone backbone = OnnxBackbone.load(model, new OnnxBackbone.Settings(size, classes, mean, std, layout,
                exits));
        OnnxGraph graph = backbone.graph();
        text.printf("Model:       %s%n", model);
        text.printf("Input:       %s, %d channel%s, %d×%d%n", graph.input().describe(), graph.input().channels(),
                graph.input().channels() == 1 ? "" : "s", graph.input().height(), graph.input().width());
        text.printf("Output:      %s, %d classes%n", graph.output(), graph.numClasses());
        text.printf(Locale.ROOT, "MACs:        %,d per image (Conv, Gemm, MatMul)%n", graph.totalMacs());
        text.printf("Classes:     %s%n", String.join(", ", backbone.classNames()));
        text.printf("Normalise:   mean %s, std %s%n", java.util.Arrays.toString(backbone.stats().mean()),
                java.util.Arrays.toString(backbone.stats().std()));
        text.println();
        text.println("Candidate exit points ([x] = chosen):");
        text.print(graph.candidatesText(backbone.exitPoints().vertices()));
        text.println();
        MacTable macs = backbone.macTable();
        for (MacTable.ExitMacs exit : macs.exits()) {
            text.printf(Locale.ROOT, "  exit %-44s %,15d MACs %6.1f %%%n", exit.vertex(), exit.cumulativeMacs(),
                    100 * exit.share());
        }
        text.flush();

        Dataset dataset = DatasetReaders.read(data);
        backbone.checkFits(dataset);
        text.printf("%nFits the dataset %s (%d×%d×%d, %d classes).%n", data, dataset.channels(), dataset.height(),
                dataset.width(), dataset.numClasses());
        text.printf("Fingerprint: %s%n", backbone.fingerprint());
        if (out != null) {
            backbone.save(out);
            text.printf("%nWrote %s. Next:%n  exitbench run --data %s --backbone %s%n", out, data, out);
        } else if (classes == null && mean == null && std == null && inputSize == null && exits == null) {
            text.printf("%nNothing written; its metadata says all the rest, so run it as is:%n"
                    + "  exitbench run --data %s --backbone %s%n", data, model);
        } else {
            text.printf("%nNothing written; add --out <file.onnx> to keep the settings given here.%n");
        }
        text.flush();
        return 0;
    }
}
