package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.sweep.SweepDefinition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exitbench sweep}, as a user would type it. */
@Tag("slow")
class SweepCommandTest {

    @TempDir
    Path dir;

    @Test
    void runsASweepAndPrintsTheComparisonAndWhereTheReportIs() throws IOException {
        Path definition = dir.resolve("two.json");
        Files.writeString(definition, """
                {"name": "two",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "target", "field": "training.target", "values": ["backbone-argmax",
                          "distillation"]}],
                 "margins": [0.0, 0.02, 0.05, 0.1, 0.2]}""");
        Path out = dir.resolve("sweep");
        CommandLineRun run = CommandLineRun.of("sweep", "--data", SampleBackbone.SAMPLE.toString(), "--backbone",
                SampleBackbone.file().toString(), "--definition", definition.toString(), "--seeds", "1", "--out",
                out.toString(), "--workspace", SampleBackbone.workspace().root().toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("Trials: 2 of 2 finished (2 trained now, 0 done before)", lines.get(0));
        assertTrue(run.out().contains("boosted − non-boosted, paired by configuration and seed"), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("accuracy at matched compute")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("non-boosted  ≤ 2    points:")), run.out());
        assertTrue(run.out().contains("Report: " + out.resolve("report.html")), run.out());
        assertTrue(run.err().contains("Sweep: c02 seed 1"), "one progress line per trial: " + run.err());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));

        // The reports of a stored sweep are written again without training.
        String html = Files.readString(out.resolve("report.html"));
        Files.delete(out.resolve("report.html"));
        CommandLineRun again = CommandLineRun.of("sweep", "--out", out.toString(), "--report-only");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals("Trials: 2 of 2 finished (0 trained now, 2 done before)", again.out().lines().findFirst()
                .orElseThrow());
        assertEquals(html.replaceAll("\\d+ s", ""), Files.readString(out.resolve("report.html"))
                .replaceAll("\\d+ s", ""), "the same report");
        CommandLineRun twoSeeds = CommandLineRun.of("sweep", "--out", out.toString(), "--report-only", "--seeds",
                "2");
        assertEquals(0, twoSeeds.exitCode(), twoSeeds.err());
        assertTrue(twoSeeds.out().startsWith("Trials: 2 of 4 finished"), "seed 2 was never run: " + twoSeeds.out());
    }

    @Test
    void reportOnlyNeedsAStoredSweepAndDefaultsToTheWorkspaceFolder() {
        Path ws = dir.resolve("ws");
        CommandLineRun run = CommandLineRun.of("sweep", "--report-only", "--workspace", ws.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--report-only: " + ws.resolve("sweeps").resolve("bts-ee-64")
                + " holds no sweep"), run.err());
        assertFalse(Files.exists(ws));
    }

    @Test
    void printsTheDefaultDefinition() {
        CommandLineRun run = CommandLineRun.of("sweep", "--print-definition");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(SweepDefinition.defaults(), SweepDefinition.fromJson(run.out(), "printed"));
        assertEquals(64, SweepDefinition.fromJson(run.out(), "printed").configurationCount());
    }

    @Test
    void aBadDefinitionIsNamedAndNothingRuns() throws IOException {
        Path definition = dir.resolve("bad.json");
        Files.writeString(definition, "{\"budgets\": [-1]}");
        CommandLineRun run = CommandLineRun.of("sweep", "--definition", definition.toString(), "--workspace",
                dir.resolve("ws").toString());
        assertEquals(1, run.exitCode(), "bad input in a file, not a misuse of the command line");
        assertTrue(run.err().contains("error: " + definition + ": budgets: must list accuracy losses in points"),
                run.err());
        assertFalse(run.err().contains("Usage:"), run.err());
        assertFalse(Files.exists(dir.resolve("ws")));

        CommandLineRun noSeeds = CommandLineRun.of("sweep", "--seeds", "0", "--workspace",
                dir.resolve("ws").toString());
        assertEquals(2, noSeeds.exitCode());
        assertTrue(noSeeds.err().contains("--seeds: must be at least 1, was 0"), noSeeds.err());
    }
}
