package org.exitbench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code exitbench backbone}: train backbones and look at saved ones. */
@Command(name = "backbone", mixinStandardHelpOptions = true,
        description = "Train a backbone CNN, show what a saved one is, or import an ONNX model.",
        subcommands = {BackboneTrainCommand.class, BackboneInfoCommand.class, BackboneImportCommand.class})
final class BackboneCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
