package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeatureCache;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the bundled sample: dataset → backbone → feature cache → boosted and non-boosted branches
 * → CPM → test evaluation → run folder, and the run folder read back.
 */
@Tag("slow")
class ExperimentPipelineTest {

    /** Shared with the CLI test, so the sample's feature cache is built once per build. */
    static final Workspace WORKSPACE = SampleBackbone.workspace();

    /**
     * The settings the end-to-end claim holds for. A margin of 0 lets a branch exit class c only where it is as
     * precise on c as the backbone is on c overall; the exited samples are the easy ones, on which the backbone
     * itself is more precise, so every exit still costs a little accuracy. With the shipped backbone, two exits
     * measured 0.8 points for 29–30 % of the MACs (three exits: 1.0–1.3 points for 40 %; the default m = 0.20
     * additive: 11.6 points for 61 %).
     */
    static ExperimentConfig sampleConfig() {
        return ExperimentConfig.fromJson("""
                {"exitPoints": ["stage1", "stage2"],
                 "training": {"epochs": 8, "learningRate": 0.01, "batchSize": 256, "patience": 4},
                 "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""", null)
                .withDataset(SampleBackbone.SAMPLE.toString())
                .withBackbone(SampleBackbone.file().toString());
    }

    private static ExperimentRun run;

    @BeforeAll
    static void runOnTheSample() {
        run = WORKSPACE.pipeline().run(sampleConfig(), ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER);
    }

