package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.workspace.BackboneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Training form's branch layers and validation share (issue 17): they reach the experiment, come back from a
 * run's saved configuration, leave older configurations (and so sweep keys) as they were, and a value out of range
 * is refused naming its field.
 */
class TrainingFormTest {

    private static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");

    @TempDir
    Path temp;

    private static TrainingForm formOn(ExperimentConfig config) {
        TrainingForm form = new TrainingForm();
        form.load(BackboneSettings.defaults(), config.withDataset(SAMPLE.toString()), SAMPLE);
        return form;
    }

    @Test
    void layersAndValidationShareReachTheExperiment() {
        TrainingForm form = formOn(ExperimentConfig.defaults());
        assertEquals(1, form.layersProperty().get());
        assertEquals(0.1, form.validationFractionProperty().get(), 1e-12, "the readers' share when none is named");
        int[] changes = {0};
        form.addChangeListener(() -> changes[0]++);

        form.layersProperty().set(2);
        form.validationFractionProperty().set(0.2);
        assertEquals(2, changes[0], "each control marks the settings changed (the workspace saves them)");

        ExperimentConfig config = form.experiment(SAMPLE, null);
        assertEquals(2, config.branch().layers());
        assertEquals(2, config.branchSpec().layers());
        assertEquals(0.2, config.calibrationSplit().validationFraction(), 1e-12);
        assertEquals(0.2, config.readOptions().validationFraction(), 1e-12, "the share the dataset is read with");
        assertEquals(ExperimentConfig.defaults().calibrationSplit().fraction(), config.calibrationSplit().fraction(),
                "the calibration share beside it is untouched");
    }

    @Test
    void aConfigurationWithoutThemKeepsItsJsonAndSoItsSweepKey() {
        ExperimentConfig old = ExperimentConfig.defaults().withDataset(SAMPLE.toString());
        ExperimentConfig config = formOn(old).experiment(SAMPLE, null);
        assertNull(config.branch().layers(), "one layer is left out of the JSON");
        assertNull(config.calibrationSplit().validationFraction(), "the readers' default is left out of the JSON");
        assertFalse(config.toJson().contains("layers") || config.toJson().contains("validationFraction"),
                config.toJson());
        assertEquals(old.toJson(), config.toJson());
    }

    @Test
    void theValuesComeBackFromARunsSavedConfiguration() throws IOException {
        TrainingForm form = formOn(ExperimentConfig.defaults());
        form.layersProperty().set(2);
        form.validationFractionProperty().set(0.3);
        form.calibrationFractionProperty().set(0.4);
        Path saved = temp.resolve(ExperimentRun.CONFIG);
        Files.writeString(saved, form.experiment(SAMPLE, null).toJson());

        ExperimentConfig read = ExperimentConfig.read(saved);
        TrainingForm shown = formOn(read);
        assertEquals(2, shown.layersProperty().get());
        assertEquals(0.3, shown.validationFractionProperty().get(), 1e-12);
        assertEquals(0.4, shown.calibrationFractionProperty().get(), 1e-12);
        assertEquals(read, shown.experiment(SAMPLE, null), "shown and turned back, the run's settings are the same");

        // A run that named the default share explicitly keeps naming it.
        ExperimentConfig explicit = ExperimentConfig.defaults().withValidationFraction(0.1);
        assertEquals(0.1, formOn(explicit).experiment(SAMPLE, null).calibrationSplit().validationFraction(), 1e-12);
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheirFields() {
        TrainingForm form = formOn(ExperimentConfig.defaults());
        form.layersProperty().set(3);
        form.validationFractionProperty().set(0.7);
        ConfigException error = assertThrows(ConfigException.class, () -> form.experiment(SAMPLE, null));
        assertTrue(error.getMessage().contains("branch.layers: must be 1 to 2, was 3"), error.getMessage());
        assertTrue(error.getMessage().contains("calibrationSplit.validationFraction: must be 0.02 to 0.5"),
                error.getMessage());
        assertEquals(ExperimentConfig.defaults().withDataset(SAMPLE.toString()), form.experimentForSaving(SAMPLE),
                "the workspace keeps its last valid settings");
    }
}
