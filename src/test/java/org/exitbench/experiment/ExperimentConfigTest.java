package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.Split;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.BranchTrainingSettings;
import org.exitbench.train.EpochLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiment configuration files: defaults, partial files, round trips, and messages that name the field. */
class ExperimentConfigTest {

    private static ConfigException rejected(String json) {
        return assertThrows(ConfigException.class, () -> ExperimentConfig.fromJson(json, "my.json"));
    }

    @Test
    void anEmptyObjectIsTheDefaults() {
        ExperimentConfig config = ExperimentConfig.fromJson("{}", null);
        assertEquals(ExperimentConfig.defaults(), config);
        assertEquals(BranchSpec.defaults(), config.branchSpec());
        assertEquals(CpmSettings.defaults(), config.cpmSettings());
        assertEquals(BranchTrainingSettings.defaults(), config.trainingSettings(BranchTrainingMode.BOOSTED));
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), config.training().modes());
    }

    /** Issue 17: the fair protocol is the default of version 2. */
    @Test
    void theDefaultsDivideTheValidationSplitAndEqualiseUpdates() {
        ExperimentConfig config = ExperimentConfig.defaults();
        assertEquals(CalibrationSplit.of(0.5), config.calibration());
        assertEquals(EpochLength.fullSplit(), config.epochLength());
        assertTrue(config.toJson().contains("\"formatVersion\" : 2"), config.toJson());
        assertEquals(config, ExperimentConfig.fromJson("{\"formatVersion\": 2}", null));
    }

    /**
     * The migration: a document of version 1 (every run, workspace and configuration saved before issue 17 made
     * the fair protocol the default) keeps the meaning it was written with when it leaves the new fields out.
     */
    @Test
    void aVersionOneDocumentIsReadOverVersionOnesDefaults() throws Exception {
        ExperimentConfig old = ExperimentConfig.fromJson("""
                {"format": "exitbench.experiment-config", "formatVersion": 1, "cpm": {"margin": 0.05}}""", "old.json");
        assertEquals(CalibrationSplit.off(), old.calibration());
        assertEquals(EpochLength.onePass(), old.epochLength());
        assertEquals(0.05, old.cpm().margin());
        assertEquals(ExperimentConfig.defaults(1).withCalibrationFraction(0.5).withUpdatesPerEpoch(40),
                ExperimentConfig.fromJson("""
                        {"formatVersion": 1, "calibrationSplit": {"fraction": 0.5},
                         "training": {"updatesPerEpoch": 40}}""", null), "fields given are kept");
        // Written again it says so explicitly, under the current version, and reads back equal.
        String again = old.toJson();
        assertTrue(again.contains("\"formatVersion\" : 2"), again);
        assertEquals(old, ExperimentConfig.fromJson(again, null));
        // The run shipped with the sample was written as version 1 before the fields existed.
        Path shipped = Path.of("sample-data", "fashion-mnist", "demo-run", "config.json");
        assertTrue(Files.readString(shipped).contains("\"formatVersion\" : 1"));
        assertEquals(CalibrationSplit.off(), ExperimentConfig.read(shipped).calibration());
        assertEquals(EpochLength.onePass(), ExperimentConfig.read(shipped).epochLength());
        assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.defaults(3));
    }

    @Test
    void aPartialFileOverridesOnlyWhatItGives() {
        ExperimentConfig config = ExperimentConfig.fromJson("""
                {"cpm": {"margin": 0.05, "marginForm": "multiplicative"},
                 "training": {"modes": ["soft", "Non_Boosted"], "epochs": 3},
                 "branch": {"type": "conv2d", "pooling": "global-max"}, "poolingGrid": 2}""", null);
        assertEquals(0.05, config.cpm().margin());
        assertEquals(MarginForm.MULTIPLICATIVE, config.cpm().marginForm());
        assertEquals(CpmSettings.DEFAULT_MINIMUM_SUPPORT, config.cpm().minimumSupport());
        assertEquals(List.of(BranchTrainingMode.SOFT, BranchTrainingMode.NON_BOOSTED), config.training().modes());
        assertEquals(3, config.training().epochs());
        assertEquals(BranchTrainingSettings.defaults().learningRate(), config.training().learningRate());
        assertEquals(new BranchSpec(BranchType.CONV2D, BranchSpec.defaults().filters(), 3, BranchPooling.GLOBAL_MAX),
                config.branchSpec());
    }

    @Test
    void aTwoLayerBranchIsReadWrittenAndCheckedAndOneLayerWritesNoLayersField() {
        ExperimentConfig deep = ExperimentConfig.fromJson("""
                {"branch": {"filters": 24, "layers": 2}}""", null);
        assertEquals(BranchSpec.of(BranchType.CONV1D_CHANNELS, 24, 3).withLayers(2), deep.branchSpec());
        assertEquals(deep, ExperimentConfig.fromJson(deep.toJson(), null));
        // One layer, given or not, is the same configuration and leaves the JSON (and so sweep keys) unchanged.
        ExperimentConfig one = ExperimentConfig.fromJson("""
                {"branch": {"layers": 1}}""", null);
        assertEquals(ExperimentConfig.defaults(), one);
        assertTrue(!one.toJson().contains("layers"), one.toJson());
        assertEquals(List.of("branch.layers: must be 1 to 2, was 3"), rejected("""
                {"branch": {"layers": 3}}""").problems());
    }

    @Test
    void theValidationFractionSizesTheCarvedValidationSplitAndIsOnlyWrittenWhenSet(@TempDir Path dir) {
        Path data = DatasetFixtures.imageFolder(dir.resolve("shapes"), List.of("circle", "square"),
                Map.of(Split.TRAIN, 40, Split.TEST, 4), 8, 8, List.of());
        ExperimentConfig config = ExperimentConfig.fromJson("""
                {"calibrationSplit": {"validationFraction": 0.25}}""", null);
        assertEquals(0.25, config.readOptions().validationFraction());
        assertEquals(config, ExperimentConfig.fromJson(config.toJson(), null));
        Dataset carved = DatasetReaders.read(data, config.readOptions(), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(2 * 10, carved.split(Split.VALID).size(), "a quarter of 40 images per class");
        assertEquals(2 * 4, DatasetReaders.read(data, ExperimentConfig.defaults().readOptions(),
                ProgressListener.NONE, CancellationToken.NEVER).split(Split.VALID).size(), "10 % by default");
        assertTrue(!ExperimentConfig.defaults().toJson().contains("validationFraction"));
        assertEquals(config.withValidationFraction(0.25), config);
    }

    @Test
    void writtenJsonReadsBackEqualAndUsesKebabCaseNames(@TempDir Path dir) throws Exception {
        ExperimentConfig config = ExperimentConfig.defaults().withBackbone("models/b.zip")
                .withModes(List.of(BranchTrainingMode.NON_BOOSTED));
        String json = config.toJson();
        assertTrue(json.contains("\"non-boosted\""), json);
        assertTrue(json.contains("\"format\" : \"exitbench.experiment-config\""), json);
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        assertEquals(config, ExperimentConfig.read(file));
    }

    @Test
    void outOfRangeValuesNameTheirFields() {
        ConfigException error = rejected("""
                {"cpm": {"margin": 1.5, "minimumSupport": 0}, "training": {"epochs": 0, "learningRate": -1,
                 "modes": []}, "branch": {"kernel": 4}, "poolingGrid": 9}""");
        assertEquals(List.of("poolingGrid: must be 1 to 8, was 9",
                "branch.kernel: must be odd, 1 to 9, was 4",
                "training.modes: must list at least one of boosted, non-boosted, soft",
                "training.learningRate: must be a positive number, was -1.0",
                "training.epochs: must be 1 to 100000, was 0",
                "cpm.margin: must be in [-1, 1], was 1.5",
                "cpm.minimumSupport: must be at least 1, was 0"), error.problems());
        assertTrue(error.getMessage().startsWith("my.json: poolingGrid: must be 1 to 8, was 9; "),
                error.getMessage());
    }

    @Test
    void unknownFieldsAreRefusedWithTheirPath() {
        ConfigException error = rejected("{\"training\": {\"epoch\": 3}}");
        assertTrue(error.getMessage().startsWith("my.json: training.epoch: unknown field (known here: batchSize,"),
                error.getMessage());
        assertTrue(rejected("{\"margin\": 0.1}").getMessage().startsWith("my.json: margin: unknown field"));
    }

    @Test
    void wrongTypesAndEnumValuesNameTheirFields() {
        assertEquals(List.of("training.modes[1]: \"fast\" is not one of boosted, non-boosted, soft"),
                rejected("{\"training\": {\"modes\": [\"boosted\", \"fast\"]}}").problems());
        assertEquals(List.of("training.epochs: expected a whole number, was \"ten\""),
                rejected("{\"training\": {\"epochs\": \"ten\"}}").problems());
        assertEquals(List.of("cpm.margin: expected a number"),
                rejected("{\"cpm\": {\"margin\": null}}").problems());
        assertEquals(List.of("branch.type: a conv1d-tokens branch needs a k×k map, so poolingGrid must be 2 or "
                + "more, was 1"), rejected("{\"branch\": {\"type\": \"conv1d-tokens\"}}").problems());
        assertEquals(List.of("branch.pooling: a conv2d branch pools globally (global-max or global-average), was "
                + "max-stride-2"), rejected("{\"poolingGrid\": 2, \"branch\": {\"type\": \"conv2d\", "
                + "\"pooling\": \"max-stride-2\"}}").problems());
        assertTrue(rejected("{\"cpm\": ").getMessage().startsWith("my.json: not valid JSON"));
        assertEquals(List.of("training.modes: must not contain null"),
                rejected("{\"training\": {\"modes\": [null]}}").problems());
        assertEquals(List.of("formatVersion: this Exitbench reads versions 1 and 2, was 3"),
                rejected("{\"formatVersion\": 3}").problems());
        assertEquals(List.of("training.updatesPerEpoch: must be -1 (one pass over the training split), 0 (one pass "
                + "over a branch's own rows) or up to 100000, was -2"),
                rejected("{\"training\": {\"updatesPerEpoch\": -2}}").problems());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ExperimentConfig.read(dir.resolve("nope.json")));
        assertEquals(dir.resolve("nope.json") + ": the file does not exist", error.getMessage());
    }

    @Test
    void theReadmeExampleIsAValidConfiguration() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```json\n") + "```json\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        ExperimentConfig config = ExperimentConfig.fromJson(example, "README.md");
        assertEquals(List.of("stage1", "stage2"), config.exitPoints());
        assertEquals(16, config.branch().filters());
    }

    @Test
    void modesParseAsTheCommandLineWritesThem() {
        assertEquals(BranchTrainingMode.NON_BOOSTED, ExperimentConfig.parseMode("non-boosted"));
        assertEquals("non-boosted", ExperimentConfig.modeName(BranchTrainingMode.NON_BOOSTED));
        var error = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.parseMode("hard"));
        assertEquals("\"hard\" is not a mode; use boosted, non-boosted, soft", error.getMessage());
    }
}