    @Test
    void reportsAComputeReductionAtSmallAccuracyLossInBothModes() {
        for (BranchTrainingMode mode : List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED)) {
            RunMetrics.CascadeMetrics test = run.metrics().mode(mode).orElseThrow().test();
            assertEquals(2500, test.samples());
            assertTrue(test.computeReduction() > 0, mode + ": " + test);
            assertTrue(test.accuracyDropPoints() <= 2.0, mode + ": " + test);
            double exited = test.exits().stream().mapToDouble(RunMetrics.ExitRate::rate).sum();
            assertEquals(1.0, exited, 1e-9, "every test sample leaves somewhere");
        }
    }

    @Test
    void metricsDescribeBranchesFunnelAndProvenance() {
        RunMetrics metrics = run.metrics();
        assertEquals(run.id(), metrics.runId());
        assertEquals(ExperimentPipeline.dl4jVersion(), metrics.provenance().dl4jVersion());
        assertEquals("1.0.0-M2.1", metrics.provenance().dl4jVersion());
        assertEquals(64, metrics.provenance().backboneFingerprint().length());
        assertEquals(List.of("stage1", "stage2"), metrics.backbone().exitVertices());
        RunMetrics.ModeMetrics boosted = metrics.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        RunMetrics.BranchMetrics first = boosted.branches().get(0);
        assertEquals(10_000, first.trainSamples());
        assertEquals(2500, first.validReaching());
        for (int k = 1; k < boosted.branches().size(); k++) {
            RunMetrics.BranchMetrics before = boosted.branches().get(k - 1);
            RunMetrics.BranchMetrics branch = boosted.branches().get(k);
            assertEquals(before.validReaching() - before.validExited(), branch.validReaching());
            assertEquals(before.trainReaching() - before.trainExited(), branch.trainSamples(),
                    "boosted branch " + k + " learns from the training survivors");
        }
        for (RunMetrics.BranchMetrics branch : boosted.branches()) {
            assertTrue(branch.trained(), branch.skipReason());
            assertTrue(branch.macs() > 0 && branch.macs() < branch.segmentMacs() / 20,
                    "a branch costs a few percent of its segment at most: " + branch.description());
            assertTrue(branch.description().contains("% of segment " + branch.vertex()), branch.description());
        }
        RunMetrics.ModeMetrics nonBoosted = metrics.mode(BranchTrainingMode.NON_BOOSTED).orElseThrow();
        assertTrue(nonBoosted.branches().stream().allMatch(b -> b.trainSamples() == 10_000));
    }

    @Test
    void theRunFolderReadsBackToTheSameCascade() {
        ExperimentRun loaded = ExperimentRun.load(run.folder());
        assertEquals(run.config(), loaded.config());
        assertEquals(run.metrics(), loaded.metrics());
        ExperimentRun.ModeResult boosted = loaded.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        CascadeResult test = new CascadeEvaluator(boosted.testScores(), boosted.costModel())
                .evaluate(boosted.thresholds());
        RunMetrics.CascadeMetrics recorded = boosted.metrics().test();
        assertEquals(recorded.accuracy(), test.accuracy());
        assertEquals(recorded.computeReduction(), test.computeReduction(), 1e-12);
        assertEquals(recorded.meanMacs(), test.meanMacs(), 1e-6);

        // The saved branch network reproduces the saved scores from the cached features.
        FeatureCache cache = FeatureCache.load(Path.of(loaded.metrics().provenance().featureCache()));
        ExitBranch branch = loaded.loadBranch(BranchTrainingMode.BOOSTED, 0);
        int exit = boosted.cascadeBranches().get(0).exit();
        float[] p = branch.probabilities(cache.split(Split.VALID).features(exit), new int[] {0, 1, 2});
        for (int i = 0; i < 3; i++) {
            float max = 0;
            for (int c = 0; c < 10; c++) {
                max = Math.max(max, p[i * 10 + c]);
            }
            assertEquals(boosted.validScores().confidence(0, i), max, 1e-6f);
        }
    }

    @Test
    void runFolderHoldsTheDocumentedFiles() throws IOException {
        Path folder = run.folder();
        for (String file : List.of("config.json", "metrics.json", "valid-backbone.f32", "valid-labels.i32",
                "test-backbone.f32", "test-labels.i32", "boosted/thresholds.json", "boosted/valid-exits.f32",
                "boosted/test-exits.f32", "boosted/branches/exit1-stage1.zip", "non-boosted/thresholds.json")) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file);
        }
        Thresholds thresholds = Thresholds.read(folder.resolve("boosted/thresholds.json"));
        assertEquals(run.mode(BranchTrainingMode.BOOSTED).orElseThrow().thresholds(), thresholds);
        try (Stream<Path> files = Files.walk(folder)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files");
        }
    }

    @Test
    void aSecondRunReusesTheCacheAndNeverOverwritesTheFirst() throws IOException {
        byte[] firstMetrics = Files.readAllBytes(run.folder().resolve("metrics.json"));
        ExperimentConfig quick = sampleConfig().withModes(List.of(BranchTrainingMode.BOOSTED));
        ExperimentConfig oneEpoch = ExperimentConfig.fromJson(quick.toJson().replace("\"epochs\" : 8",
                "\"epochs\" : 1"), null);
        ExperimentRun second = WORKSPACE.pipeline().run(oneEpoch, ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER);
        assertNotEquals(run.folder(), second.folder());
        assertArrayEquals(firstMetrics, Files.readAllBytes(run.folder().resolve("metrics.json")));
        assertTrue(second.metrics().provenance().featureCacheOutcome().startsWith("Reused the feature cache"),
                second.metrics().provenance().featureCacheOutcome());
        assertEquals(List.of(BranchTrainingMode.BOOSTED), second.modes());
    }

    @Test
    void eachModeIsHandedOverWhenCompleteAndBranchOneIsFittedOnceForBothModes() {
        ExperimentConfig twoEpochs = ExperimentConfig.fromJson(sampleConfig().toJson().replace("\"epochs\" : 8",
                "\"epochs\" : 2"), null);
        Dataset sample = DatasetReaders.read(SampleBackbone.SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
        List<BranchEpoch> epochs = new ArrayList<>();
        List<String> handedOver = new ArrayList<>();
        ExperimentRun whole = WORKSPACE.pipeline().run(twoEpochs, sample, ProgressListener.NONE,
                new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        epochs.add(epoch);
                    }
                }, (partial, mode) -> {
                    // Handed over before the baseline trains: the boosted cascade alone, complete and readable.
                    handedOver.add(mode + " " + partial.modes());
                    assertTrue(epochs.stream().noneMatch(e -> e.mode() == BranchTrainingMode.NON_BOOSTED));
                    assertEquals(2, partial.mode(mode).orElseThrow().thresholds().exitCount());
                    assertEquals(2500, partial.mode(mode).orElseThrow().testScores().sampleCount());
                }, CancellationToken.NEVER);
        assertEquals(List.of("BOOSTED [BOOSTED]"), handedOver, "only modes that are followed by another");

        List<BranchEpoch> boostedFirst = epochs.stream().filter(e -> e.mode() == BranchTrainingMode.BOOSTED
                && e.exit() == 0 && e.fold() < 0).toList();
        List<BranchEpoch> nonBoostedFirst = epochs.stream().filter(e -> e.mode() == BranchTrainingMode.NON_BOOSTED
                && e.exit() == 0 && e.fold() < 0).toList();
        assertEquals(2, boostedFirst.size());
        assertEquals(boostedFirst.stream().map(BranchEpoch::trainLoss).toList(),
                nonBoostedFirst.stream().map(BranchEpoch::trainLoss).toList());
        ExitBranch boosted = whole.loadBranch(BranchTrainingMode.BOOSTED, 0);
        ExitBranch nonBoosted = whole.loadBranch(BranchTrainingMode.NON_BOOSTED, 0);
        assertEquals(boosted.graph().params(), nonBoosted.graph().params(), "branch 1 is the same network");
        RunMetrics.BranchMetrics shared = whole.metrics().mode(BranchTrainingMode.NON_BOOSTED).orElseThrow()
                .branches().get(0);
        RunMetrics.BranchMetrics fitted = whole.metrics().mode(BranchTrainingMode.BOOSTED).orElseThrow()
                .branches().get(0);
        assertTrue(shared.seconds() < fitted.seconds() / 2,
                "the shared fit is not fitted again: " + shared.seconds() + " s vs "
                        + fitted.seconds() + " s");
    }

    @Test
    void cancellingLeavesNoRunFolder() {
        List<Path> before = WORKSPACE.runFolders();
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancelledException.class, () -> WORKSPACE.pipeline().run(sampleConfig(),
                ProgressListener.NONE, new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        cancel.cancel();
                    }
                }, cancel));
        assertEquals(before, WORKSPACE.runFolders());
    }

    @Test
    void aDatasetThatDoesNotFitTheBackboneIsRefusedSayingWhatDiffers(@TempDir Path dir) {
        Path other = DatasetFixtures.imageFolder(dir.resolve("shapes"), List.of("circle", "square"),
                Map.of(Split.TRAIN, 2, Split.VALID, 2, Split.TEST, 2), 28, 28, List.of());
        ExperimentConfig config = sampleConfig().withDataset(other.toString());
        ExperimentException error = assertThrows(ExperimentException.class, () -> Workspace.at(dir.resolve("ws"))
                .pipeline().run(config, ProgressListener.NONE, BranchTrainingListener.NONE,
                CancellationToken.NEVER));
        assertTrue(error.getMessage().contains("the backbone knows 10 classes (ankle-boot, bag, "),
                error.getMessage());
        assertTrue(error.getMessage().contains("the dataset has 2 (circle, square)"), error.getMessage());
        assertTrue(error.getMessage().contains("the backbone takes 1×32×32 images (channels×height×width), the "
                + "dataset's are 1×28×28"), error.getMessage());
    }

    @Test
    void withoutABackboneTheMessageSaysWhichCommandCreatesIt(@TempDir Path dir) {
        Path data = DatasetFixtures.imageFolder(dir.resolve("shapes"), List.of("circle", "square"),
                Map.of(Split.TRAIN, 2, Split.VALID, 2, Split.TEST, 2), 8, 8, List.of());
        ExperimentConfig config = sampleConfig().withDataset(data.toString()).withBackbone(null);
        ExperimentException error = assertThrows(ExperimentException.class, () -> Workspace.at(dir.resolve("ws"))
                .pipeline().run(config, ProgressListener.NONE, BranchTrainingListener.NONE,
                CancellationToken.NEVER));
        assertEquals("no backbone: " + data.resolve("backbone.zip") + " does not exist. Train one with\n"
                + "  exitbench backbone train --data " + data + " --out " + data.resolve("backbone.zip")
                + "\nor name a trained one with --backbone <model.zip>", error.getMessage());
    }
}
