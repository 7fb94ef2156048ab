package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import j2html.utils.EscapeUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.JsonDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small sweep end to end on the bundled sample with its shipped backbone: 4 configurations × 2 modes × 1 seed,
 * one epoch per branch, then an interrupted sweep resumed, and a configuration that fails.
 */
@Tag("slow")
class SweepRunnerTest {

    /** Shared with the pipeline test: the same exits, so the same feature cache. */
    private static final SweepRunner RUNNER = SampleBackbone.workspace().sweepRunner();

    @TempDir
    static Path dir;

    private static SweepRunner.Outcome complete;

    static SweepDefinition tiny() {
        return SweepDefinition.fromJson("""
                {"name": "tiny",
                 "base": {"exitPoints": ["stage1", "stage2"], "training": {"epochs": 1}},
                 "axes": [{"name": "filters", "field": "branch.filters", "values": [4, 8]},
                          {"name": "recipe", "variants": [
                             {"label": "argmax", "set": {"training": {"target": "backbone-argmax"}}},
                             {"label": "distillation", "set": {"training": {"target": "distillation"}}}]}],
                 "seeds": [1],
                 "margins": [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]}""", "tiny");
    }

    private static SweepRunner.Request request(Path folder) {
        return new SweepRunner.Request(SampleBackbone.SAMPLE, SampleBackbone.file(), folder, 1);
    }

    @BeforeAll
    static void runTheSmallSweep() {
        complete = RUNNER.run(tiny(), request(dir.resolve("complete")), ProgressListener.NONE,
                CancellationToken.NEVER);
    }

