package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.workspace.BackboneSettings;
import org.exitbench.workspace.BackboneSource;
import org.exitbench.workspace.NewBackboneSettings;
import org.junit.jupiter.api.Test;

/** The Training form with an imported ONNX model as the backbone file: the exit picker's rows and defaults. */
class TrainingFormOnnxTest {

    private static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    private static final Path MODEL = SAMPLE.resolve("onnx").resolve("small-resnet.onnx");
    private static final List<String> DEFAULTS = List.of("/stages/stages.0/Relu_1_output_0",
            "/stages/stages.1/Relu_1_output_0", "/stages/stages.2/Relu_1_output_0");

    @Test
    void anOnnxModelOffersEveryCutWithShapeAndMacShareAndTicksTheDefaults() {
        TrainingForm form = new TrainingForm();
        form.load(new BackboneSettings(BackboneSource.FILE, MODEL.toString(), NewBackboneSettings.defaults()),
                ExperimentConfig.defaults().withDataset(SAMPLE.toString()), SAMPLE);
        List<TrainingForm.ExitChoice> exits = form.exits();
        assertEquals(8, exits.size(), form.exitsNoteProperty().get());
        assertTrue(exits.stream().allMatch(TrainingForm.ExitChoice::detailed));
        assertEquals("32×16×16", exits.get(5).shape());
        assertEquals(0.538, exits.get(5).macShare(), 1e-3);
        assertEquals(DEFAULTS, form.selectedExits());
        // The defaults are what the model gives anyway, so the run names none; another choice is named.
        assertNull(form.experiment(SAMPLE, MODEL).exitPoints());
        exits.get(5).selected().set(false);
        assertEquals(List.of(DEFAULTS.get(0), DEFAULTS.get(2)), form.experiment(SAMPLE, MODEL).exitPoints());
    }

    @Test
    void aBrokenModelLeavesANoteInsteadOfExits() {
        TrainingForm form = new TrainingForm();
        form.load(new BackboneSettings(BackboneSource.FILE, "no-such-model.onnx", NewBackboneSettings.defaults()),
                ExperimentConfig.defaults().withDataset(SAMPLE.toString()), SAMPLE);
        assertTrue(form.exits().isEmpty());
        assertTrue(form.exitsNoteProperty().get().contains("no-such-model.onnx"), form.exitsNoteProperty().get());
    }
}
