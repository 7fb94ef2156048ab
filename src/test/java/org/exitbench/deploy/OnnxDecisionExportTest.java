package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.AgreementRule;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.HeadTrainer;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.cascade.decision.TemperatureRule;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.deploy.onnx.OnnxExportException;
import org.exitbench.deploy.onnx.OnnxManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Derived exit decision rules (issue 20) in the ONNX export: temperature scaling, learned heads (logistic and one
 * hidden layer, reading earlier exits' answers) and agreement, written as ONNX operators in both shapes. On the
 * sample's cascade (shipped backbone, three branches, 300 test images) every image leaves the exported cascade at
 * the exit and with the class the workbench's evaluator gives it under the same rule and thresholds.
 */
class OnnxDecisionExportTest {

    private static SampleCascade sample;
    private static DecisionInputs inputs;
    private static LearnedHeadRule logistic;
    private static LearnedHeadRule mlp;
    private static Path dir;

    @BeforeAll
    static void trainHeads(@TempDir Path temp) {
        dir = temp;
        sample = SampleCascade.load();
        ExitScores s = sample.scores;
        int n = s.sampleCount();
        int[] backbone = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            backbone[i] = s.backbonePredicted(i);
            labels[i] = s.label(i);
        }
        inputs = DecisionInputs.of(sample.exitProbabilities(), 10);
        logistic = new HeadTrainer(HeadTrainer.Settings.defaults(5).withHidden(0)).train(inputs, backbone, labels,
                null);
        mlp = new HeadTrainer(HeadTrainer.Settings.defaults(7).withHidden(6)).train(inputs, backbone, labels, null);
    }

    @Test
    void everyDerivedRuleExportsToBothShapesAndExitsAsTheWorkbench() {
        List<ExitDecisionRule> rules = List.of(new TemperatureRule(new double[] {2.5, 0.6, 1.3}),
                new AgreementRule(logistic), mlp, new AgreementRule(MaxSoftmaxRule.INSTANCE));
        for (ExitDecisionRule rule : rules) {
            ExitScores attached = rule.attach(sample.scores, inputs);
            Thresholds thresholds = gapThresholds(attached);
            CascadeParts parts = new CascadeParts(sample.backbone, sample.backbone.exitPoints().vertices(),
                    sample.branches, sample.pooling(), thresholds, SampleCascade.provenance(), rule);
            for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
                String what = rule.id() + " (" + rule.getClass().getSimpleName() + "), " + shape;
                Path folder = dir.resolve(rule.getClass().getSimpleName() + "-" + rule.id() + "-" + shape.label());
                OnnxCascadeExport.Result result = OnnxCascadeExport.export(parts, sample.images, shape, folder);
                OnnxManifest manifest = result.manifest();
                assertEquals(OnnxCascadeExport.CHECK_IMAGES, manifest.check().cascadeAgrees(), what);
                assertNotNull(manifest.decisionRule(), what + ": the manifest carries the rule");
                for (int k = 1; k <= 3; k++) {
                    Double difference = manifest.check().worstDifference().get("decision " + k + " (" + rule.id()
                            + ")");
                    if (shape == OnnxCascadeExport.Shape.SEGMENTS || difference != null) {
                        assertNotNull(difference, what + ": the decision of exit " + k + " was checked");
                        assertTrue(difference <= OnnxCascadeExport.TOLERANCE, what + ": " + difference);
                    }
                    String decisionFile = manifest.exits().get(k - 1).decision();
                    if (shape == OnnxCascadeExport.Shape.SEGMENTS) {
                        assertTrue(Files.isRegularFile(folder.resolve(decisionFile)), what + ": " + decisionFile);
                    } else {
                        assertNull(decisionFile, what + ": the one-file cascade decides inside its If nodes");
                    }
                }
                OnnxCascade cascade = OnnxCascade.load(folder);
                assertEquals(rule, cascade.decisionRule(), what + ": the rule reads back");
                CascadeEvaluator evaluator = new CascadeEvaluator(attached, cascade.costModel());
                evaluator.evaluate(thresholds);
                try (OnnxEarlyExitPredictor onnx = new OnnxEarlyExitPredictor(cascade, 1, 3)) {
                    List<Prediction> predictions = onnx.predict(sample.images, 0, sample.images.size());
                    int[] leaving = new int[4];
                    for (int i = 0; i < predictions.size(); i++) {
                        Prediction p = predictions.get(i);
                        assertEquals(evaluator.exitOf(i), p.exit(), what + ": exit of image " + i);
                        assertEquals(evaluator.predictionOf(i), p.classIndex(), what + ": class of image " + i);
                        leaving[p.exit()]++;
                    }
                    int exitsUsed = 0;
                    for (int count : leaving) {
                        exitsUsed += count > 0 ? 1 : 0;
                    }
                    // Untrained branches: what matters is that the exported rule decides both ways.
                    assertTrue(exitsUsed >= 2, what + ": the rule lets images leave early and go on: "
                            + java.util.Arrays.toString(leaving));
                }
            }
        }
    }

    @Test
    void aLearnedHeadCostsItsMacsInTheExportedCascade() {
        ExitScores attached = logistic.attach(sample.scores, inputs);
        Path folder = dir.resolve("cost");
        OnnxCascadeExport.export(new CascadeParts(sample.backbone, sample.backbone.exitPoints().vertices(),
                sample.branches, sample.pooling(), gapThresholds(attached), SampleCascade.provenance(), logistic),
                sample.images, OnnxCascadeExport.Shape.SINGLE, folder);
        OnnxCascade cascade = OnnxCascade.load(folder);
        for (int k = 0; k < 3; k++) {
            assertEquals(cascade.manifest().exits().get(k).branchMacs() + logistic.macs(k),
                    cascade.costModel().branchMacs()[k], "exit " + (k + 1) + ": branch + head");
        }
    }

    @Test
    void aManifestWithoutItsRuleOrDecisionModelIsRefused() throws IOException {
        ExitDecisionRule rule = new AgreementRule(mlp);
        Path folder = dir.resolve("refused");
        OnnxCascadeExport.export(new CascadeParts(sample.backbone, sample.backbone.exitPoints().vertices(),
                sample.branches, sample.pooling(), gapThresholds(rule.attach(sample.scores, inputs)),
                SampleCascade.provenance(), rule), sample.images, OnnxCascadeExport.Shape.SEGMENTS, folder);
        Path manifestFile = folder.resolve(OnnxCascadeExport.MANIFEST);
        ObjectMapper json = new ObjectMapper();
        String original = Files.readString(manifestFile);

        ObjectNode noRule = (ObjectNode) json.readTree(original);
        noRule.remove("decisionRule");
        Files.writeString(manifestFile, json.writeValueAsString(noRule));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxCascade.load(folder));
        assertTrue(e.getMessage().contains("names no decision rule"), e.getMessage());

        ObjectNode noModel = (ObjectNode) json.readTree(original);
        ((ObjectNode) noModel.get("exits").get(1)).putNull("decision");
        Files.writeString(manifestFile, json.writeValueAsString(noModel));
        e = assertThrows(OnnxExportException.class, () -> OnnxCascade.load(folder));
        assertTrue(e.getMessage().contains("exits[1].decision"), e.getMessage());
    }

    /**
     * Per exit one threshold in the widest gap between neighbouring scores in the middle third, so float rounding
     * between the engine, the ONNX graph and the double rule cannot decide an exit.
     */
    private static Thresholds gapThresholds(ExitScores s) {
        double[][] values = new double[s.exitCount()][10];
        for (int k = 0; k < values.length; k++) {
            float[] sorted = new float[s.sampleCount()];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = s.score(ExitRule.DERIVED, k, i);
            }
            java.util.Arrays.sort(sorted);
            int best = sorted.length / 3;
            for (int r = sorted.length / 3; r < 2 * sorted.length / 3; r++) {
                if (sorted[r] - sorted[r - 1] > sorted[best] - sorted[best - 1]) {
                    best = r;
                }
            }
            java.util.Arrays.fill(values[k], (sorted[best - 1] + (double) sorted[best]) / 2);
        }
        return Thresholds.of(ExitRule.DERIVED, values);
    }
}
