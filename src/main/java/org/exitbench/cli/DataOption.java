package org.exitbench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data}, the dataset a command reads, shared as a picocli mixin by the commands that need one
 * ({@code backbone train}, {@code speedup}). {@code run} and {@code sweep} take theirs from
 * {@link ExperimentInputOptions}, where it has a default.
 */
final class DataOption {

    @Option(names = "--data", required = true, paramLabel = "<dir>",
            description = "The dataset: an ImageFolder (train/ valid/ test/ <class>/), CIFAR-10 binary batches or "
                    + "MNIST-style IDX files.")
    Path folder;
}
