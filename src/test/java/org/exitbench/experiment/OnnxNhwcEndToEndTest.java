package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.Prediction;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxMeasuredSpeedup;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.model.onnx.OnnxGraph;
import org.exitbench.model.onnx.OnnxRuntimeSessions;
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
 * The channels-last twin of the ONNX fixture (bench/pytorch/make_nhwc_fixture.py: input [N, 32, 32, 1] transposed to
 * NCHW, as TensorFlow exports look) through the whole pipeline: import → feature cache → branches → CPM → ONNX export
 * in both shapes → ONNX Runtime predictor. The export's own input stays NCHW pixels; its first segment reads the
 * image channels last.
 */
@Tag("slow")
class OnnxNhwcEndToEndTest {

    static final Path MODEL = SampleBackbone.SAMPLE.resolve("onnx").resolve("small-resnet-nhwc.onnx");
    static final List<String> EXITS = OnnxBackboneEndToEndTest.EXITS;

    private static Dataset dataset;
    private static ExperimentRun run;

    @BeforeAll
    static void runOnTheSample() {
        Workspace workspace = Workspace.at(Path.of("target", "test-fixtures", "onnx-nhwc-workspace"));
        dataset = DatasetReaders.read(SampleBackbone.SAMPLE);
        ExperimentConfig config = ExperimentConfig.fromJson("""
                {"exitPoints": ["%s", "%s"],
                 "training": {"modes": ["boosted"], "epochs": 4, "learningRate": 0.01, "batchSize": 256,
                              "patience": 4},
                 "cpm": {"margin": 0.0, "marginForm": "multiplicative"}}""".formatted(EXITS.get(0), EXITS.get(1)),
                null).withDataset(SampleBackbone.SAMPLE.toString()).withBackbone(MODEL.toString());
        run = workspace.pipeline().run(config, dataset, ProgressListener.NONE, BranchTrainingListener.NONE,
                CancellationToken.NEVER);
    }

    @Test
    void theTwinIsReadAsChannelsLastAndAnswersAsTheNchwFixture() throws Exception {
        OnnxBackbone twin = OnnxBackbone.load(MODEL);
        assertEquals(OnnxGraph.Layout.NHWC, twin.graph().input().layout());
        assertEquals(List.of(1, 32, 32), List.of(twin.inputChannels(), twin.inputHeight(), twin.inputWidth()));
        ImageDataset images = dataset.split(Split.TEST);
        int n = 8;
        float[] nchw = new float[n * 1024];
        byte[] image = new byte[images.imageBytes()];
        for (int i = 0; i < n; i++) {
            images.copyImage(i * 300, image, 0);
            for (int p = 0; p < 1024; p++) {
                nchw[i * 1024 + p] = twin.stats().normalize(0, image[p] & 0xFF);
            }
        }
        // One channel: channels-last holds the same values in the same order; only the declared shape differs.
        float[] twinLogits = logits(MODEL, nchw, new long[] {n, 32, 32, 1});
        float[] fixtureLogits = logits(OnnxBackboneEndToEndTest.MODEL, nchw, new long[] {n, 1, 32, 32});
        assertArrayEquals(fixtureLogits, twinLogits, 1e-6f);
        assertEquals(0.8944, run.metrics().backbone().testAccuracy(), 1e-9, "the twin's accuracy is the fixture's");
    }

    @Test
    void bothExportShapesOfTheChannelsLastBackboneExitAsTheWorkbenchOnEveryTestImage(@TempDir Path temp)
            throws Exception {
        ImageDataset images = dataset.split(Split.TEST);
        int n = images.size();
        ExperimentRun.ModeResult result = run.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
            Path out = temp.resolve(shape.label());
            OnnxCascadeExport.Result export = CascadeExport.writeOnnx(run, BranchTrainingMode.BOOSTED, null, null,
                    shape, out);
            assertEquals(List.of(1, 32, 32), List.of(export.manifest().inputChannels(),
                    export.manifest().inputHeight(), export.manifest().inputWidth()), "the export takes NCHW pixels");
            String first = shape == OnnxCascadeExport.Shape.SINGLE ? OnnxCascadeExport.CASCADE
                    : export.manifest().exits().get(0).segment();
            Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(out.resolve(first)));
            assertTrue(model.getGraph().getNodeList().stream().anyMatch(node -> node.getOpType().equals("Transpose")
                    && node.getOutput(0).startsWith("normalised_nhwc")), "the image is handed on channels last");
            int[] leaving = new int[EXITS.size() + 1];
            try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(out), 1, 1)) {
                CascadeEvaluator evaluator = new CascadeEvaluator(result.testScores(), onnx.cascade().costModel());
                evaluator.evaluate(result.thresholds());
                List<Prediction> predictions = onnx.predict(images, 0, n);
                for (int i = 0; i < n; i++) {
                    Prediction p = predictions.get(i);
                    assertEquals(evaluator.exitOf(i), p.exit(), shape + ", image " + i + ": exit");
                    assertEquals(evaluator.predictionOf(i), p.classIndex(), shape + ", image " + i + ": class");
                    leaving[p.exit()]++;
                }
            }
            for (int exit = 0; exit < EXITS.size(); exit++) {
                assertTrue(leaving[exit] > 0, shape + ": exit " + exit + " takes images");
            }
        }
    }

    @Test
    void theAppsSpeedupJobTimesARunOnAnImportedBackboneOnOnnxRuntimeAloneAndSavesIt() {
        ExperimentRun.ModeResult result = run.mode(BranchTrainingMode.BOOSTED).orElseThrow();
        SpeedupJob job = new SpeedupJob(run.folder(), BranchTrainingMode.BOOSTED, result.thresholds(), dataset, 60,
                10);
        assertTrue(SpeedupJob.importedBackbone(run));
        SpeedupJob.BothEngines engines = job.measure(false, ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(null, engines.dl4j(), "DL4J cannot run an imported backbone");
        OnnxMeasuredSpeedup onnx = engines.onnx();
        List<OnnxMeasuredSpeedup> saved = OnnxMeasuredSpeedup.readAll(run.folder());
        assertEquals(1, saved.size(), "saved with the run");
        assertEquals(onnx.describe(), saved.get(0).describe());
        assertArrayEquals(onnx.leaving(), saved.get(0).leaving());
        assertEquals(run.id(), onnx.runId());
        assertEquals(60, onnx.samples());
        assertTrue(onnx.theoretical() > 1 && onnx.measured() > 0, onnx.describe());
        assertEquals(Optional.of(result.thresholds()), onnx.thresholdsMeasured(run.folder()));
    }

    private static float[] logits(Path model, float[] values, long[] shape) throws Exception {
        try (OrtSession session = OnnxRuntimeSessions.open(Files.readAllBytes(model), 1);
             OnnxTensor in = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), FloatBuffer.wrap(values),
                     shape);
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] logits = new float[out.remaining()];
            out.get(logits);
            return logits;
        }
    }
}
