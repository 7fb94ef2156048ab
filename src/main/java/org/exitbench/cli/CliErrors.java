package org.exitbench.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** How commands report a problem with the user's input: one readable line on the error stream, no stack trace. */
final class CliErrors {

    /** The exit code of a command that stopped on bad input (picocli uses 2 for bad options). */
    static final int BAD_INPUT = 1;

    private CliErrors() {
    }

    /**
     * Ends any progress line and prints {@code "error: <message>"} on the command's error stream.
     *
     * @return {@link #BAD_INPUT}, for the command to return
     */
    static int report(CommandLine.Model.CommandSpec spec, ConsoleProgress progress, RuntimeException problem) {
        progress.endLine();
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.commandLine().getColorScheme().errorText("error: " + problem.getMessage()));
        err.flush();
        return BAD_INPUT;
    }
}
