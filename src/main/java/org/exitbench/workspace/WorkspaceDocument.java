package org.exitbench.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Objects;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * The {@code workspace.json} of a workspace: its name, the dataset it studies, the backbone choice, the settings of
 * the next training run and which run the panes show. Written by {@link Workspace} whenever a setting changes.
 *
 * @param name       what the top bar calls the workspace
 * @param dataset    the dataset folder, absolute
 * @param backbone   which backbone the branches attach to
 * @param experiment the experiment settings as {@link ExperimentConfig#toJson()} writes them (its dataset and
 *                   backbone fields are ignored: {@code dataset} and {@code backbone} decide them)
 * @param shownRun   the id of the run the panes show, or {@code null}
 * @param shownMode  the training mode of that run whose cascade the thresholds act on ("boosted"), or {@code null}
 */
public record WorkspaceDocument(String name, String dataset, BackboneSettings backbone, JsonNode experiment,
        String shownRun, String shownMode) {

    /** The document's format and schema version. */
    public static final JsonDocuments.DocumentType TYPE = JsonDocuments.DocumentType.of("exitbench.workspace", 1);

    public WorkspaceDocument {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(experiment, "experiment");
    }

    /**
     * @param name    the workspace's name
     * @param dataset the dataset folder
     * @return a workspace on {@code dataset} with the dataset's own backbone and the default experiment settings
     */
    public static WorkspaceDocument create(String name, Path dataset) {
        String folder = dataset.toAbsolutePath().normalize().toString();
        return new WorkspaceDocument(name, folder, BackboneSettings.defaults(),
                toNode(ExperimentConfig.defaults().withDataset(folder)), null, null);
    }

    /** @return the dataset folder */
    public Path datasetPath() {
        return Path.of(dataset);
    }

    /**
     * @param file the workspace file, named in the message when the settings are invalid
     * @return the experiment settings, for this workspace's dataset
     * @throws StoreException naming the file and every bad field
     */
    public ExperimentConfig experimentConfig(Path file) {
        try {
            return ExperimentConfig.fromJson(experiment.toString(), "experiment").withDataset(dataset);
        } catch (ConfigException e) {
            throw new StoreException(file, "holds invalid experiment settings: " + e.getMessage(), e);
        }
    }

    public WorkspaceDocument withName(String value) {
        return new WorkspaceDocument(value, dataset, backbone, experiment, shownRun, shownMode);
    }

    public WorkspaceDocument withDataset(Path value) {
        return new WorkspaceDocument(name, value.toAbsolutePath().normalize().toString(), backbone, experiment,
                shownRun, shownMode);
    }

    public WorkspaceDocument withBackbone(BackboneSettings value) {
        return new WorkspaceDocument(name, dataset, value, experiment, shownRun, shownMode);
    }

    public WorkspaceDocument withExperiment(ExperimentConfig value) {
        return new WorkspaceDocument(name, dataset, backbone, toNode(value), shownRun, shownMode);
    }

    public WorkspaceDocument withShownRun(String runId, String mode) {
        return new WorkspaceDocument(name, dataset, backbone, experiment, runId, mode);
    }

    /** @return the settings as a JSON tree, with the format header {@link ExperimentConfig#toJson()} writes */
    static JsonNode toNode(ExperimentConfig config) {
        try {
            return JsonDocuments.newMapper().readTree(config.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read back the experiment settings just written", e);
        }
    }
}
