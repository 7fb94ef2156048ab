package org.exitbench.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.DatasetSummary;
import org.exitbench.data.ReadOptions;
import org.exitbench.progress.CancellationToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code exitbench data inspect <path>}: reads a dataset and prints its summary. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Read a dataset and print its classes, image size and per-split, per-class counts.",
                "Reads the ImageFolder layout (train/ valid/ test/ <class>/ images, as CINIC-10), CIFAR-10 binary "
                        + "batches, and MNIST / Fashion-MNIST IDX files (raw or .gz)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the dataset was read", "1:the dataset has a problem (the message names the file)",
                "2:wrong command-line options"})
final class DataInspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<path>", description = "The dataset folder (or one IDX file of it).")
    Path path;

    @Option(names = "--valid-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "Share of each training class carved off as validation when the dataset has no "
                    + "validation split, drawn with --seed (default: ${DEFAULT-VALUE}).")
    double validFraction;

    @Mixin
    SeedOption seed;

    @Option(names = "--skip-corrupt", description = "Skip images that cannot be decoded and list them, instead of "
            + "stopping at the first.")
    boolean skipCorrupt;

    @Option(names = "--resize", paramLabel = "HxW", converter = ImageSizeConverter.class,
            description = "Resize every image to this size, e.g. 32x32 (default: all images must have one size).")
    ImageSize resize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Decoding threads; 0 uses every core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    ProgressOption progressOption;

    @Override
    public Integer call() {
        ReadOptions options;
        try {
            options = new ReadOptions(validFraction, seed.value, skipCorrupt, resize == null ? 0 : resize.height(),
                    resize == null ? 0 : resize.width(), threads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ConsoleProgress progress = progressOption.on(spec.commandLine().getErr());
        Dataset dataset = DatasetReaders.read(path, options, progress, CancellationToken.NEVER);
        spec.commandLine().getOut().print(DatasetSummary.of(dataset).toTable());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** An image size given on the command line as "HxW". */
    record ImageSize(int height, int width) {
    }

    /** Parses "HxW" (e.g. "32x32"). */
    static final class ImageSizeConverter implements CommandLine.ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String value) {
            String[] parts = value.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    int h = Integer.parseInt(parts[0].strip());
                    int w = Integer.parseInt(parts[1].strip());
                    if (h > 0 && w > 0) {
                        return new ImageSize(h, w);
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size HxW such as 32x32");
        }
    }
}
