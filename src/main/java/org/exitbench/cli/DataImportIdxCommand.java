package org.exitbench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitbench.data.IdxImportRequest;
import org.exitbench.data.IdxImporter;
import org.exitbench.data.IdxReader;
import org.exitbench.progress.CancellationToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code exitbench data import-idx}: writes a seeded, stratified selection of IDX images (MNIST, Fashion-MNIST)
 * as an ImageFolder dataset of PNG files.
 */
@Command(name = "import-idx", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert MNIST-style IDX files into the ImageFolder layout train/ valid/ test/ <class>/ "
                + "<index>.png: a selection drawn with --seed of N images per class and split, padded with zeros (centred).",
                "Train and valid are drawn from --images without overlap; test from --test-images (or, without "
                        + "it, from --images as well, disjoint from train and valid).",
                "Refuses to write into a folder that is not empty."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the dataset was written", "1:bad input or output folder (the message names the file)",
                "2:wrong command-line options"})
final class DataImportIdxCommand implements Callable<Integer> {

    /** Where class names come from. */
    enum ClassNaming { fashion, digits, file }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "<idx>",
            description = "Training images, idx3-ubyte (raw or .gz).")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "<idx>",
            description = "Training labels, idx1-ubyte (raw or .gz).")
    Path labels;

    @Option(names = "--test-images", paramLabel = "<idx>", description = "Test images (t10k), idx3-ubyte.")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "<idx>", description = "Test labels (t10k), idx1-ubyte.")
    Path testLabels;

    @Option(names = "--out", required = true, paramLabel = "<dir>",
            description = "The folder to create; must not exist or be empty.")
    Path out;

    @Option(names = "--train-per-class", required = true, paramLabel = "N", description = "Train images per class.")
    int trainPerClass;

    @Option(names = "--valid-per-class", required = true, paramLabel = "N",
            description = "Validation images per class (0: no valid folder).")
    int validPerClass;

    @Option(names = "--test-per-class", required = true, paramLabel = "N", description = "Test images per class.")
    int testPerClass;

    @Option(names = "--pad-to", paramLabel = "N", defaultValue = "0",
            description = "Pad every image with zeros, centred, to NxN (default: keep the size).")
    int padTo;

    @Mixin
    SeedOption seed;

    @Option(names = "--classes", paramLabel = "fashion|digits|file",
            description = "Class names: Fashion-MNIST's, the digits 0-9, or the classes.txt beside --images "
                    + "(default: classes.txt when present, else fashion when the folder name contains 'fashion', "
                    + "else digits).")
    ClassNaming classes;

    @Mixin
    ProgressOption progressOption;

    @Override
    public Integer call() {
        ConsoleProgress progress = progressOption.on(spec.commandLine().getErr());
        IdxImportRequest request = request(classNames());
        int written = IdxImporter.run(request, progress, CancellationToken.NEVER);
        progress.endLine();
        spec.commandLine().getOut().printf("Wrote %d images of %d classes (%d train, %d valid, %d test per "
                        + "class) to %s%n", written, request.classNames().size(), trainPerClass, validPerClass,
                testPerClass, out.toAbsolutePath().normalize());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private List<String> classNames() {
        Path folder = images.toAbsolutePath().normalize().getParent();
        if (classes == null) {
            return IdxReader.classNamesFor(folder);
        }
        return switch (classes) {
            case fashion -> IdxReader.FASHION_MNIST_CLASSES;
            case digits -> IdxReader.DIGIT_CLASSES;
            case file -> IdxReader.readClassesFile(folder);
        };
    }

    private IdxImportRequest request(List<String> classNames) {
        try {
            return new IdxImportRequest(images, labels, testImages, testLabels, out, classNames, trainPerClass,
                    validPerClass, testPerClass, padTo, seed.value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
