package org.exitbench.cascade.decision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Test;

class ExitDecisionRuleTest {

    private static final int N = 600;
    private static final int C = 5;

    private static float[][] exits(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] truth = new int[N];
        for (int i = 0; i < N; i++) {
            truth[i] = random.nextInt(C);
        }
        return new float[][] {SyntheticOutputs.softmax(random, N, C, 1.0, truth, 1.0),
            SyntheticOutputs.softmax(random, N, C, 1.0, truth, 2.0)};
    }

    private static ExitScores scores(float[][] exits) {
        int[] labels = new int[N];
        int[] backbone = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % C;
            backbone[i] = (i * 7) % C;
        }
        return ExitScores.fromProbabilities(exits, backbone, labels, C);
    }

    @Test
    void maxSoftmaxAndEntropyGiveExactlyTheScoresTheWorkbenchAlwaysComputed() {
        float[][] exits = exits(3);
        ExitScores s = scores(exits);
        DecisionInputs inputs = DecisionInputs.of(exits, C);
        float[] max = MaxSoftmaxRule.INSTANCE.scores(inputs);
        float[] entropy = EntropyRule.INSTANCE.scores(inputs);
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < 2; k++) {
                assertEquals(Float.floatToIntBits(s.score(ExitRule.MAX_SOFTMAX, k, i)),
                        Float.floatToIntBits(max[i * 2 + k]), "max-softmax, sample " + i + ", exit " + k);
                assertEquals(Float.floatToIntBits(s.score(ExitRule.ENTROPY, k, i)),
                        Float.floatToIntBits(entropy[i * 2 + k]), "entropy, sample " + i + ", exit " + k);
            }
        }
        // Built-in rules use their own slots: attaching changes nothing, so CPM gives today's thresholds.
        assertSame(s, MaxSoftmaxRule.INSTANCE.attach(s, inputs));
        assertSame(s, EntropyRule.INSTANCE.attach(s, inputs));
    }

    @Test
    void cpmCalibratesAnAttachedDerivedScoreLikeAnyOther() {
        float[][] exits = exits(4);
        ExitScores s = scores(exits);
        DecisionInputs inputs = DecisionInputs.of(exits, C);
        // Max-softmax put through the derived slot must give the max-softmax thresholds, relabelled.
        ExitScores derived = s.withDerivedScores(MaxSoftmaxRule.INSTANCE.scores(inputs));
        CpmSettings settings = CpmSettings.builder().margin(0.3).minimumSupport(5).build();
        Thresholds own = new CpmCalibrator(settings).calibrate(s);
        Thresholds viaDerived = new CpmCalibrator(settings.toBuilder().score(ExitRule.DERIVED).build())
                .calibrate(derived);
        assertEquals(ExitRule.DERIVED, viaDerived.rule());
        assertEquals(own, viaDerived.withRule(ExitRule.MAX_SOFTMAX));
        assertTrue(java.util.Arrays.stream(own.toArray()).flatMapToDouble(java.util.Arrays::stream)
                .anyMatch(Double::isFinite), "the test needs some finite thresholds");
    }

    @Test
    void derivedThresholdsNeedAttachedScores() {
        ExitScores s = scores(exits(5));
        CascadeEvaluator evaluator = new CascadeEvaluator(s, new CostModel(new long[] {10, 20}, new long[] {1, 1}, 40));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> evaluator.evaluate(Thresholds.uniform(ExitRule.DERIVED, 2, C, 0.5)));
        assertTrue(e.getMessage().contains("no derived score"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.withDerivedScores(new float[2 * N - 1]));
        float[] negative = new float[2 * N];
        negative[7] = -0.5f;
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> s.withDerivedScores(negative));
        assertTrue(range.getMessage().contains("sample 3, exit 1"), range.getMessage());
    }

    @Test
    void agreementFiresOnlyWhereAnExitAnswersAsThePreviousOne() {
        float[][] exits = exits(6);
        ExitScores s = scores(exits);
        DecisionInputs inputs = DecisionInputs.of(exits, C);
        AgreementRule rule = new AgreementRule(MaxSoftmaxRule.INSTANCE);
        assertEquals("max-softmax+agreement", rule.id());
        ExitScores attached = rule.attach(s, inputs);
        CascadeEvaluator evaluator = new CascadeEvaluator(attached,
                new CostModel(new long[] {10, 20}, new long[] {1, 1}, 40));
        // Exit 0 never fires, exit 1 fires on any positive score: exactly the samples whose answers agree leave.
        evaluator.evaluate(Thresholds.of(ExitRule.DERIVED, new double[][] {
            {2, 2, 2, 2, 2}, {1e-6, 1e-6, 1e-6, 1e-6, 1e-6}}));
        int agreeing = 0;
        for (int i = 0; i < N; i++) {
            boolean agree = s.predicted(0, i) == s.predicted(1, i);
            agreeing += agree ? 1 : 0;
            assertEquals(agree ? 1 : 2, evaluator.exitOf(i), "sample " + i);
            assertEquals(s.confidence(0, i), attached.score(ExitRule.DERIVED, 0, i), "exit 0 keeps its own score");
        }
        assertTrue(agreeing > N / 10 && agreeing < N * 9 / 10, "both cases occur: " + agreeing);
        assertThrows(IllegalArgumentException.class, () -> new AgreementRule(rule));
    }

    @Test
    void aRulesMacsAreChargedToItsExitsBranch() {
        ExitHead logistic = new ExitHead(C + 3, 0, new double[C + 3], ones(C + 3), new double[C + 3], new double[0],
                new double[0], 0);
        ExitHead mlp = new ExitHead(C + 5, 4, new double[C + 5], ones(C + 5), new double[4 * (C + 5)],
                new double[4], new double[4], 0);
        LearnedHeadRule rule = new LearnedHeadRule(List.of(logistic, mlp), DecisionTarget.BACKBONE, C);
        CostModel costs = new CostModel(new long[] {100, 200}, new long[] {10, 20}, 400);
        CostModel charged = new AgreementRule(rule).withCost(costs);
        assertArrayEquals(new long[] {10 + 8, 20 + 4 * 10 + 4}, charged.branchMacs());
        assertSame(costs, MaxSoftmaxRule.INSTANCE.withCost(costs), "max-softmax costs nothing");
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> new LearnedHeadRule(List.of(mlp, logistic), DecisionTarget.BACKBONE, C));
        assertTrue(wrong.getMessage().startsWith("heads[0]"), wrong.getMessage());
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
