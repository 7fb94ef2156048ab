package org.exitbench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code exitbench data}: look at datasets and convert them. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Inspect datasets and convert IDX files to the ImageFolder layout.",
        subcommands = {DataInspectCommand.class, DataImportIdxCommand.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
