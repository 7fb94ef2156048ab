package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.ExitScores;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeManifest;
import org.exitbench.deploy.ClassProbability;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.Prediction;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cascade exported from a run on the bundled sample answers every test image as the workbench's evaluation of the
 * same run does: same exit, same class, same confidence, while really stopping at the exit that fires.
 */
@Tag("slow")
class CascadeExportTest {

    private static ExperimentRun run;
    private static ExperimentRun.ModeResult boosted;
    private static ImageDataset test;
    private static Path exported;

    @BeforeAll
    static void exportARunOfTheSample(@TempDir Path dir) {
        ExperimentConfig quick = ExperimentPipelineTest.sampleConfig().withModes(List.of(BranchTrainingMode.BOOSTED));
        ExperimentConfig config = ExperimentConfig.fromJson(quick.toJson().replace("\"epochs\" : 8",
                "\"epochs\" : 4"), null);
        run = ExperimentPipelineTest.WORKSPACE.pipeline().run(config, ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER);
        boosted = run.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        test = DatasetReaders.read(SampleBackbone.SAMPLE).split(Split.TEST);
        exported = dir.resolve("cascade.zip");
        CascadeExport.write(run, CascadeExport.defaultMode(run), null, exported);
    }

    @Test
    void theExportedCascadeReproducesTheWorkbenchOnEveryTestImage() {
        ExitScores scores = boosted.testScores();
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, boosted.costModel());
        CascadeResult workbench = evaluator.evaluate(boosted.thresholds());
        EarlyExitPredictor predictor = EarlyExitPredictor.load(exported);
        int exits = scores.exitCount();
        int[] leaving = new int[exits + 1];
        List<Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < test.size(); from += 500) {
            predictions.addAll(predictor.predict(test, from, Math.min(500, test.size() - from)));
        }
        for (int i = 0; i < test.size(); i++) {
            Prediction p = predictions.get(i);
            int exit = evaluator.exitOf(i);
            assertEquals(exit, p.exit(), "exit of test image " + i);
            assertEquals(evaluator.predictionOf(i), p.classIndex(), "class of test image " + i);
            float confidence = exit < exits ? scores.confidence(exit, i) : scores.backboneTopProbability(i, 0);
            // The cache and the predictor run the same folded network at different batch shapes, and oneDNN picks
            // its kernels (and summation order) by shape: probabilities agree to a few 1e-5, exits and classes exactly.
            assertEquals(confidence, p.confidence(), 1e-4f, "confidence of test image " + i);
            assertEquals(p.exit() + 1, p.segmentNanos().length, "segments run for test image " + i);
            assertEquals(Math.min(p.exit() + 1, exits), p.branchNanos().length, "branches run for test image " + i);
            leaving[p.exit()]++;
        }
        for (int e = 0; e <= exits; e++) {
            assertEquals(workbench.exitedCount(e), leaving[e], "images leaving at exit " + e);
            assertTrue(leaving[e] > 0, "every exit takes some test images: " + java.util.Arrays.toString(leaving));
        }
    }

    @Test
    void aBatchWithMixedExitsGivesWhatSinglePredictionsGive() {
        EarlyExitPredictor predictor = EarlyExitPredictor.load(exported);
        int n = 80;
        List<Prediction> batch = predictor.predict(test, 0, n);
        assertEquals(boosted.thresholds().exitCount() + 1, batch.stream().map(Prediction::exit).distinct().count(),
                "the batch mixes every exit");
        for (int i = 0; i < n; i++) {
            Prediction single = predictor.predict(test, i);
            assertEquals(single.exit(), batch.get(i).exit(), "exit of image " + i);
            assertEquals(single.classIndex(), batch.get(i).classIndex(), "class of image " + i);
            assertEquals(single.confidence(), batch.get(i).confidence(), 1e-6f, "confidence of image " + i);
            assertEquals(single.top().stream().map(ClassProbability::classIndex).toList(),
                    batch.get(i).top().stream().map(ClassProbability::classIndex).toList(), "top classes of image " + i);
        }
    }

    @Test
    void theFileRecordsTheRunItCameFrom() {
        CascadeManifest manifest = CascadeFile.readManifest(exported);
        assertEquals(run.id(), manifest.provenance().runId());
        assertEquals("boosted", manifest.provenance().mode());
        assertEquals(run.metrics().provenance().backboneFingerprint(), manifest.provenance().backboneFingerprint());
        assertEquals(run.metrics().provenance().datasetFingerprint(), manifest.provenance().datasetFingerprint());
        assertEquals(run.config(), ExperimentConfig.fromJson(manifest.provenance().config(), null));
        assertEquals(boosted.costModel(), manifest.costModel());
        assertEquals(test.classNames(), manifest.classNames());
        assertEquals(List.of("stage1", "stage2"), manifest.exitVertices());
    }

    @Test
    void anotherBackboneThanTheRunsIsRefused(@TempDir Path dir) {
        TrainedBackbone shipped = BackboneFile.load(SampleBackbone.file(), false);
        BackboneSpec spec = shipped.spec();
        Path other = dir.resolve("other.zip");
        BackboneFile.save(TrainedBackbone.of(spec.build(99), spec, shipped.classNames(), shipped.stats()), other);
        ExperimentException error = assertThrows(ExperimentException.class,
                () -> CascadeExport.fromRun(run, BranchTrainingMode.BOOSTED, other));
        assertTrue(error.getMessage().contains(other + " is not the one run " + run.id() + " used"),
                error.getMessage());
    }

    /**
     * A real two-layer cascade (issue 17's capacity axis: the run trains two-convolution branches on the sample)
     * exports both ways. The zip's predictor, whose load checks its plain-Java kernels against the DL4J branches,
     * answers every test image as the workbench's evaluation of the run; the ONNX export, checked at export time on
     * the run's test images, answers as the zip's predictor in both shapes.
     */
    @Test
    void aRunWithTwoLayerBranchesExportsToBothFormatsAndAnswersAsTheWorkbench(@TempDir Path dir) {
        ExperimentConfig deep = ExperimentConfig.fromJson(run.config().toJson()
                .replace("\"epochs\" : 4", "\"epochs\" : 2"), null);
        deep = ExperimentConfig.fromJson(deep.toJson().replace("\"kernel\" : 3", "\"kernel\" : 3, \"layers\" : 2"),
                null);
        assertEquals(2, deep.branchSpec().layers());
        ExperimentRun deepRun = ExperimentPipelineTest.WORKSPACE.pipeline().run(deep, ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER);
        ExperimentRun.ModeResult result = deepRun.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        assertEquals(2, deepRun.loadBranch(BranchTrainingMode.BOOSTED, 0).spec().layers());
        Path zip = dir.resolve("deep.zip");
        CascadeExport.write(deepRun, BranchTrainingMode.BOOSTED, null, zip);
        assertEquals(2, CascadeFile.readManifest(zip).exits().get(0).branchSpec().layers());
        ExitScores scores = result.testScores();
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, result.costModel());
        evaluator.evaluate(result.thresholds());
        EarlyExitPredictor predictor = EarlyExitPredictor.load(zip);
        List<Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < test.size(); from += 500) {
            predictions.addAll(predictor.predict(test, from, Math.min(500, test.size() - from)));
        }
        int exits = scores.exitCount();
        int early = 0;
        for (int i = 0; i < test.size(); i++) {
            Prediction p = predictions.get(i);
            assertEquals(evaluator.exitOf(i), p.exit(), "two layers, zip: exit of test image " + i);
            assertEquals(evaluator.predictionOf(i), p.classIndex(), "two layers, zip: class of test image " + i);
            float confidence = p.exit() < exits ? scores.confidence(p.exit(), i) : scores.backboneTopProbability(i, 0);
            assertEquals(confidence, p.confidence(), 1e-4f, "two layers, zip: confidence of test image " + i);
            early += p.exit() < exits ? 1 : 0;
        }
        assertTrue(early > test.size() / 10, "the two-layer branches take images early: " + early);
        for (org.exitbench.deploy.onnx.OnnxCascadeExport.Shape shape
                : org.exitbench.deploy.onnx.OnnxCascadeExport.Shape.values()) {
            Path folder = dir.resolve("deep-" + shape.label());
            org.exitbench.deploy.onnx.OnnxCascadeExport.Result exported = CascadeExport.writeOnnx(deepRun,
                    BranchTrainingMode.BOOSTED, null, null, shape, folder);
            assertEquals(org.exitbench.deploy.onnx.OnnxCascadeExport.CHECK_IMAGES,
                    exported.manifest().check().cascadeAgrees(), shape + ": checked at export time");
            try (org.exitbench.deploy.onnx.OnnxEarlyExitPredictor onnx =
                         new org.exitbench.deploy.onnx.OnnxEarlyExitPredictor(
                                 org.exitbench.deploy.onnx.OnnxCascade.load(folder), 1, 3)) {
                List<Prediction> answers = onnx.predict(test, 0, test.size());
                for (int i = 0; i < test.size(); i++) {
                    assertEquals(predictions.get(i).exit(), answers.get(i).exit(), shape + ": exit of test image "
                            + i);
                    assertEquals(predictions.get(i).classIndex(), answers.get(i).classIndex(), shape
                            + ": class of test image " + i);
                    assertEquals(predictions.get(i).confidence(), answers.get(i).confidence(), 1e-4f, shape
                            + ": confidence of test image " + i);
                }
            }
        }
    }

    @Test
    void aModeTheRunDidNotTrainIsNamed() {
        ExperimentException error = assertThrows(ExperimentException.class,
                () -> CascadeExport.fromRun(run, BranchTrainingMode.SOFT, null));
        assertTrue(error.getMessage().contains("did not train the mode soft"), error.getMessage());
    }
}
