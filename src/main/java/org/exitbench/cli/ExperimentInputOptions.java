package org.exitbench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data} and {@code --backbone}, what a run or a sweep trains on, shared as a picocli mixin by
 * {@code run} and {@code sweep}. Both default to the bundled sample and the backbone stored beside a dataset.
 */
final class ExperimentInputOptions {

    /** The dataset when none is given (and, for run, the configuration names none). */
    static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");

    @Option(names = "--data", paramLabel = "<dir>",
            description = "The dataset (default: sample-data/fashion-mnist; for run, the configuration's "
                    + "\"dataset\" when it has one).")
    Path data;

    @Option(names = "--backbone", paramLabel = "<model.zip>",
            description = "A backbone trained with 'exitbench backbone train' (default: <data>/backbone.zip).")
    Path backbone;

    /** @return the dataset given, or the sample */
    Path dataOrSample() {
        return data != null ? data : SAMPLE;
    }
}
