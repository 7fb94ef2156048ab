package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.deploy.onnx.OnnxMeasuredSpeedup;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.store.JsonDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exitbench export} and {@code exitbench predict}, as a user would type them. */
@Tag("slow")
class DeployCommandsTest {

    private static Path runFolder;
    private static Path cascade;
    private static final Path SHIRTS = SampleBackbone.SAMPLE.resolve("test").resolve("shirt");

    @BeforeAll
    static void runAndExport(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("quick.json");
        Files.writeString(config, """
                {"exitPoints": ["stage1", "stage2"], "training": {"epochs": 2},
                 "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""");
        Path workspace = SampleBackbone.workspace().root();
        CommandLineRun run = CommandLineRun.of("run", "--data", SampleBackbone.SAMPLE.toString(), "--config",
                config.toString(), "--backbone", SampleBackbone.file().toString(), "--workspace", workspace.toString(),
                "--modes", "boosted");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        runFolder = Path.of(lines.get(lines.size() - 1).substring("Run saved in ".length()));
        cascade = dir.resolve("cascade.zip");
        CommandLineRun export = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                cascade.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("Exported the boosted cascade of run " + runFolder.getFileName() + " to "
                + cascade), export.out());
        assertTrue(export.out().contains("Exits: stage1, stage2, then the backbone head; 10 classes; input 1×32×32"),
                export.out());
    }

    @Test
    void exportRefusesToOverwriteWithoutForce() throws IOException {
        byte[] before = Files.readAllBytes(cascade);
        CommandLineRun again = CommandLineRun.of("export", "--run", runFolder.toString(), "--out", cascade.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains(cascade + " exists; give --force to replace it"), again.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(cascade)), "the file is untouched");
        CommandLineRun forced = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                cascade.toString(), "--force", "--mode", "boosted");
        assertEquals(0, forced.exitCode(), forced.err());
    }

    @Test
    void predictPrintsATableForAFolder() {
        CommandLineRun predict = CommandLineRun.of("predict", "--model", cascade.toString(), SHIRTS.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertTrue(lines.get(0).matches("image\\s+class\\s+probability\\s+exit\\s+time \\(ms\\)"), lines.get(0));
        assertEquals(250 + 3, lines.size(), "a header, one line per image, a blank line and a summary");
        assertTrue(lines.get(1).matches(".*shirt.*\\.png\\s+\\S+\\s+[01]\\.\\d{4}\\s+(1 stage1|2 stage2|head)\\s+"
                + "\\d+\\.\\d\\d"), lines.get(1));
        long shirts = lines.stream().skip(1).limit(250).filter(l -> l.matches(".*\\.png\\s+shirt\\s.*")).count();
        assertTrue(shirts > 100, "most shirts are called shirts: " + shirts);
        assertTrue(lines.get(lines.size() - 1).matches("250 images, \\d+\\.\\d\\d ms each on average; left at "
                + "stage1 \\d+, stage2 \\d+, the backbone head \\d+"), lines.get(lines.size() - 1));
    }

    @Test
    void predictPrintsJsonWithTopClassesAndTimings() throws IOException {
        Path image = Files.list(SHIRTS).sorted().findFirst().orElseThrow();
        CommandLineRun predict = CommandLineRun.of("predict", "--model", cascade.toString(), "--json", "--top", "2",
                image.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        JsonNode root = JsonDocuments.newMapper().readTree(predict.out());
        assertEquals(runFolder.getFileName().toString(), root.get("runId").asText());
        JsonNode p = root.get("predictions").get(0);
        assertEquals(image.toString(), p.get("image").asText());
        assertEquals(2, p.get("top").size());
        assertEquals(p.get("class").asText(), p.get("top").get(0).get("class").asText());
        int exit = p.get("exit").asInt();
        assertEquals(exit + 1, p.get("segmentNanos").size());
        assertEquals(Math.min(exit + 1, 2), p.get("branchNanos").size());
        assertEquals(exit < 2, p.get("early").asBoolean());
    }

    @Test
    void speedupTimesTheCascadeAgainstTheBackboneAndKeepsTheResult(@TempDir Path dir) {
        Path json = dir.resolve("speedup.json");
        CommandLineRun speedup = CommandLineRun.of("speedup", "--model", cascade.toString(), "--data",
                SampleBackbone.SAMPLE.toString(), "--limit", "20", "--warmup", "2", "--json", json.toString(),
                "--save-to-run", runFolder.toString());
        assertEquals(0, speedup.exitCode(), speedup.err());
        List<String> lines = speedup.out().lines().toList();
        assertTrue(lines.get(0).endsWith("test split, 20 of 2500 images: 20 timed at batch 1 (1 pass) after 2 "
                + "warm-up"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("whole backbone\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}"
                + "\\s+\\d+\\.\\d{3}")), speedup.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("Speedup: theoretical \\d+\\.\\d{3} .* measured / "
                + "theoretical \\d+\\.\\d{3} \\(goal >= 0.8\\)")), speedup.out());
        SpeedupMeasurement.Report report = SpeedupMeasurement.read(json);
        assertEquals(20, report.speedup().samples());
        assertEquals(List.of("stage1", "stage2", "final"), report.parts().stream()
                .map(SpeedupMeasurement.Part::vertex).toList());
        assertEquals(List.of(report.speedup()), MeasuredSpeedup.readAll(runFolder),
                "the run folder holds what the workbench shows");
    }

    @Test
    void exportsOnnxInBothShapesThatPredictAsTheZipAndTimeAgainstTheirBackbone(@TempDir Path dir) throws IOException {
        CommandLineRun zip = CommandLineRun.of("predict", "--model", cascade.toString(), "--json", SHIRTS.toString());
        assertEquals(0, zip.exitCode(), zip.err());
        JsonNode expected = JsonDocuments.newMapper().readTree(zip.out()).get("predictions");
        for (String format : List.of("onnx", "onnx-single")) {
            Path folder = dir.resolve(format);
            CommandLineRun export = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                    folder.toString(), "--format", format);
            assertEquals(0, export.exitCode(), export.err());
            assertTrue(export.out().startsWith("Exported the boosted cascade of run " + runFolder.getFileName()
                    + " as ONNX (" + (format.equals("onnx") ? "segments" : "single") + ") to " + folder),
                    export.out());
            assertTrue(export.out().contains("32 of 32 images take the same exit and class"), export.out());
            assertTrue(Files.isRegularFile(folder.resolve(format.equals("onnx") ? "head.onnx" : "cascade.onnx")));

            CommandLineRun predict = CommandLineRun.of("predict", "--model", folder.toString(), "--json",
                    SHIRTS.toString());
            assertEquals(0, predict.exitCode(), predict.err());
            JsonNode actual = JsonDocuments.newMapper().readTree(predict.out()).get("predictions");
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < actual.size(); i++) {
                assertEquals(expected.get(i).get("class").asText(), actual.get(i).get("class").asText(), format);
                assertEquals(expected.get(i).get("exit").asInt(), actual.get(i).get("exit").asInt(), format);
                assertEquals(expected.get(i).get("probability").asDouble(), actual.get(i).get("probability")
                        .asDouble(), 1e-4, format);
            }

            CommandLineRun speedup = CommandLineRun.of("speedup", "--model", folder.toString(), "--data",
                    SampleBackbone.SAMPLE.toString(), "--limit", "20", "--warmup", "2", "--threads", "1",
                    "--save-to-run", runFolder.toString());
            assertEquals(0, speedup.exitCode(), speedup.err());
            assertTrue(speedup.out().lines().anyMatch(l -> l.matches("Speedup: theoretical \\d+\\.\\d{3}, measured "
                    + "\\d+\\.\\d{3}; measured / theoretical \\d+\\.\\d{3}.*")), speedup.out());
            assertTrue(speedup.out().lines().anyMatch(l -> l.startsWith("From the thread's CPU time: measured ")),
                    speedup.out());
            assertTrue(OnnxMeasuredSpeedup.readAll(runFolder).stream().anyMatch(m -> m.shape().equals(
                    format.equals("onnx") ? "segments" : "single") && m.samples() == 20), "kept with the run");
        }
        CommandLineRun foreign = CommandLineRun.of("speedup", "--model", dir.resolve("onnx").toString(), "--data",
                SampleBackbone.SAMPLE.toString(), "--save-to-run", dir.toString());
        assertEquals(1, foreign.exitCode());
        assertTrue(foreign.err().contains("was exported from run " + runFolder.getFileName() + ", not from " + dir),
                foreign.err());
        CommandLineRun wrongFormat = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                dir.resolve("x").toString(), "--format", "tflite");
        assertEquals(2, wrongFormat.exitCode());
        assertTrue(wrongFormat.err().contains("--format must be zip, onnx or onnx-single, was 'tflite'"),
                wrongFormat.err());
    }

    /**
     * Issue 20: a decision file (a derived rule with thresholds on its score) exports as ONNX too, the rule written
     * as ONNX operators; both shapes answer as the zip exported with the same decision file.
     */
    @Test
    void exportsADecisionRuleAsOnnxThatPredictsAsTheZip(@TempDir Path dir) throws IOException {
        Path decision = dir.resolve("temperature.json");
        new org.exitbench.cascade.decision.DecisionFile(new org.exitbench.cascade.decision.TemperatureRule(
                new double[] {1.8, 0.7}), org.exitbench.cascade.Thresholds.of(org.exitbench.cascade.ExitRule.DERIVED,
                new double[][] {filled(0.55), filled(0.8)}), "test").write(decision);
        Path zipFile = dir.resolve("decided.zip");
        CommandLineRun zipExport = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                zipFile.toString(), "--decision", decision.toString());
        assertEquals(0, zipExport.exitCode(), zipExport.err());
        CommandLineRun zip = CommandLineRun.of("predict", "--model", zipFile.toString(), "--json", SHIRTS.toString());
        assertEquals(0, zip.exitCode(), zip.err());
        JsonNode expected = JsonDocuments.newMapper().readTree(zip.out()).get("predictions");
        for (String format : List.of("onnx", "onnx-single")) {
            Path folder = dir.resolve(format);
            CommandLineRun export = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                    folder.toString(), "--format", format, "--decision", decision.toString());
            assertEquals(0, export.exitCode(), export.err());
            assertTrue(export.out().contains("Thresholds: the decision rule temperature's, from " + decision),
                    export.out());
            assertTrue(export.out().contains("32 of 32 images take the same exit and class"), export.out());
            CommandLineRun predict = CommandLineRun.of("predict", "--model", folder.toString(), "--json",
                    SHIRTS.toString());
            assertEquals(0, predict.exitCode(), predict.err());
            JsonNode actual = JsonDocuments.newMapper().readTree(predict.out()).get("predictions");
            assertEquals(expected.size(), actual.size());
            java.util.Set<Integer> exits = new java.util.HashSet<>();
            for (int i = 0; i < actual.size(); i++) {
                assertEquals(expected.get(i).get("class").asText(), actual.get(i).get("class").asText(), format);
                assertEquals(expected.get(i).get("exit").asInt(), actual.get(i).get("exit").asInt(), format);
                exits.add(actual.get(i).get("exit").asInt());
            }
            assertTrue(exits.size() >= 2, format + ": the rule sends images to more than one exit: " + exits);
        }
        CommandLineRun both = CommandLineRun.of("export", "--run", runFolder.toString(), "--out",
                dir.resolve("both").toString(), "--format", "onnx", "--decision", decision.toString(),
                "--thresholds", "cpm");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("cannot be combined with --thresholds"), both.err());
    }

    private static double[] filled(double value) {
        double[] row = new double[10];
        java.util.Arrays.fill(row, value);
        return row;
    }

    @Test
    void speedupRefusesAForeignRunFolderBeforeTiming(@TempDir Path dir) {
        CommandLineRun wrongRun = CommandLineRun.of("speedup", "--model", cascade.toString(), "--data",
                SampleBackbone.SAMPLE.toString(), "--save-to-run", dir.toString());
        assertEquals(1, wrongRun.exitCode());
        assertTrue(wrongRun.err().contains("was exported from run " + runFolder.getFileName() + ", not from " + dir),
                wrongRun.err());
        CommandLineRun badSplit = CommandLineRun.of("speedup", "--model", cascade.toString(), "--data",
                SampleBackbone.SAMPLE.toString(), "--split", "holdout");
        assertEquals(2, badSplit.exitCode());
        assertTrue(badSplit.err().contains("--split must be train, valid or test, was 'holdout'"), badSplit.err());
    }

    @Test
    void badInputIsNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.zip");
        CommandLineRun noModel = CommandLineRun.of("predict", "--model", missing.toString(), SHIRTS.toString());
        assertEquals(1, noModel.exitCode());
        assertTrue(noModel.err().contains("error: " + missing + ": does not exist"), noModel.err());
        Path broken = Files.writeString(dir.resolve("broken.png"), "not an image");
        CommandLineRun badImage = CommandLineRun.of("predict", "--model", cascade.toString(), broken.toString());
        assertEquals(1, badImage.exitCode());
        assertTrue(badImage.err().contains(broken.toString()), badImage.err());
        CommandLineRun noRun = CommandLineRun.of("export", "--run", dir.toString(), "--out",
                dir.resolve("out.zip").toString());
        assertEquals(1, noRun.exitCode());
        assertTrue(noRun.err().contains(dir.resolve("config.json").toString()), noRun.err());
    }
}
