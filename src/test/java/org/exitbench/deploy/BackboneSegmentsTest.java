package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.TrainedBackbone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Splitting the sample's shipped backbone at its stage outputs, and joining the pieces again. */
@Tag("slow")
class BackboneSegmentsTest {

    private static TrainedBackbone backbone;
    private static INDArray images;

    @BeforeAll
    static void loadTheShippedBackbone() {
        backbone = BackboneFile.load(SampleCascade.SAMPLE.resolve("backbone.zip"), false);
        ImageDataset test = DatasetReaders.read(SampleCascade.SAMPLE).split(Split.TEST);
        ImageDataset some = test.subset(IntStream.range(0, 16).map(i -> i * 150).toArray());
        images = ImageDataSetIterator.inOrder(some, 16, backbone.stats()).next().getFeatures();
    }

    @Test
    void chainedSegmentsComputeExactlyWhatTheWholeBackboneComputes() {
        List<String> cuts = List.of("stage1", "stage2", "stage3");
        List<ComputationGraph> segments = BackboneSegments.split(backbone.graph(), backbone.inputType(), cuts);
        assertEquals(4, segments.size());
        INDArray x = images;
        for (int s = 0; s < segments.size(); s++) {
            x = segments.get(s).outputSingle(false, x);
            if (s < cuts.size()) {
                INDArray stage = backbone.graph().feedForward(images, false).get(cuts.get(s));
                assertArrayEquals(stage.dup('c').data().asFloat(), x.dup('c').data().asFloat(),
                        "the map at " + cuts.get(s));
            }
        }
        float[] whole = backbone.graph().outputSingle(false, images).dup('c').data().asFloat();
        assertArrayEquals(whole, x.dup('c').data().asFloat(), "the softmax head, bit for bit");
        ComputationGraph joined = BackboneSegments.join(segments, backbone.inputType());
        assertArrayEquals(whole, joined.outputSingle(false, images).dup('c').data().asFloat(), "joined again");
        assertEquals(backbone.graph().numParams(), joined.numParams());
    }

    @Test
    void everyVertexLandsInExactlyOneSegment() {
        List<List<String>> plan = BackboneSegments.plan(backbone.graph(), List.of("stage1", "stage3"));
        assertEquals(3, plan.size());
        assertEquals("stage1", plan.get(0).get(plan.get(0).size() - 1));
        assertEquals("stage3", plan.get(1).get(plan.get(1).size() - 1));
        assertEquals("output", plan.get(2).get(plan.get(2).size() - 1));
        List<String> all = new ArrayList<>();
        plan.forEach(all::addAll);
        Set<String> expected = new HashSet<>(backbone.graph().getConfiguration().getVertices().keySet());
        assertEquals(expected, new HashSet<>(all));
        assertEquals(expected.size(), all.size());
    }

    @Test
    void aCutThatAConnectionCrossesIsRefusedNamingIt() {
        // Inside stage 2's block the projection shortcut reads stage1, which lies before a cut at s2b1_conv1.
        IllegalArgumentException crossing = assertThrows(IllegalArgumentException.class,
                () -> BackboneSegments.plan(backbone.graph(), List.of("s2b1_conv1")));
        assertEquals("cannot cut at 's2b1_conv1': vertex 's2b1_proj_conv' after the cut also reads 'stage1' from "
                + "before it", crossing.getMessage());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> BackboneSegments.plan(backbone.graph(), List.of("stage2", "stage1")));
        assertEquals("cut 'stage1' does not follow 'stage2': cuts must lie on the path from the input to the "
                + "output, shallow to deep", order.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BackboneSegments.plan(backbone.graph(), List.of("stage9")));
        assertEquals("'stage9' is not a vertex of the network", unknown.getMessage());
    }
}
