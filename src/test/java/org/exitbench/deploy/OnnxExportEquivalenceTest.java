package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxExportException;
import org.exitbench.deploy.onnx.OnnxManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX export of the sample's cascade (shipped backbone, three branches) in both shapes, on every image of the
 * sample's test split: each image leaves at the same exit with the same class as in the workbench's evaluation
 * (cached features, CascadeEvaluator) and in the DL4J predictor, with confidences within 1e-4; for both exit rules.
 */
@Tag("slow")
class OnnxExportEquivalenceTest {

    private static SampleCascade sample;
    private static Path dir;

    @BeforeAll
    static void scoreTheWholeTestSplit(@TempDir Path temp) {
        dir = temp;
        sample = SampleCascade.loadWholeTestSplit();
    }

    @Test
    void bothShapesAnswerAsTheWorkbenchAndTheDl4jPredictorOnEveryTestImage() {
        int n = sample.images.size();
        assertEquals(2500, n, "the sample's whole test split");
        for (ExitRule rule : List.of(ExitRule.MAX_SOFTMAX, ExitRule.ENTROPY)) {
            Thresholds thresholds = sample.medianThresholds(rule);
            CascadeParts parts = sample.parts(thresholds);
            Path zip = dir.resolve(rule + ".zip");
            CascadeFile.save(parts, zip);
            EarlyExitPredictor dl4j = EarlyExitPredictor.load(zip);
            List<Prediction> reference = dl4j.predict(sample.images, 0, n);
            ExitScores scores = sample.scores;
            CascadeEvaluator evaluator = new CascadeEvaluator(scores, dl4j.cascade().costModel());
            evaluator.evaluate(thresholds);
            int exits = scores.exitCount();
            for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
                Path folder = dir.resolve(rule + "-" + shape.label());
                OnnxCascadeExport.Result result = OnnxCascadeExport.export(parts, sample.images, shape, folder);
                assertEquals(OnnxCascadeExport.CHECK_IMAGES, result.manifest().check().cascadeAgrees());
                try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(folder), 1, 3)) {
                    List<Prediction> predictions = onnx.predict(sample.images, 0, n);
                    int[] leaving = new int[exits + 1];
                    for (int i = 0; i < n; i++) {
                        Prediction p = predictions.get(i);
                        String what = rule + ", " + shape + ", image " + i;
                        assertEquals(evaluator.exitOf(i), p.exit(), what + ": exit as the workbench's evaluation");
                        assertEquals(evaluator.predictionOf(i), p.classIndex(), what + ": class as the workbench's");
                        assertEquals(reference.get(i).exit(), p.exit(), what + ": exit as the DL4J predictor");
                        assertEquals(reference.get(i).classIndex(), p.classIndex(), what + ": class as DL4J's");
                        float workbench = p.exit() < exits ? scores.confidence(p.exit(), i)
                                : scores.backboneTopProbability(i, 0);
                        assertEquals(workbench, p.confidence(), 1e-4f, what + ": confidence as the workbench's");
                        assertEquals(reference.get(i).confidence(), p.confidence(), 1e-4f,
                                what + ": confidence as DL4J's");
                        leaving[p.exit()]++;
                    }
                    for (int e = 0; e <= exits; e++) {
                        assertTrue(leaving[e] > 0, rule + ", " + shape + ": every exit takes images: "
                                + java.util.Arrays.toString(leaving));
                    }
                }
            }
        }
    }

    /**
     * The path an imported ONNX backbone takes (segments given as ModelProtos, not written from DL4J here): with the
     * sample's backbone handed over as ONNX segments, both shapes answer as the workbench on every test image.
     */
    @Test
    void aBackboneGivenAsOnnxSegmentsExportsAndAnswersAsTheWorkbench() {
        Thresholds thresholds = sample.medianThresholds(ExitRule.MAX_SOFTMAX);
        OnnxCascadeExport.SegmentedBackbone backbone = OnnxCascadeExport.segmentsOf(sample.backbone,
                sample.backbone.exitPoints().vertices());
        ExitScores scores = sample.scores;
        int n = sample.images.size();
        for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
            Path folder = dir.resolve("imported-" + shape.label());
            OnnxCascadeExport.Result result = OnnxCascadeExport.export(backbone, sample.branches,
                    org.exitbench.model.FeaturePooling.GLOBAL_AVERAGE, thresholds, SampleCascade.provenance(),
                    sample.images, shape, folder);
            assertEquals("onnx", result.manifest().backboneSource());
            try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(folder), 1, 3)) {
                CascadeEvaluator evaluator = new CascadeEvaluator(scores, onnx.cascade().costModel());
                evaluator.evaluate(thresholds);
                List<Prediction> predictions = onnx.predict(sample.images, 0, n);
                for (int i = 0; i < n; i++) {
                    Prediction p = predictions.get(i);
                    assertEquals(evaluator.exitOf(i), p.exit(), shape + ": exit of image " + i);
                    assertEquals(evaluator.predictionOf(i), p.classIndex(), shape + ": class of image " + i);
                }
            }
        }
    }

    /**
     * An imported backbone as PyTorch or TensorFlow export it: the head gives logits (a softmax is appended), and the
     * first segment reads the image channels-last (a transpose is put before it).
     */
    @Test
    void anImportedHeadGivingLogitsAndAChannelsLastInputAreAdapted() {
        Thresholds thresholds = sample.medianThresholds(ExitRule.MAX_SOFTMAX);
        OnnxCascadeExport.SegmentedBackbone dl4j = OnnxCascadeExport.segmentsOf(sample.backbone,
                sample.backbone.exitPoints().vertices());
        List<onnx.Onnx.ModelProto> segments = new java.util.ArrayList<>(dl4j.segments());
        onnx.Onnx.GraphProto first = segments.get(0).getGraph();
        String image = first.getInput(0).getName();
        onnx.Onnx.GraphProto.Builder nhwc = first.toBuilder().clearNode()
                .addNode(onnx.Onnx.NodeProto.newBuilder().setOpType("Transpose").addInput(image + "_nhwc")
                        .addOutput(image).addAttribute(onnx.Onnx.AttributeProto.newBuilder().setName("perm")
                                .setType(onnx.Onnx.AttributeProto.AttributeType.INTS).addInts(0).addInts(3)
                                .addInts(1).addInts(2)))
                .addAllNode(first.getNodeList());
        nhwc.setInput(0, first.getInput(0).toBuilder().setName(image + "_nhwc").setType(onnx.Onnx.TypeProto
                .newBuilder().setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(onnx.Onnx.TensorProto.DataType.FLOAT.getNumber()))));
        segments.set(0, segments.get(0).toBuilder().setGraph(nhwc).build());
        onnx.Onnx.GraphProto head = segments.get(segments.size() - 1).getGraph();
        onnx.Onnx.NodeProto softmax = head.getNode(head.getNodeCount() - 2);
        assertEquals("Softmax", softmax.getOpType(), "the head ends in softmax, then the output's identity");
        onnx.Onnx.GraphProto.Builder logits = head.toBuilder().removeNode(head.getNodeCount() - 1)
                .removeNode(head.getNodeCount() - 2);
        logits.setOutput(0, head.getOutput(0).toBuilder().setName(softmax.getInput(0)));
        segments.set(segments.size() - 1, segments.get(segments.size() - 1).toBuilder().setGraph(logits).build());
        OnnxCascadeExport.SegmentedBackbone imported = new OnnxCascadeExport.SegmentedBackbone(segments,
                dl4j.exitNames(), dl4j.classNames(), dl4j.stats(), dl4j.channels(), dl4j.height(), dl4j.width(),
                dl4j.macsToExit(), dl4j.fullMacs(), true, true);
        Path folder = dir.resolve("imported-logits-nhwc");
        OnnxCascadeExport.export(imported, sample.branches, org.exitbench.model.FeaturePooling.GLOBAL_AVERAGE,
                thresholds, SampleCascade.provenance(), sample.images, OnnxCascadeExport.Shape.SINGLE, folder);
        try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(folder), 1, 3)) {
            CascadeEvaluator evaluator = new CascadeEvaluator(sample.scores, onnx.cascade().costModel());
            evaluator.evaluate(thresholds);
            int n = 500;
            List<Prediction> predictions = onnx.predict(sample.images, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(evaluator.exitOf(i), predictions.get(i).exit(), "exit of image " + i);
                assertEquals(evaluator.predictionOf(i), predictions.get(i).classIndex(), "class of image " + i);
            }
        }
    }

    @Test
    void theSegmentsRunOnlyUpToTheExitThatFires() {
        Path folder = dir.resolve("always");
        OnnxCascadeExport.export(sample.parts(Thresholds.always(3, 10)), sample.images,
                OnnxCascadeExport.Shape.SEGMENTS, folder);
        try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(OnnxCascade.load(folder), 1, 3)) {
            for (Prediction p : onnx.predict(sample.images, 0, 40)) {
                assertEquals(0, p.exit());
                assertEquals(1, p.segmentNanos().length, "only the first segment ran");
                assertEquals(1, p.branchNanos().length, "only the first exit ran");
            }
        }
    }

    @Test
    void theManifestDescribesTheExportAndAModifiedModelIsRefused() throws IOException {
        Path folder = dir.resolve("tamper");
        OnnxCascadeExport.Result result = OnnxCascadeExport.export(sample.parts(sample.medianThresholds(
                ExitRule.MAX_SOFTMAX)), sample.images, OnnxCascadeExport.Shape.SINGLE, folder);
        OnnxManifest manifest = OnnxCascade.load(folder).manifest();
        assertEquals(OnnxManifest.SINGLE, manifest.shape());
        assertEquals(sample.images.classNames(), manifest.classNames());
        assertEquals(List.of(1, sample.images.height(), sample.images.width()), List.of(manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth()));
        assertEquals(sample.backbone.stats(), manifest.stats());
        assertEquals(sample.backbone.exitPoints().vertices(), manifest.exits().stream()
                .map(OnnxManifest.Exit::vertex).toList());
        assertEquals(sample.backbone.macTable().total(), manifest.fullBackboneMacs());
        assertNotNull(manifest.provenance());
        assertEquals(Files.size(folder.resolve(OnnxCascadeExport.CASCADE)),
                result.sizes().get(OnnxCascadeExport.CASCADE));
        for (double difference : manifest.check().worstDifference().values()) {
            assertTrue(difference <= OnnxCascadeExport.TOLERANCE, "checked within tolerance: " + difference);
        }

        byte[] model = Files.readAllBytes(folder.resolve(OnnxCascadeExport.CASCADE));
        model[model.length / 2] ^= 1;
        Files.write(folder.resolve(OnnxCascadeExport.CASCADE), model);
        OnnxExportException refused = assertThrows(OnnxExportException.class, () -> OnnxCascade.load(folder));
        assertTrue(refused.getMessage().contains(OnnxCascadeExport.CASCADE), refused.getMessage());
    }
}
