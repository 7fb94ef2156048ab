package org.exitbench.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --quiet}, shared as a picocli mixin by every command that reports progress, and the one place those
 * commands get their progress line from.
 */
final class ProgressOption {

    @Option(names = {"-q", "--quiet"},
            description = "Print no progress lines on the error stream (results and errors are still printed).")
    boolean quiet;

    /** @return a progress line on {@code err}, or one that prints nothing under {@code --quiet} */
    ConsoleProgress on(PrintWriter err) {
        return new ConsoleProgress(err, !quiet);
    }
}
