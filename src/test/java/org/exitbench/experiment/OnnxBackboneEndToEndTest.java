package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.Prediction;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.SplitFeatures;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.model.onnx.OnnxRuntimeSessions;
import org.exitbench.model.onnx.OnnxSegments;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch-trained ONNX fixture as the backbone of the whole pipeline: import → feature cache (ONNX Runtime) →
 * boosted and non-boosted branches → CPM → cascade → ONNX export (both shapes) → ONNX Runtime predictor, with the
 * same settings as the DL4J end-to-end test.
 */
@Tag("slow")
class OnnxBackboneEndToEndTest {

    static final Path MODEL = SampleBackbone.SAMPLE.resolve("onnx").resolve("small-resnet.onnx");
    static final List<String> EXITS = List.of("/stages/stages.0/Relu_1_output_0", "/stages/stages.1/Relu_1_output_0");

    private static Workspace workspace;
    private static ExperimentRun run;
    private static Dataset dataset;

    @BeforeAll
    static void runOnTheSample() {
        workspace = Workspace.at(Path.of("target", "test-fixtures", "onnx-workspace"));
        dataset = DatasetReaders.read(SampleBackbone.SAMPLE);
        ExperimentConfig config = ExperimentConfig.fromJson("""
                {"exitPoints": ["%s", "%s"],
                 "training": {"epochs": 8, "learningRate": 0.01, "batchSize": 256, "patience": 4},
                 "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""".formatted(EXITS.get(0), EXITS.get(1)),
                null).withDataset(SampleBackbone.SAMPLE.toString()).withBackbone(MODEL.toString());
        run = workspace.pipeline().run(config, dataset, ProgressListener.NONE, BranchTrainingListener.NONE,
                CancellationToken.NEVER);
    }

    @Test
    void theCascadeSavesComputeAtSmallAccuracyLossInBothModes() {
        RunMetrics metrics = run.metrics();
        // ONNX Runtime's backbone accuracy is PyTorch's, as the fixture's README states it.
        assertEquals(0.8944, metrics.backbone().testAccuracy(), 1e-9);
        assertEquals(EXITS, metrics.backbone().exitVertices());
        assertEquals(15_877_376L, metrics.backbone().totalMacs());
        assertTrue(metrics.backbone().description().startsWith("ONNX small-resnet.onnx"));
        for (BranchTrainingMode mode : List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED)) {
            RunMetrics.CascadeMetrics test = metrics.mode(mode).orElseThrow().test();
            assertEquals(2500, test.samples());
            assertTrue(test.computeReduction() > 0.1, mode + ": " + test);
            assertTrue(test.accuracyDropPoints() <= 2.0, mode + ": " + test);
        }
    }

    @Test
    void theCachedExitFeaturesAreThoseTheSegmentsCompute() throws Exception {
        OnnxBackbone backbone = OnnxBackbone.load(MODEL).withExitPoints(new org.exitbench.model.ExitPoints(EXITS));
        FeatureCache cache = FeatureCache.load(workspace.pipeline().cacheFolder(dataset, backbone, 1));
        SplitFeatures test = cache.split(Split.TEST);
        ImageDataset images = dataset.split(Split.TEST);
        OnnxSegments.Segments segments = backbone.segments();
        int n = 16;
        byte[] image = new byte[images.imageBytes()];
        float[] x = new float[n * 1024];
        for (int i = 0; i < n; i++) {
            images.copyImage(i * 150, image, 0);
            for (int p = 0; p < 1024; p++) {
                x[i * 1024 + p] = backbone.stats().normalize(0, image[p] & 0xFF);
            }
        }
        long[] shape = {n, 1, 32, 32};
        for (int k = 0; k < EXITS.size(); k++) {
            try (OrtSession session = OnnxRuntimeSessions.open(segments.segments().get(k).toByteArray(), 1);
                 OnnxTensor in = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(segments.inputs().get(k), in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                shape = out.getInfo().getShape();
                FloatBuffer values = out.getFloatBuffer();
                x = new float[values.remaining()];
                values.get(x);
            }
            int c = (int) shape[1];
            float[] pooled = new float[n * c];
            FeaturePooling.GLOBAL_AVERAGE.pool(x, n, c, (int) shape[2], (int) shape[3], pooled, 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    assertEquals(test.features(k)[(i * 150) * c + j], pooled[i * c + j], 1e-5,
                            "exit " + k + ", image " + i * 150 + ", channel " + j);
                }
            }
        }
    }

    @Test
    void theExportedCascadeOfTheImportedBackboneExitsAsTheWorkbenchOnEveryTestImage(@TempDir Path temp) {
        ImageDataset images = dataset.split(Split.TEST);
        int n = images.size();
        for (BranchTrainingMode mode : List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED)) {
            ExperimentRun.ModeResult result = run.mode(mode).orElseThrow();
            for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
                Path out = temp.resolve(mode + "-" + shape);
                OnnxCascadeExport.Result export = CascadeExport.writeOnnx(run, mode, null, null, shape, out);
                assertEquals("onnx", export.manifest().backboneSource());
                int[] leaving = new int[EXITS.size() + 1];
                try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(out), 1, 1)) {
                    CascadeEvaluator evaluator = new CascadeEvaluator(result.testScores(), onnx.cascade().costModel());
                    evaluator.evaluate(result.thresholds());
                    List<Prediction> predictions = onnx.predict(images, 0, n);
                    for (int i = 0; i < n; i++) {
                        Prediction p = predictions.get(i);
                        String what = mode + ", " + shape + ", image " + i;
                        assertEquals(evaluator.exitOf(i), p.exit(), what + ": exit as the workbench's evaluation");
                        assertEquals(evaluator.predictionOf(i), p.classIndex(), what + ": class as the workbench's");
                        leaving[p.exit()]++;
                    }
                }
                for (int exit = 0; exit < EXITS.size(); exit++) {
                    assertTrue(leaving[exit] > 0, mode + ", " + shape + ": exit " + exit + " takes images");
                }
            }
        }
    }

    @Test
    void theZipExportOfAnImportedBackboneSaysToExportAsOnnx(@TempDir Path temp) {
        ExperimentException refused = org.junit.jupiter.api.Assertions.assertThrows(ExperimentException.class,
                () -> CascadeExport.write(run, BranchTrainingMode.BOOSTED, null, temp.resolve("cascade.zip")));
        assertTrue(refused.getMessage().contains("--format onnx"), refused.getMessage());
    }
}
