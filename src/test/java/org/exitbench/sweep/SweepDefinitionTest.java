package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTarget;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.SurvivorFiltering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep definitions: the default grid, how axes combine, and errors that name their field. */
class SweepDefinitionTest {

    @Test
    void theDefaultIsSixtyFourConfigurationsInTwoModesOverThreeSeeds() {
        SweepDefinition d = SweepDefinition.defaults();
        List<SweepConfiguration> configurations = d.configurations("data", null);
        assertEquals(64, configurations.size());
        assertEquals(64, d.configurationCount());
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), d.modes());
        assertEquals(BranchTrainingMode.NON_BOOSTED, d.baseline());
        assertEquals(List.of(1L, 2L, 3L), d.seeds());
        assertEquals(List.of(1.0, 2.0, 5.0), d.budgets());
        assertEquals("c01", configurations.get(0).id());
        assertEquals("c64", configurations.get(63).id());
        assertEquals(64, new HashSet<>(configurations.stream().map(SweepConfiguration::key).toList()).size(),
                "every configuration is a different experiment");

        // The first axis varies slowest, the last fastest.
        assertEquals(Map.of("exits", "stage1+stage2", "filters", "4", "recipe", "argmax, m 0.20"),
                configurations.get(0).labels());
        assertEquals("argmax, m 0", configurations.get(1).labels().get("recipe"));
        assertEquals("16", configurations.get(4).labels().get("filters"));
        assertEquals("stage1+stage3", configurations.get(16).labels().get("exits"));

        ExperimentConfig last = configurations.get(63).config();
        assertEquals(List.of("stage1", "stage2", "stage3"), last.exitPoints());
        assertEquals(64, last.branch().filters());
        assertEquals(SurvivorFiltering.CROSS_FITTED, last.training().survivorFiltering());
        assertEquals(0.2, last.cpm().margin());
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), last.training().modes());
        ExperimentConfig distilled = configurations.get(2).config();
        assertEquals(BranchTarget.DISTILLATION, distilled.training().target());
        assertEquals(4.0, distilled.training().temperature());
        assertEquals("data", distilled.dataset());
    }

    @Test
    void aFileOverridesOnlyWhatItGivesAndRoundTrips(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sweep.json");
        Files.writeString(file, """
                {"name": "margins",
                 "base": {"exitPoints": ["stage1", "stage2"], "training": {"epochs": 3}},
                 "axes": [{"name": "margin", "field": "cpm.margin", "values": [0.05, 0.2]},
                          {"name": "form", "variants": [
                              {"label": "add", "set": {"cpm": {"marginForm": "additive"}}},
                              {"label": "mult", "set": {"cpm": {"marginForm": "multiplicative"}}}]}],
                 "modes": ["boosted", "non-boosted", "soft"],
                 "seeds": [7]}""");
        SweepDefinition d = SweepDefinition.read(file);
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.SOFT), d.comparedModes());
        assertEquals(SweepDefinition.defaults().margins(), d.margins(), "left out: the default's");
        List<SweepConfiguration> c = d.configurations("data", "bb.zip");
        assertEquals(4, c.size());
        assertEquals(MarginForm.MULTIPLICATIVE, c.get(3).config().cpm().marginForm());
        assertEquals(0.2, c.get(3).config().cpm().margin());
        assertEquals(3, c.get(3).config().training().epochs());
        assertEquals("bb.zip", c.get(3).config().backbone());
        assertEquals("margin = 0.2, form = mult", c.get(3).describe());

        SweepDefinition again = SweepDefinition.fromJson(d.toJson(), "written");
        assertEquals(d, again);
        assertEquals(c.get(3).key(), again.configurations("elsewhere", null).get(3).key(),
                "results are keyed by what decides them, not by where the data lies");
    }

    @Test
    void theKeyChangesWithAnythingThatChangesTheResults() {
        SweepDefinition d = SweepDefinition.defaults();
        SweepConfiguration first = d.configurations("data", null).get(0);
        ExperimentConfig other = ExperimentConfig.fromJson(first.config().toJson().replace("\"epochs\" : 15",
                "\"epochs\" : 14"), null);
        assertNotEquals(first.key(), SweepConfiguration.key(other, d.margins()));
        assertNotEquals(first.key(), SweepConfiguration.key(first.config(), List.of(0.0, 0.1)));
        assertEquals(first.key(), SweepConfiguration.key(first.config().withSeed(99), d.margins()),
                "the seed is stored next to the key");
    }

    @Test
    void badValuesAreNamedByAxisAndField() {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"axes": [{"name": "filters", "field": "branch.filters", "values": [8]},
                          {"name": "t", "variants": [{"label": "x", "set": {"training": {"target": "guess"}}}]}],
                 "baseline": "soft", "margins": [0.1, 0.05], "budgets": [0]}""", "s.json"));
        List<String> problems = List.of(e.getMessage().substring("s.json: ".length()).split("; "));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("axes[1].variants[0] (x): training.target: "
                + "\"guess\" is not one of backbone-argmax")), problems.toString());
        assertTrue(problems.contains("baseline: must be one of the modes (boosted, non-boosted), was soft"),
                problems.toString());
        assertTrue(problems.contains("margins[1]: margins must be strictly increasing, 0.05 follows 0.1"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("budgets: must list accuracy losses")),
                problems.toString());
    }

    @Test
    void anOutOfRangeValueNamesTheFirstConfigurationWithItOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"axes": [{"name": "filters", "field": "branch.filters", "values": [8, 0]},
                          {"name": "kernel", "field": "branch.kernel", "values": [3, 5]}]}""", "s.json"));
        assertEquals("s.json: configuration c03 (filters = 0, kernel = 3) and 1 more: branch.filters: must be 1 to "
                + "1024, was 0", e.getMessage());
    }

    @Test
    void unknownFieldsAndInvalidCombinationsAreRefused() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson(
                "{\"axes\": [{\"name\": \"a\", \"feld\": \"seed\", \"values\": [1]}]}", null));
        assertTrue(unknown.getMessage().startsWith("axes[0].feld: unknown field"), unknown.getMessage());

        // Each value is fine on its own; together a conv2d branch lacks the k×k map it needs.
        ConfigException combination = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"axes": [{"name": "type", "field": "branch.type", "values": ["conv1d-channels", "conv2d"]},
                          {"name": "grid", "field": "poolingGrid", "values": [2, 1]}]}""", "s.json"));
        assertTrue(combination.getMessage().contains("configuration c04 (type = conv2d, grid = 1): branch.type: "
                + "a conv2d branch needs a k×k map"), combination.getMessage());

        ConfigException oneMode = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson(
                "{\"modes\": [\"boosted\"], \"baseline\": \"boosted\"}", null));
        assertTrue(oneMode.getMessage().startsWith("modes: must list at least two"), oneMode.getMessage());
    }

    @Test
    void theBuiltInFairTestHasATrainingMarginAxisAndTheFairProtocol() {
        SweepDefinition fair = SweepDefinition.builtIn(SweepDefinition.FAIR).orElseThrow();
        assertEquals("margin", fair.marginAxis());
        assertEquals(2 * 3 * 5, fair.configurationCount());
        List<SweepConfiguration> configurations = fair.configurations("data", null);
        ExperimentConfig first = configurations.get(0).config();
        assertEquals(-0.02, first.cpmSettings().margin(), "negative training margins are on the grid");
        assertEquals(0.5, first.calibration().fraction());
        assertEquals(40, first.epochLength().updates());
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.SOFT, BranchTrainingMode.NON_BOOSTED),
                fair.modes());
        assertEquals(MarginForm.MULTIPLICATIVE, configurations.get(configurations.size() - 1).config().cpm()
                .marginForm());
        assertTrue(SweepDefinition.builtIn("no-such-sweep").isEmpty());
    }

    @Test
    void aVersionOneDocumentIsReadOverTheVersionOneDefaults() {
        SweepDefinition v1 = SweepDefinition.fromJson("""
                {"format": "exitbench.sweep-definition", "formatVersion": 1, "name": "old", "seeds": [1]}""",
                "old.json");
        assertEquals(64, v1.configurationCount());
        assertEquals(null, v1.marginAxis());
        assertEquals(SweepDefinition.defaults().margins(), v1.margins());
        ConfigException e = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"formatVersion": 1, "name": "old", "marginAxis": "recipe"}""", "old.json"));
        assertTrue(e.problems().get(0).startsWith("marginAxis: is a version-2 field"), e.getMessage());
        ConfigException v3 = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"formatVersion": 3, "name": "new"}""", "new.json"));
        assertTrue(v3.getMessage().contains("formatVersion: this Exitbench reads version 2"), v3.getMessage());
    }

    @Test
    void marginsMayBeNegativeAndTheMarginAxisMustNameAnAxis() {
        SweepDefinition d = SweepDefinition.fromJson("""
                {"name": "neg", "margins": [-0.05, 0.0, 0.1], "marginAxis": "recipe"}""", "neg.json");
        assertEquals(-0.05, d.margins().get(0));
        ConfigException e = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"name": "bad", "margins": [-1.5, 0.0], "marginAxis": "nope"}""", "bad.json"));
        assertTrue(e.problems().contains("margins[0]: must be in [-1, 1], was -1.5"), e.getMessage());
        assertTrue(e.problems().contains("marginAxis: \"nope\" names no axis"), e.getMessage());
    }

    /**
     * Issue 17 made the fair protocol the default of experiment configuration version 2; sweep definitions are read
     * over version 1's defaults and keys are written under version 1's header, so the results a sweep folder already
     * holds keep their keys: these are the keys of the trials bench/run-fair-sweep.sh stage1 stored before.
     */
    @Test
    void storedResultsKeepTheirKeysAcrossTheConfigurationVersion() {
        SweepDefinition stage1 = SweepDefinition.read(Path.of("bench", "sweeps", "fair-v2-stage1.json"));
        assertEquals(new HashSet<>(List.of("5d76eab88163", "8d7bb896deeb", "aa6946e2fa76", "b6b72c0bf1de",
                "ccabea343338")), new HashSet<>(stage1.configurations("sample-data/fashion-mnist", null).stream()
                .map(SweepConfiguration::key).toList()));
        SweepConfiguration first = SweepDefinition.defaults().configurations("sample-data/fashion-mnist", null).get(0);
        assertEquals(0.0, first.config().calibration().fraction(), "bts-ee-64 keeps report v1's protocol");
        assertEquals(0, first.config().training().updatesPerEpoch());
    }

    /**
     * Issue 20: a top-level exitRules list becomes an axis on the exit rule; its max-softmax configurations keep the
     * keys the same configurations had without it (stored trials are reused), other rules get keys of their own, and
     * a bad rule is named.
     */
    @Test
    void exitRulesBecomeAnAxisAndMaxSoftmaxKeepsItsKeys() {
        SweepDefinition stage1 = SweepDefinition.read(Path.of("bench", "sweeps", "fair-v2-stage1.json"));
        List<SweepConfiguration> plain = stage1.configurations("sample-data/fashion-mnist", null);
        SweepDefinition withRules = SweepDefinition.fromJson(stage1.toJson().replaceFirst("\\{", """
                {"exitRules": ["max-softmax", "logistic-head+agreement"],"""), "rules.json");
        List<SweepConfiguration> ruled = withRules.configurations("sample-data/fashion-mnist", null);
        assertEquals(2 * plain.size(), ruled.size());
        SweepDefinition.Axis axis = withRules.axes().get(withRules.axes().size() - 1);
        assertEquals(SweepDefinition.EXIT_RULE_AXIS, axis.name());
        assertEquals(SweepDefinition.EXIT_RULE_FIELD, axis.field());
        for (int i = 0; i < plain.size(); i++) {
            SweepConfiguration maxSoftmax = ruled.get(2 * i);
            SweepConfiguration head = ruled.get(2 * i + 1);
            assertEquals("max-softmax", maxSoftmax.labels().get("exitRule"));
            assertEquals(plain.get(i).key(), maxSoftmax.key(), "the stored trial is reused");
            assertEquals(plain.get(i).config(), head.config(), "the rule leaves the training configuration alone");
            assertEquals("logistic-head+agreement", head.exitRule());
            assertNotEquals(plain.get(i).key(), head.key());
        }
        assertEquals(null, plain.get(0).exitRule(), "a definition without rules decides with max-softmax");
        assertEquals(withRules, SweepDefinition.fromJson(withRules.toJson(), "written"), "round trip as an axis");

        ConfigException bad = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"name": "bad", "exitRules": ["temperature", "oracle", "temperature"]}""", "bad.json"));
        assertTrue(bad.problems().stream().anyMatch(p -> p.startsWith("exitRules[1]: \"oracle\" is not a decision "
                + "rule")), bad.getMessage());
        assertTrue(bad.problems().contains("exitRules[2]: \"temperature\" is listed twice"), bad.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> SweepDefinition.fromJson("""
                {"name": "twice", "exitRules": ["temperature"],
                 "axes": [{"name": "rule", "field": "exitRule", "values": ["entropy"]}]}""", "twice.json"));
        assertTrue(twice.getMessage().contains("exitRules: the axes already choose the exit rule"),
                twice.getMessage());
    }
}
