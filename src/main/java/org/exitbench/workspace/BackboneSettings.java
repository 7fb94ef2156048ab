package org.exitbench.workspace;

import java.nio.file.Path;
import java.util.Objects;
import org.exitbench.experiment.ExperimentPipeline;

/**
 * Which backbone the branches attach to.
 *
 * @param source      the dataset's own {@code backbone.zip}, a chosen file, or a new one trained here
 * @param file        the chosen file (used when {@code source} is {@link BackboneSource#FILE}), or {@code null}
 * @param newBackbone how to train a new one (used when {@code source} is {@link BackboneSource#TRAIN_NEW})
 */
public record BackboneSettings(BackboneSource source, String file, NewBackboneSettings newBackbone) {

    public BackboneSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(newBackbone, "newBackbone");
    }

    /** @return the dataset's own backbone, with the default settings for training a new one */
    public static BackboneSettings defaults() {
        return new BackboneSettings(BackboneSource.DATASET, null, NewBackboneSettings.defaults());
    }

    /**
     * @param dataset the dataset folder
     * @return the file the branches will use, or {@code null} when a new backbone is to be trained
     */
    public Path fileFor(Path dataset) {
        return switch (source) {
            case DATASET -> dataset.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
            case FILE -> file == null || file.isBlank() ? null : Path.of(file);
            case TRAIN_NEW -> null;
        };
    }

    public BackboneSettings withSource(BackboneSource value) {
        return new BackboneSettings(value, file, newBackbone);
    }

    public BackboneSettings withFile(String value) {
        return new BackboneSettings(source, value, newBackbone);
    }

    public BackboneSettings withNewBackbone(NewBackboneSettings value) {
        return new BackboneSettings(source, file, value);
    }
}
