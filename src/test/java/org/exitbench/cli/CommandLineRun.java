package org.exitbench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * What one run of the {@code exitbench} command line printed and returned, as a user would see it.
 *
 * @param exitCode the process exit code
 * @param out      standard output
 * @param err      standard error
 */
record CommandLineRun(int exitCode, String out, String err) {

    /** Runs {@code exitbench args…} in this JVM and captures both streams. */
    static CommandLineRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ExitbenchCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CommandLineRun(code, out.toString(), err.toString());
    }
}
