package org.exitbench.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import onnx.Onnx;
import org.junit.jupiter.api.Test;

/** Exact MACs, cut candidates and default exits on graphs built here. */
class OnnxGraphTest {

    private static final Path FILE = Path.of("generated.onnx");

    @Test
    void resNet18At224HasThePublishedMacs() {
        OnnxGraph graph = OnnxGraph.inspect(FILE, TestGraphs.resnet18(224), null, null);
        // Conv + linear of torchvision's ResNet-18, the published "1.8 GFLOPs".
        assertEquals(1_814_073_344L, graph.totalMacs());
        assertEquals(1000, graph.numClasses());
        // The defaults are the ends of layer1, layer2 and layer3 (the stem's end splits less evenly).
        List<String> defaults = graph.defaultExits(3);
        assertEquals(3, defaults.size());
        List<String> ends = graph.candidates().stream().filter(OnnxGraph.Candidate::stageEnd)
                .map(OnnxGraph.Candidate::tensor).toList();
        assertEquals(4, ends.size(), "stem, layer1, layer2, layer3 ends: " + ends);
        assertEquals(ends.subList(1, 4), defaults);
        assertEquals("128×28×28", graph.candidate(defaults.get(1)).shapeText());
    }

    @Test
    void groupedDepthwiseConvolutionsGemmAndMatMulAreCountedFromTheirShapes() {
        TestGraphs t = new TestGraphs().input("x", -1, 8, 10, 10);
        String grouped = t.conv("x", 8, 16, 3, 1, 1, 4);          // 16×10×10 outputs × (8/4)·9
        String depthwise = t.conv(grouped, 16, 16, 3, 2, 1, 16);  // 16×5×5 outputs × 1·9
        String pointwise = t.conv(depthwise, 16, 4, 1, 1, 0, 1);  // 4×5×5 outputs × 16
        String flat = t.op("Flatten", pointwise);                 // 100 values
        String hidden = t.matMul(flat, 100, 20);                  // 20 outputs × 100
        String logits = t.gemm(hidden, 20, 3);                    // 3 outputs × 20
        OnnxGraph graph = OnnxGraph.inspect(FILE, t.model(logits, -1, 3), null, null);
        long expected = 1600L * 18 + 400L * 9 + 100L * 16 + 20L * 100 + 3L * 20;
        assertEquals(expected, graph.totalMacs());
        // Every feature map of this chain cuts it; the depthwise output's MACs are those of the two convs before.
        assertEquals(1600L * 18 + 400L * 9, graph.candidate(depthwise).cumulativeMacs());
    }

    @Test
    void aTensorInsideAResidualBlockDoesNotCutTheGraph() {
        TestGraphs t = new TestGraphs().input("x", -1, 4, 8, 8);
        String stem = t.op("Relu", t.conv("x", 4, 8, 3, 1, 1, 1));
        String inner = t.op("Relu", t.conv(stem, 8, 8, 3, 1, 1, 1));
        String sum = t.op("Add", t.conv(inner, 8, 8, 3, 1, 1, 1), stem);
        String logits = t.gemm(t.op("Flatten", t.op("GlobalAveragePool", t.conv(sum, 8, 8, 3, 1, 1, 1))), 8, 2);
        OnnxGraph graph = OnnxGraph.inspect(FILE, t.model(logits, -1, 2), null, null);
        assertTrue(graph.cuts(stem));
        assertTrue(graph.cuts(sum));
        assertTrue(!graph.cuts(inner));
        assertEquals(null, graph.candidate(inner));
    }

    static Onnx.ModelProto chain() {
        TestGraphs t = new TestGraphs().input("x", -1, 1, 8, 8);
        String a = t.op("Relu", t.conv("x", 1, 4, 3, 1, 1, 1));
        String b = t.op("Relu", t.conv(a, 4, 8, 3, 2, 1, 1));
        return t.model(t.gemm(t.op("Flatten", t.op("GlobalAveragePool", b)), 8, 3), -1, 3);
    }
}
