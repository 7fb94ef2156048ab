package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
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
import org.exitbench.store.StoreException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cascade exported with a learned decision rule (issue 20): the manifest carries the rule, reads it back strictly,
 * and the predictor exits where the workbench's evaluator does on the same images; files without a rule still read
 * as max-softmax.
 */
class DecisionRuleCascadeFileTest {

    private static SampleCascade sample;
    private static ExitDecisionRule rule;
    private static ExitScores attached;
    private static Thresholds thresholds;
    private static Path dir;
    private static Path saved;

    @BeforeAll
    static void exportWithALearnedRule(@TempDir Path temp) {
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
        DecisionInputs inputs = DecisionInputs.of(probabilities(s), 10);
        LearnedHeadRule heads = new HeadTrainer(HeadTrainer.Settings.defaults(3).withHidden(4))
                .train(inputs, backbone, labels, null);
        rule = new AgreementRule(heads);
        attached = rule.attach(s, inputs);
        thresholds = gapThresholds(attached);
        saved = dir.resolve("learned.zip");
        CascadeFile.save(new CascadeParts(sample.backbone, sample.backbone.exitPoints().vertices(), sample.branches,
                sample.pooling(), thresholds, SampleCascade.provenance(), rule), saved);
    }

    /** The branches' probabilities as the workbench scored them, rebuilt from the sample's branches. */
    private static float[][] probabilities(ExitScores s) {
        return sample.exitProbabilities();
    }

    /**
     * Per exit one threshold in the widest gap between neighbouring scores near the median, so float rounding
     * between DL4J and the predictor's kernels cannot decide an exit.
     */
    private static Thresholds gapThresholds(ExitScores s) {
        double[][] values = new double[s.exitCount()][10];
        for (int k = 0; k < values.length; k++) {
            float[] sorted = new float[s.sampleCount()];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = s.score(ExitRule.DERIVED, k, i);
            }
            java.util.Arrays.sort(sorted);
            int best = sorted.length / 2;
            for (int r = sorted.length / 3; r < 2 * sorted.length / 3; r++) {
                if (sorted[r] - sorted[r - 1] > sorted[best] - sorted[best - 1]) {
                    best = r;
                }
            }
            java.util.Arrays.fill(values[k], (sorted[best - 1] + (double) sorted[best]) / 2);
        }
        return Thresholds.of(ExitRule.DERIVED, values);
    }

    @Test
    void theRuleTravelsInTheManifestAndThePredictorExitsAsTheWorkbench() {
        ExportedCascade cascade = CascadeFile.load(saved);
        assertEquals(rule, cascade.decisionRule());
        EarlyExitPredictor predictor = new EarlyExitPredictor(cascade);
        CascadeEvaluator evaluator = new CascadeEvaluator(attached, rule.withCost(cascade.costModel()));
        evaluator.evaluate(thresholds);
        List<Prediction> predictions = predictor.predict(sample.images, 0, sample.images.size());
        int[] leaving = new int[4];
        for (int i = 0; i < predictions.size(); i++) {
            assertEquals(evaluator.exitOf(i), predictions.get(i).exit(), "exit of image " + i);
            assertEquals(evaluator.predictionOf(i), predictions.get(i).classIndex(), "class of image " + i);
            leaving[predictions.get(i).exit()]++;
        }
        // Untrained branches: what matters is that the scores decide both ways, at more than one exit.
        assertTrue(leaving[0] > 0 && leaving[1] > 0, "exits 1 and 2 take images: "
                + java.util.Arrays.toString(leaving));
    }

    @Test
    void aFileWithoutARuleDecidesWithMaxSoftmax() throws IOException {
        Path old = dir.resolve("max-softmax.zip");
        CascadeFile.save(sample.parts(sample.medianThresholds(ExitRule.MAX_SOFTMAX)), old);
        assertFalse(new String(read(old).get(CascadeFile.MANIFEST_ENTRY), StandardCharsets.UTF_8)
                .contains("decisionRule"), "built-in rules leave the manifest as it always was");
        assertInstanceOf(MaxSoftmaxRule.class, CascadeFile.load(old).decisionRule());
    }

    @Test
    void aBadRuleIsRefusedNamingTheField() throws IOException {
        Path shortWeights = rewrite(dir.resolve("short.zip"), manifest -> {
            ArrayNode w1 = (ArrayNode) manifest.get("decisionRule").get("base").get("heads").get(1).get("w1");
            w1.remove(0);
        });
        StoreException e = assertThrows(StoreException.class, () -> CascadeFile.load(shortWeights));
        assertTrue(e.getMessage().contains("decisionRule.base.heads[1].w1: has 59 values, expected 60"),
                e.getMessage());
        Path unknown = rewrite(dir.resolve("unknown.zip"), manifest ->
                ((ObjectNode) manifest.get("decisionRule")).put("kind", "oracle"));
        e = assertThrows(StoreException.class, () -> CascadeFile.load(unknown));
        assertTrue(e.getMessage().contains("decisionRule.kind: \"oracle\" is not one of"), e.getMessage());
        Path missing = rewrite(dir.resolve("missing.zip"), manifest -> manifest.remove("decisionRule"));
        e = assertThrows(StoreException.class, () -> CascadeFile.load(missing));
        assertTrue(e.getMessage().contains("names no decision rule"), e.getMessage());
    }

    private static Map<String, byte[]> read(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    /** Copies the saved cascade with its manifest edited (the manifest lists hashes of the others, not its own). */
    private static Path rewrite(Path target, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Map<String, byte[]> entries = read(saved);
        ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(entries.get(CascadeFile.MANIFEST_ENTRY));
        edit.accept(manifest);
        entries.put(CascadeFile.MANIFEST_ENTRY, manifest.toString().getBytes(StandardCharsets.UTF_8));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }
}
