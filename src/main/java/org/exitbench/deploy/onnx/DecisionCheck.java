package org.exitbench.deploy.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.ExitDecisionRule;

/**
 * The export's check of the exit decisions (issue 20): what the workbench's rule scores on the engine's branch
 * outputs, and whether the written decision models compute the same scores and exit tests on them.
 */
final class DecisionCheck {

    /**
     * How close to its threshold a score may lie and still be decided either way: the float graph and the double
     * rule may round it to different sides.
     */
    static final double BORDERLINE = 1e-5;

    private DecisionCheck() {
    }

    /**
     * @param branchProbabilities per exit, the engine's n × C branch probabilities
     * @return per exit, the score of each check image, as the workbench computes it
     */
    static float[][] expectedScores(ExitDecisionRule rule, ExitRule slot, List<float[]> branchProbabilities, int n,
                                    int classes) {
        int exits = branchProbabilities.size();
        float[][] scores = new float[exits][n];
        if (slot != ExitRule.DERIVED) {
            for (int k = 0; k < exits; k++) {
                for (int i = 0; i < n; i++) {
                    scores[k][i] = ExitDecision.score(slot, branchProbabilities.get(k), i * classes, classes);
                }
            }
            return scores;
        }
        DecisionInputs inputs = new DecisionInputs(branchProbabilities.toArray(new float[0][]), n, classes);
        for (int k = 0; k < exits; k++) {
            scores[k] = rule.scoresAt(inputs, k);
        }
        return scores;
    }

    /**
     * Runs every exit's decision model on the engine's branch outputs and compares its scores with the rule's and its
     * exit tests with the thresholds'.
     *
     * @param worst receives, per exit, the largest relative score difference
     * @throws OnnxExportException naming the exit and rule when a score differs beyond {@link
     *                             OnnxCascadeExport#TOLERANCE} or an image off the border is tested the other way
     */
    static void checkScores(CascadeOnnxAssembler assembler, ExitDecisionRule rule, Thresholds thresholds,
                            List<float[]> branchProbabilities, float[][] expected, int n, int classes,
                            Map<String, Double> worst) {
        List<OnnxDecisions.Decided> decided = run(assembler, branchProbabilities, n, classes);
        for (int k = 0; k < decided.size(); k++) {
            float[] actual = decided.get(k).score();
            double difference = OnnxCascadeExport.relativeDifference(actual, expected[k]);
            String label = "decision " + (k + 1) + " (" + rule.id() + ")";
            if (!(difference <= OnnxCascadeExport.TOLERANCE)) {
                throw new OnnxExportException("the ONNX " + label + " scores differ from the workbench's rule by "
                        + difference + " (relative, allowed " + OnnxCascadeExport.TOLERANCE + ")");
            }
            float[] p = branchProbabilities.get(k);
            for (int i = 0; i < n; i++) {
                int c = ExitDecision.argmax(p, i * classes, classes);
                double tau = thresholds.row(k)[c];
                boolean expectedFires = thresholds.admits(k, c, expected[k][i]);
                if (decided.get(k).fires()[i] != expectedFires && !(Math.abs(expected[k][i] - tau) < BORDERLINE)) {
                    throw new OnnxExportException("the ONNX " + label + " tests check image " + i + " the other way "
                            + "from the workbench (score " + expected[k][i] + ", threshold " + tau + ")");
                }
            }
            worst.put(label, difference);
        }
    }

    /** @return per exit and image, whether the written decision model lets the image leave there */
    static boolean[][] firesOfDecisionModels(CascadeOnnxAssembler assembler, List<float[]> branchProbabilities,
                                             int n, int classes) {
        List<OnnxDecisions.Decided> decided = run(assembler, branchProbabilities, n, classes);
        boolean[][] fires = new boolean[decided.size()][];
        for (int k = 0; k < fires.length; k++) {
            fires[k] = decided.get(k).fires();
        }
        return fires;
    }

    /** Runs exit k's decision model on all n rows for every k, the earlier answers taken from the same outputs. */
    private static List<OnnxDecisions.Decided> run(CascadeOnnxAssembler assembler, List<float[]> branchProbabilities,
                                                   int n, int classes) {
        int exits = branchProbabilities.size();
        List<byte[]> models = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int k = 0; k < exits; k++) {
            models.add(assembler.decision(k).toByteArray());
            names.add("the decision model of exit " + (k + 1));
        }
        List<OnnxDecisions.Decided> out = new ArrayList<>();
        try (OnnxDecisions decisions = new OnnxDecisions(models, names, classes, 1)) {
            for (int k = 0; k < exits; k++) {
                long[] previousClass = new long[n * k];
                float[] previousConfidence = new float[n * k];
                for (int j = 0; j < k; j++) {
                    float[] p = branchProbabilities.get(j);
                    for (int i = 0; i < n; i++) {
                        int c = ExitDecision.argmax(p, i * classes, classes);
                        previousClass[i * k + j] = c;
                        previousConfidence[i * k + j] = p[i * classes + c];
                    }
                }
                out.add(decisions.decide(k, branchProbabilities.get(k), n, previousClass, previousConfidence));
            }
        }
        return out;
    }
}
