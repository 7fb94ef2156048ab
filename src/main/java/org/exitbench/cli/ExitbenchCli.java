package org.exitbench.cli;

import org.exitbench.store.SerialFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code exitbench} command line: thin picocli commands over the engine, with no logic of their own. */
@Command(name = "exitbench", mixinStandardHelpOptions = true, versionProvider = ExitbenchVersion.class,
        description = "Workbench for early-exit image classifiers (BTS-EE, CPM calibration).",
        subcommands = {DataCommand.class, BackboneCommand.class, RunCommand.class, SweepCommand.class,
            ExportCommand.class, PredictCommand.class, SpeedupCommand.class, CacheCommand.class,
            ExitRulesCommand.class, TryImageCommand.class})
public final class ExitbenchCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** @return a command line configured with every subcommand, ready to execute */
    public static CommandLine commandLine() {
        return new CommandLine(new ExitbenchCli()).setExecutionExceptionHandler(CliErrors.HANDLER);
    }

    public static void main(String[] args) {
        // Before anything reads a file: no Java object is ever deserialized in this process.
        SerialFilter.install();
        System.exit(commandLine().execute(args));
    }
}
