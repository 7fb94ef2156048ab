package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.Split;
import org.exitbench.experiment.SampleBackbone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exitbench run}, as a user would type it. */
@Tag("slow")
class RunCommandTest {

    @TempDir
    Path dir;

    private static CommandLineRun exitbench(String... args) {
        return CommandLineRun.of(args);
    }

    @Test
    void printsBoostedAndNonBoostedSideBySideAndSavesTheRun() throws IOException {
        Path config = dir.resolve("quick.json");
        Files.writeString(config, """
                {"exitPoints": ["stage1", "stage2"], "training": {"epochs": 2},
                 "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""");
        Path workspace = SampleBackbone.workspace().root();
        // The exit points of the pipeline test, so both reuse one feature cache.
        CommandLineRun run = exitbench("run", "--data", SampleBackbone.SAMPLE.toString(), "--config",
                config.toString(), "--backbone", SampleBackbone.file().toString(), "--workspace", workspace.toString(),
                "--modes", "boosted,non-boosted");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Backbone: Small ResNet"), run.out());
        String header = lines.stream().filter(l -> l.contains("boosted")).findFirst().orElseThrow();
        assertTrue(header.matches("\\s+boosted\\s+non-boosted"), header);
        for (String row : List.of("test accuracy", "accuracy drop (points)", "compute reduction", "exits at stage1",
                "reaches the backbone head", "training time")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(row)), row + " in\n" + run.out());
        }
        String saved = lines.get(lines.size() - 1);
        assertTrue(saved.startsWith("Run saved in " + workspace.resolve("runs")), saved);
        assertTrue(Files.isRegularFile(Path.of(saved.substring("Run saved in ".length())).resolve("metrics.json")));
        assertTrue(lines.contains("At the training margin (CPM m = 0.000, multiplicative):"), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("At the accuracy budget (the margin that saves the most"
                + " compute losing at most 2.0 points on validation")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("margin m\\s+\\d\\.\\d{3}\\s+\\d\\.\\d{3}")), run.out());
    }

    @Test
    void theTrainingMarginIsComparedWithTheAccuracyBudgetAndAWarningSaysWhenItLosesMore() throws IOException {
        Path config = dir.resolve("paper.json");
        Files.writeString(config, """
                {"exitPoints": ["stage1", "stage2"], "training": {"epochs": 2}}""");
        Path workspace = SampleBackbone.workspace().root();
        // The paper's m = 0.20 (additive) lets the sample's branches take far more images than they get right.
        CommandLineRun run = exitbench("run", "--data", SampleBackbone.SAMPLE.toString(), "--config",
                config.toString(), "--backbone", SampleBackbone.file().toString(), "--workspace", workspace.toString(),
                "--modes", "boosted", "--budget", "1.5");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("At the training margin (CPM m = 0.200, additive):"), run.out());
        String drop = lines.stream().filter(l -> l.startsWith("accuracy drop (points)")).findFirst().orElseThrow();
        double lost = Double.parseDouble(drop.substring(drop.lastIndexOf(' ') + 1));
        assertTrue(lost > 1.5, "the paper's margin loses more than the budget here: " + drop);
        String budgetDrop = lines.stream().filter(l -> l.startsWith("accuracy drop (points)")).skip(1).findFirst()
                .orElseThrow();
        assertTrue(run.out().contains("Warning: at the training margin (CPM m = 0.200, additive) the boosted cascade "
                + "loses " + String.format(java.util.Locale.ROOT, "%.2f", lost) + " points of test accuracy, more than "
                + "the 1.5-point budget. At m = "), run.out());
        assertTrue(Double.parseDouble(budgetDrop.substring(budgetDrop.lastIndexOf(' ') + 1)) < lost, budgetDrop);

        CommandLineRun negative = exitbench("run", "--data", SampleBackbone.SAMPLE.toString(), "--budget", "-1",
                "--workspace", dir.resolve("ws").toString());
        assertEquals(2, negative.exitCode());
        assertTrue(negative.err().contains("--budget: the accuracy budget must be 0 or more points, was -1.0"),
                negative.err());
    }

    @Test
    void aBadConfigValueIsNamedAndNothingRuns() throws IOException {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{\"cpm\": {\"margin\": 1.5}}");
        CommandLineRun run = exitbench("run", "--config", config.toString(), "--workspace",
                dir.resolve("ws").toString());
        assertEquals(1, run.exitCode(), "bad input in a file, not a misuse of the command line");
        assertTrue(run.err().contains("error: " + config + ": cpm.margin: must be in [-1, 1], was 1.5"), run.err());
        assertFalse(run.err().contains("Usage:"), "no usage text for a bad value in a file: " + run.err());
        assertFalse(Files.exists(dir.resolve("ws")));
    }

    @Test
    void theProtocolOptionsAreCheckedNamingTheFieldsTheySet() {
        CommandLineRun run = exitbench("run", "--margin", "-1.5", "--calibration-fraction", "0.95",
                "--epoch-length", "-2", "--valid-fraction", "0.9", "--workspace", dir.resolve("ws").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("cpm.margin: must be in [-1, 1], was -1.5"), run.err());
        assertTrue(run.err().contains("calibrationSplit.fraction: must be 0 (one validation split for early stopping "
                + "and CPM) or 0.1 to 0.9, was 0.95"), run.err());
        assertTrue(run.err().contains("training.updatesPerEpoch: must be -1 (one pass over the training split), 0 "
                + "(one pass over a branch's own rows) or up to 100000, was -2"), run.err());
        assertTrue(run.err().contains("calibrationSplit.validationFraction: must be 0.02 to 0.5 (the share of each "
                + "training class carved off as validation when the dataset has none), was 0.9"), run.err());
        assertFalse(Files.exists(dir.resolve("ws")));
    }

    @Test
    void anUnknownModeIsNamed() {
        CommandLineRun run = exitbench("run", "--modes", "boosted,fast", "--workspace", dir.resolve("ws").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--modes: \"fast\" is not a mode; use boosted, non-boosted, soft"), run.err());
    }

    @Test
    void withoutABackboneItSaysWhichCommandCreatesOne() {
        Path data = DatasetFixtures.imageFolder(dir.resolve("shapes"), List.of("circle", "square"),
                Map.of(Split.TRAIN, 2, Split.VALID, 2, Split.TEST, 2), 8, 8, List.of());
        CommandLineRun run = exitbench("run", "--data", data.toString(), "--workspace", dir.resolve("ws").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("error: no backbone: " + data.resolve("backbone.zip") + " does not exist. "
                + "Train one with"), run.err());
        assertTrue(run.err().contains("exitbench backbone train --data " + data), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aMissingDatasetIsNamedAsSuch() {
        Path nowhere = dir.resolve("nonexistent");
        CommandLineRun run = exitbench("run", "--data", nowhere.toString(), "--workspace",
                dir.resolve("ws").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("error: no such dataset: " + nowhere.toAbsolutePath() + " does not exist"),
                run.err());
        assertFalse(run.err().contains("backbone"), run.err());
    }
}
