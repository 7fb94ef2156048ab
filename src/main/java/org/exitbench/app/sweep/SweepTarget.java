package org.exitbench.app.sweep;

import java.nio.file.Path;
import java.util.Objects;
import org.exitbench.workspace.Workspace;

/**
 * What a sweep runs on: the open workspace (its feature cache and its {@code sweeps/} folder), the dataset and the
 * backbone.
 *
 * @param workspace     the workspace, where the feature cache is kept
 * @param sweepsFolder  the folder that holds one sweep folder per definition ({@code <workspace>/sweeps})
 * @param dataset       the dataset folder
 * @param backbone      the backbone file, or null for the dataset's {@code backbone.zip}
 */
public record SweepTarget(Workspace workspace, Path sweepsFolder, Path dataset, Path backbone) {

    public SweepTarget {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(sweepsFolder, "sweepsFolder");
        Objects.requireNonNull(dataset, "dataset");
    }

    /**
     * @param definitionName the definition's name
     * @return the sweep folder of that definition: the same name always gives the same folder, so starting again
     *         continues where an earlier run stopped
     */
    public Path folderFor(String definitionName) {
        return sweepsFolder.resolve(definitionName.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
