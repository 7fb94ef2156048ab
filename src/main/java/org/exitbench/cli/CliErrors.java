package org.exitbench.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.exitbench.experiment.ConfigException;
import org.exitbench.progress.ExitbenchException;
import picocli.CommandLine;

/**
 * How commands report a problem with the user's input: one readable line on the error stream, no stack trace.
 *
 * <p>Commands let such problems propagate: {@link #HANDLER}, the command line's one execution-exception handler,
 * prints every {@link ExitbenchException} (a file, dataset, checkpoint or experiment at fault), every
 * {@link ConfigException} (a bad value in a configuration file) and every {@link UncheckedIOException} (a file that
 * could not be read or written) as {@code "error: <message>"} and exits with {@link #BAD_INPUT}. Anything else is
 * a programming error and keeps its stack trace.
 */
final class CliErrors {

    /** The exit code of a command that stopped on bad input (picocli uses 2 for bad options). */
    static final int BAD_INPUT = 1;

    /** The execution-exception handler of {@link ExitbenchCli#commandLine()}. */
    static final CommandLine.IExecutionExceptionHandler HANDLER = (exception, commandLine, parsed) -> {
        if (!(exception instanceof ExitbenchException || exception instanceof ConfigException
                || exception instanceof UncheckedIOException)) {
            throw exception;
        }
        ConsoleProgress.endOpenLine(commandLine.getErr());
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getColorScheme().errorText("error: " + exception.getMessage()));
        err.flush();
        return BAD_INPUT;
    };

    private CliErrors() {
    }
}