    @Test
    void everyTrialIsTrainedInBothModesAndSummarised() {
        assertEquals(4, complete.trials());
        assertEquals(4, complete.ran());
        assertEquals(0, complete.reused());
        assertEquals(0, complete.failed());
        SweepSummary summary = complete.summary();
        assertEquals(4, summary.finished());
        SweepSummary.Comparison boosted = summary.comparison("boosted").orElseThrow();
        assertEquals(4, boosted.trials().size());
        for (SweepSummary.PairedTrial trial : boosted.trials()) {
            for (double difference : trial.differences().values()) {
                assertFalse(Double.isNaN(difference), trial.toString());
            }
        }
        Map<String, SweepResult> results = complete.folder().readResults(new ArrayList<>());
        assertEquals(4, results.size());
        for (SweepResult r : results.values()) {
            assertTrue(r.succeeded(), r.error());
            assertEquals(0.9128, r.backboneTestAccuracy(), 1e-4, "the shipped backbone's test accuracy");
            for (SweepResult.ModeResult m : r.modes()) {
                assertEquals(List.of("stage1", "stage2"), m.exits(), m.skipped().toString());
                assertEquals(8, m.curve().size());
                SweepResult.Point first = m.curve().get(0);
                SweepResult.Point last = m.curve().get(7);
                assertTrue(last.validReduction() >= first.validReduction(), "a larger margin lets more samples "
                        + "leave early");
                assertEquals(1.0, last.testExitRates().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
            }
            // The first boosted branch is the non-boosted one (both learn from every sample): same first exit.
            assertEquals(r.mode(org.exitbench.train.BranchTrainingMode.BOOSTED).orElseThrow().curve().get(0)
                    .testExitRates().get(0), r.mode(org.exitbench.train.BranchTrainingMode.NON_BOOSTED)
                    .orElseThrow().curve().get(0).testExitRates().get(0));
        }
        SweepFolder.Manifest manifest = complete.folder().readManifest();
        assertEquals(List.of("stage1", "stage2"), manifest.exitVertices());
        assertEquals(summary, complete.folder().summarise(new ArrayList<>()), "a view opening the folder later "
                + "sees the same summary");
        assertNull(new SweepFolder(dir.resolve("nothing-here")).summarise(new ArrayList<>()));
        assertEquals(1, manifest.sessions().size());
        assertEquals(4, manifest.sessions().get(0).trialsRun());
    }

    @Test
    void theReportFilesExistAndParse() throws Exception {
        Path root = complete.folder().root();
        List<String> csv = Files.readAllLines(root.resolve(SweepFolder.CSV));
        assertEquals(1 + 4 * 2, csv.size(), "a header and one row per configuration × mode × seed");
        int columns = csv.get(0).split(",", -1).length;
        assertTrue(csv.get(0).startsWith("configuration,key,axis_filters,axis_recipe,seed,mode,status"), csv.get(0));
        assertTrue(csv.get(0).contains("budget_2_test_reduction_pct"), csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            assertEquals(columns, row.split(",", -1).length, row);
            assertTrue(row.contains(",done,"), row);
        }
        List<String> paired = Files.readAllLines(root.resolve(SweepFolder.PAIRED_CSV));
        assertEquals(1 + 4, paired.size());
        assertTrue(paired.get(0).endsWith("diff_matched_accuracy_pts,diff_trained_accuracy_pts,"
                + "diff_trained_reduction_pts"), paired.get(0));

        String md = Files.readString(root.resolve(SweepFolder.SUMMARY));
        assertTrue(md.contains("## boosted − non-boosted, all configurations"), md);

        String html = Files.readString(root.resolve(SweepFolder.REPORT));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h2>boosted − non-boosted, all configurations</h2>"), "the summary table");
        assertTrue(html.contains("<th>mean difference [95 % CI]</th>"));
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("href=\"http"),
                "self-contained");
        Matcher svg = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        int charts = 0;
        while (svg.find()) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            var document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.group()
                    .getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", document.getDocumentElement().getLocalName());
            charts++;
        }
        assertTrue(charts >= 4, "accuracy vs compute, two paired-difference plots, curves: " + charts);
        try (Stream<Path> files = Files.walk(root)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files");
        }
    }

    @Test
    void aSweepStoppedAfterTwoTrialsResumesToTheSameResults() throws IOException {
        Path folder = dir.resolve("resumed");
        CancellationToken cancel = new CancellationToken();
        AtomicInteger finished = new AtomicInteger();
        ProgressListener stopAfterTwo = progress -> {
            if (progress.message().startsWith("Sweep: c") && finished.incrementAndGet() == 2) {
                cancel.cancel();
            }
        };
        assertThrows(CancelledException.class, () -> RUNNER.run(tiny(), request(folder), stopAfterTwo, cancel));
        List<String> unreadable = new ArrayList<>();
        assertEquals(2, new SweepFolder(folder).readResults(unreadable).size());
        assertTrue(unreadable.isEmpty(), unreadable.toString());
        assertFalse(Files.exists(folder.resolve(SweepFolder.REPORT)), "no report of a cancelled sweep");

        SweepRunner.Outcome resumed = RUNNER.run(tiny(), request(folder), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(2, resumed.reused());
        assertEquals(2, resumed.ran());
        assertEquals(2, new SweepFolder(folder).readManifest().sessions().size());
        assertTrue(new SweepFolder(folder).readManifest().sessions().get(0).cancelled());

        Map<String, SweepResult> expected = complete.folder().readResults(new ArrayList<>());
        for (String trial : expected.keySet()) {
            assertEquals(withoutTimes(complete.folder().root(), trial), withoutTimes(folder, trial), trial);
        }
        assertEquals(Files.readString(complete.folder().root().resolve(SweepFolder.PAIRED_CSV)),
                Files.readString(folder.resolve(SweepFolder.PAIRED_CSV)));

        SweepRunner.Outcome again = RUNNER.run(tiny(), request(folder), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(4, again.reused(), "a finished sweep only writes its reports again");
        assertEquals(0, again.ran());
    }

    /**
     * Issue 20: the tiny sweep again with an exit-rule axis (max-softmax and a logistic head with agreement), in a
     * copy of the finished folder: the max-softmax trials are the stored ones (reused, not run), the head's are run
     * on the same trained branches and differ in their curves, which charge the heads' MACs to the exits.
     */
    @Test
    void anExitRuleAxisReusesTheMaxSoftmaxTrialsAndRunsTheRule() throws IOException {
        Path folder = dir.resolve("rules");
        copy(complete.folder().root(), folder);
        SweepDefinition rules = SweepDefinition.fromJson(tiny().toJson().replaceFirst("\\{", """
                {"exitRules": ["max-softmax", "logistic-head+agreement"],"""), "tiny-rules");
        SweepRunner.Outcome outcome = RUNNER.run(rules, request(folder), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(8, outcome.trials());
        assertEquals(4, outcome.reused(), "the max-softmax trials were stored by the sweep without rules");
        assertEquals(4, outcome.ran());
        assertEquals(0, outcome.failed());
        Map<String, SweepResult> results = new SweepFolder(folder).readResults(new ArrayList<>());
        List<SweepConfiguration> configurations = rules.configurations(SampleBackbone.SAMPLE.toString(),
                SampleBackbone.file().toString());
        for (int i = 0; i < configurations.size(); i += 2) {
            SweepResult maxSoftmax = find(results, configurations.get(i));
            SweepResult head = find(results, configurations.get(i + 1));
            assertEquals("logistic-head+agreement", head.labels().get("exitRule"));
            SweepResult.ModeResult a = maxSoftmax.modes().get(0);
            SweepResult.ModeResult b = head.modes().get(0);
            assertEquals(a.curve().size(), b.curve().size());
            assertTrue(b.branchMacs().get(0) > a.branchMacs().get(0), "the head's MACs are charged to its exit: "
                    + a.branchMacs() + " vs " + b.branchMacs());
            boolean differs = false;
            for (int m = 0; m < a.curve().size(); m++) {
                differs |= a.curve().get(m).validReduction() != b.curve().get(m).validReduction();
            }
            assertTrue(differs, "the rule changes the curve of " + configurations.get(i + 1).describe());
        }
        assertTrue(Files.readString(folder.resolve(SweepFolder.PAIRED_CSV)).contains("axis_exitRule"),
                "the reports show the rule as an axis");
    }

    private static SweepResult find(Map<String, SweepResult> results, SweepConfiguration configuration) {
        return results.values().stream().filter(r -> r.key().equals(configuration.key())).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + configuration.describe()));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** A stored result as JSON without its wall times, which differ between runs. */
    private static JsonNode withoutTimes(Path folder, String trial) throws IOException {
        JsonNode node = new ObjectMapper().readTree(folder.resolve(SweepFolder.RESULTS).resolve(trial + ".json")
                .toFile());
        ((ObjectNode) node).remove(List.of("seconds", "finished"));
        node.get("modes").forEach(m -> ((ObjectNode) m).remove("trainingSeconds"));
        return node;
    }

    @Test
    void aFailingTrialIsRecordedAndTheSweepGoesOn() throws IOException {
        // A learning rate of 1e30 drives the branch to NaN, which the cascade refuses: a real failure mid-sweep.
        SweepDefinition d = SweepDefinition.fromJson("""
                {"name": "failing",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "lr", "field": "training.learningRate", "values": [1e30, 0.01]}],
                 "seeds": [1], "margins": [0.0, 0.1]}""", "failing");
        SweepRunner.Outcome outcome = RUNNER.run(d, request(dir.resolve("failing")), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(2, outcome.ran());
        assertEquals(1, outcome.failed());
        SweepConfiguration broken = d.configurations(SampleBackbone.SAMPLE.toString(), null).get(0);
        SweepResult failed = JsonDocuments.read(outcome.folder().resultFile(broken.key(), 1),
                SweepResult.DOCUMENT_TYPE, SweepResult.class);
        assertNotNull(failed.error());
        assertTrue(failed.modes().isEmpty());
        assertEquals(1, outcome.summary().finished(), "the other configuration finished");
        assertTrue(outcome.summary().comparison("boosted").orElseThrow().trials().size() == 1);
        SweepResult fine = outcome.folder().readResults(new ArrayList<>()).values().stream()
                .filter(SweepResult::succeeded).findFirst().orElseThrow();
        assertNull(fine.error());
        List<String> csv = Files.readAllLines(outcome.folder().root().resolve(SweepFolder.CSV));
        assertTrue(csv.stream().anyMatch(row -> row.startsWith(broken.id() + ",") && row.contains(",failed,")),
                "the failed trial has its row, with its error: " + csv);
        String html = Files.readString(outcome.folder().root().resolve(SweepFolder.REPORT));
        assertTrue(html.contains(EscapeUtil.escape(failed.error())), "the report lists the error, escaped");
    }

    @Test
    void aFolderOfAnotherSweepIsRefusedAndKept() throws IOException {
        Path folder = dir.resolve("other");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("notes.txt"), "mine");
        ExperimentException e = assertThrows(ExperimentException.class, () -> RUNNER.run(tiny(), request(folder),
                ProgressListener.NONE, CancellationToken.NEVER));
        assertTrue(e.getMessage().contains("is not a sweep folder"), e.getMessage());
        assertEquals("mine", Files.readString(folder.resolve("notes.txt")));
    }
}
