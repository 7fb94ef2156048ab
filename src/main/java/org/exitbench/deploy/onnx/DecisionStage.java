package org.exitbench.deploy.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.ExitDecisionRule;

/**
 * A segments-shape stage ({@link CascadeOnnxAssembler#stage}) with exit k's decision written into it, so the
 * predictor makes the exit test of a derived rule in the same ONNX Runtime call as the segment and the branch: one
 * call per exit instead of two (a separate call cost more than the decision's operators at batch 1). The decision is
 * the graph {@link DecisionOnnxWriter} writes into the export's decision files, from the same rule and thresholds.
 * The stage gains, for k &gt; 0, the inputs {@value DecisionOnnxWriter#PREVIOUS_CLASS} and
 * {@value DecisionOnnxWriter#PREVIOUS_CONFIDENCE}, and the output {@value DecisionOnnxWriter#FIRES}.
 */
final class DecisionStage {

    private DecisionStage() {
    }

    /** @return the stage with exit k's decision on its {@value CascadeOnnxAssembler#PROBABILITIES} output */
    static Onnx.ModelProto withDecision(Onnx.ModelProto stage, ExitDecisionRule rule, Thresholds thresholds, int k,
                                        int classes) {
        Onnx.GraphProto graph = stage.getGraph();
        Set<String> taken = new HashSet<>();
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        for (Onnx.NodeProto node : graph.getNodeList()) {
            taken.add(node.getName());
            taken.addAll(node.getOutputList());
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder(graph.getName(), taken);
        g.absorb(graph);
        String probabilities = CascadeOnnxAssembler.PROBABILITIES;
        List<DecisionOnnxWriter.Answer> answers = new ArrayList<>();
        if (k > 0) {
            g.input(DecisionOnnxWriter.PREVIOUS_CLASS, Onnx.TensorProto.DataType.INT64, "batch", (long) k);
            g.input(DecisionOnnxWriter.PREVIOUS_CONFIDENCE, Onnx.TensorProto.DataType.FLOAT, "batch", (long) k);
            for (int j = 0; j < k; j++) {
                String column = g.longs("previous_column" + (j + 1), new long[] {j});
                answers.add(new DecisionOnnxWriter.Answer(null, g.node("Gather", "previous_class_e" + (j + 1),
                        List.of(DecisionOnnxWriter.PREVIOUS_CLASS, column), OnnxGraphBuilder.integer("axis", 1)),
                        g.node("Gather", "previous_confidence_e" + (j + 1), List.of(
                                DecisionOnnxWriter.PREVIOUS_CONFIDENCE, column), OnnxGraphBuilder.integer("axis", 1))));
            }
        }
        String predicted = g.node("ArgMax", "stage_class_e" + (k + 1), List.of(probabilities),
                OnnxGraphBuilder.integer("axis", 1), OnnxGraphBuilder.integer("keepdims", 0));
        String confidence = g.node("ReduceMax", "stage_confidence_e" + (k + 1), List.of(probabilities),
                OnnxGraphBuilder.ints("axes", 1), OnnxGraphBuilder.integer("keepdims", 0));
        answers.add(new DecisionOnnxWriter.Answer(probabilities, predicted, confidence));
        String score = DecisionOnnxWriter.score(g, rule, k, classes, answers);
        String fires = DecisionOnnxWriter.fires(g, thresholds, k, score, predicted);
        g.add("Identity", List.of(fires), List.of(g.reserve(DecisionOnnxWriter.FIRES)));
        Onnx.GraphProto added = g.build();
        // The stage's own input stays first: the predictor feeds it as before.
        Onnx.GraphProto.Builder built = added.toBuilder().clearInput().addAllInput(graph.getInputList())
                .addAllInput(added.getInputList());
        built.addAllOutput(graph.getOutputList());
        built.addOutput(OnnxGraphBuilder.valueInfo(DecisionOnnxWriter.FIRES, Onnx.TensorProto.DataType.BOOL, "batch"));
        return stage.toBuilder().setGraph(built).build();
    }
}
