package org.exitbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}, shared as a picocli mixin by the commands that draw at random ({@code backbone train},
 * {@code data inspect}, {@code data import-idx}), so it reads, defaults and documents the same everywhere; each
 * command's description says what it draws.
 */
final class SeedOption {

    /** The seed when none is given, as in the workbench's settings. */
    static final String DEFAULT = "42";

    @Option(names = "--seed", paramLabel = "S", defaultValue = DEFAULT,
            description = "Seed of every random draw the command makes: the same seed gives the same result "
                    + "(default: ${DEFAULT-VALUE}).")
    long value;
}
