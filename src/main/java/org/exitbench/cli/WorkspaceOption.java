package org.exitbench.cli;

import java.nio.file.Path;
import org.exitbench.workspace.Workspace;
import picocli.CommandLine.Option;

/**
 * {@code --workspace}, shared by the commands that write into a workspace ({@code run}, {@code sweep}) as a picocli
 * mixin, so the option reads and defaults the same everywhere.
 */
final class WorkspaceOption {

    @Option(names = "--workspace", paramLabel = "<dir>", defaultValue = "exitbench-workspace",
            description = "The workspace: where the feature cache, the runs and the sweeps are kept; the app opens "
                    + "the same folder and lists the runs written here (default: ${DEFAULT-VALUE}).")
    Path folder;

    /** @return the workspace the option names */
    Workspace workspace() {
        return Workspace.at(folder);
    }
}
