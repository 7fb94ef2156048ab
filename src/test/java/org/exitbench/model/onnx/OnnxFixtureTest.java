package org.exitbench.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.MacTable;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed PyTorch-trained fixture through ONNX Runtime: logits, inspection, MACs, exits and segments. */
class OnnxFixtureTest {

    private static OnnxBackbone backbone;
    private static OnnxFixture.Reference reference;

    @BeforeAll
    static void load() {
        backbone = OnnxBackbone.load(OnnxFixture.MODEL);
        reference = OnnxFixture.reference();
    }

    @Test
    void onnxRuntimeLogitsEqualPyTorchsReference() {
        try (BackboneFeatures features = backbone.features(FeaturePooling.GLOBAL_AVERAGE, 3, 1)) {
            SplitFeatures split = features.extract(reference.images(), ProgressListener.NONE, CancellationToken.NEVER);
            int classes = backbone.numClasses();
            double worst = 0;
            for (int i = 0; i < reference.images().size(); i++) {
                for (int k = 0; k < classes; k++) {
                    float expected = reference.logits()[i][k];
                    float actual = split.logits()[i * classes + k];
                    worst = Math.max(worst, Math.abs(expected - actual) / Math.max(1, Math.abs(expected)));
                }
            }
            assertTrue(worst <= 1e-5, "largest difference to PyTorch's logits " + worst);
        }
    }

    @Test
    void inspectionFindsTheInputTheStagesAndTheDefaultExits() {
        OnnxGraph graph = backbone.graph();
        assertEquals("input", graph.input().name());
        assertEquals(OnnxGraph.Layout.NCHW, graph.input().layout());
        assertEquals(List.of(1, 32, 32), List.of(graph.input().channels(), graph.input().height(),
                graph.input().width()));
        assertEquals("logits", graph.output());
        assertEquals(10, graph.numClasses());
        assertEquals(List.of("ankle-boot", "bag", "coat", "dress", "pullover", "sandal", "shirt", "sneaker",
                "t-shirt-top", "trouser"), backbone.classNames());
        // Stem conv, stem ReLU and each block's sum and output cut the graph; nothing inside a residual block does,
        // and maps after the last convolution are no candidates (an exit there would save only the head).
        assertEquals(List.of("/stem/stem.0/Conv_output_0", "/stem/stem.2/Relu_output_0",
                "/stages/stages.0/Add_output_0", "/stages/stages.0/Relu_1_output_0",
                "/stages/stages.1/Add_output_0", "/stages/stages.1/Relu_1_output_0",
                "/stages/stages.2/Add_output_0", "/stages/stages.2/Relu_1_output_0"),
                graph.candidates().stream().map(OnnxGraph.Candidate::tensor).toList());
        assertEquals(List.of("/stages/stages.0/Relu_1_output_0", "/stages/stages.1/Relu_1_output_0",
                "/stages/stages.2/Relu_1_output_0"), backbone.exitPoints().vertices());
        assertEquals("64×8×8", graph.candidates().get(7).shapeText());
        assertTrue(graph.candidates().get(3).stageEnd());
        assertTrue(!graph.candidates().get(2).stageEnd());
    }

    @Test
    void macsEqualThoseOfTheSameNetworkInDl4j() {
        // The shipped DL4J backbone has the same architecture; its MacCounter is the reference convention.
        MacTable dl4j = BackboneFile.load(OnnxFixture.SAMPLE.resolve("backbone.zip"), false).macTable();
        MacTable onnx = backbone.macTable();
        assertEquals(dl4j.total(), onnx.total());
        for (int e = 0; e < 4; e++) {
            assertEquals(dl4j.cumulativeMacs(e), onnx.cumulativeMacs(e), "exit " + e);
        }
    }

    @Test
    void segmentsRunInSequenceGiveTheWholeGraphsLogits() throws Exception {
        OnnxSegments.Segments segments = backbone.segments();
        assertEquals(4, segments.segments().size());
        assertEquals(backbone.exitPoints().vertices(), segments.taps());
        assertArrayEquals(new long[] {1, 1, 32, 32}, segments.imageShape());
        FloatBuffer image = OnnxFeatureExtractor.normalised(reference.images(), 0, 2, backbone.graph().input(),
                backbone.stats());
        float[] values = new float[image.remaining()];
        image.get(values);
        long[] shape = {2, 1, 32, 32};
        for (int k = 0; k < segments.segments().size(); k++) {
            try (OrtSession session = OnnxRuntimeSessions.open(segments.segments().get(k).toByteArray(), 1);
                 OnnxTensor x = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), FloatBuffer.wrap(values),
                         shape);
                 OrtSession.Result result = session.run(Map.of(segments.inputs().get(k), x))) {
                OnnxTensor y = (OnnxTensor) result.get(0);
                shape = y.getInfo().getShape();
                FloatBuffer out = y.getFloatBuffer();
                values = new float[out.remaining()];
                out.get(values);
            }
        }
        assertArrayEquals(new long[] {2, 10}, shape);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 10; k++) {
                assertEquals(reference.logits()[i][k], values[i * 10 + k],
                        1e-5 * Math.max(1, Math.abs(reference.logits()[i][k])));
            }
        }
    }
}
