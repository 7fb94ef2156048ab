package org.exitbench.app.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.ScoreSet;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.TemperatureFit;
import org.exitbench.cascade.decision.TemperatureRule;
import org.exitbench.experiment.ExitRuleStudy.Kind;
import org.exitbench.experiment.ExitRuleStudy.RuleChoice;
import org.junit.jupiter.api.Test;

/** The Calibration pane's rule picker: a pick fits the engine's rule and moves the shared operating point to it. */
class DecisionRuleModelTest {

    private static final int EXITS = 3;
    private static final int CLASSES = 4;

    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);

    @Test
    void temperatureIsFittedOnValidationAndTheThresholdsAreCpmsOnItsScore() {
        CascadeSource base = withSoftmax();
        point.setSource(base);
        DecisionRuleModel rules = new DecisionRuleModel(point, null);
        assertTrue(rules.fittableProperty().get());

        rules.choose(new RuleChoice(Kind.TEMPERATURE, false));

        assertEquals("temperature", rules.ruleProperty().get().label(), rules.statusProperty().get());
        assertEquals(ExitRule.DERIVED, point.settingsProperty().get().score());
        CascadeSource now = point.sourceProperty().get();
        assertNotEquals(base, now);
        ExitScores valid = now.primary().validation();
        assertTrue(valid.hasDerivedScores());
        // The same rule the engine fits, scoring the same samples.
        TemperatureRule expected = TemperatureFit.fit(base.primary().validationInputs(), labels(base), null);
        ExitScores expectedValid = expected.attach(base.primary().validation(), base.primary().validationInputs());
        for (int k = 0; k < EXITS; k++) {
            for (int i = 0; i < valid.sampleCount(); i += 37) {
                assertEquals(expectedValid.score(ExitRule.DERIVED, k, i), valid.score(ExitRule.DERIVED, k, i));
            }
        }
        Thresholds shown = point.resultProperty().get().thresholds();
        Thresholds cpm = new CpmCalibrator(point.settingsProperty().get()).calibrate(valid);
        assertEquals(ExitRule.DERIVED, shown.rule());
        for (int k = 0; k < EXITS; k++) {
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(cpm.get(k, c), shown.get(k, c), 1e-12);
            }
        }
    }

    @Test
    void aHeadWithAgreementAppliesAndMaxSoftmaxBringsTheOpenedSourceBack() {
        CascadeSource base = withSoftmax();
        point.setSource(base);
        DecisionRuleModel rules = new DecisionRuleModel(point, null);

        rules.choose(new RuleChoice(Kind.LOGISTIC_HEAD, true));
        assertEquals("logistic-head+agreement", rules.ruleProperty().get().label(), rules.statusProperty().get());
        assertTrue(point.sourceProperty().get().primary().validation().hasDerivedScores());
        assertTrue(point.resultProperty().get().validation().computeReduction() >= 0);

        rules.choose(new RuleChoice(Kind.MAX_SOFTMAX, false));
        assertSame(base.primary(), point.sourceProperty().get().primary());
        assertEquals(ExitRule.MAX_SOFTMAX, point.settingsProperty().get().score());
        assertEquals(ExitRule.MAX_SOFTMAX, point.resultProperty().get().thresholds().rule());
    }

    @Test
    void syntheticScoresOfferOnlyTheBranchesOwnScores() {
        point.setSource(SyntheticCascadeSource.withoutImages(300, 300, EXITS, CLASSES, 3));
        DecisionRuleModel rules = new DecisionRuleModel(point, null);
        assertFalse(rules.fittableProperty().get());

        rules.choose(new RuleChoice(Kind.TEMPERATURE, false));

        assertEquals("max-softmax", rules.ruleProperty().get().label());
        assertTrue(rules.statusProperty().get().contains("softmax output"), rules.statusProperty().get());
        assertFalse(rules.fittingProperty().get());
    }

    /**
     * The other training mode's curve stays drawn under a fitted rule: the comparison set gets the same kind of rule,
     * fitted on its own outputs (not the primary's), and its derived scores.
     */
    @Test
    void theComparisonSetKeepsItsCurveWithTheRuleFittedOnItsOwnOutputs() {
        CascadeSource primary = withSoftmax();
        ScoreSet other = softmaxSet("other mode", 23);
        CascadeSource base = new CascadeSource(primary.name(), false, primary.classNames(), primary.costModel(),
                primary.primary(), other, primary.images(), null);
        point.setSource(base);
        DecisionRuleModel rules = new DecisionRuleModel(point, null);

        rules.choose(new RuleChoice(Kind.TEMPERATURE, true));

        ScoreSet comparison = point.sourceProperty().get().comparisonSet().orElseThrow(() -> new AssertionError(
                "the comparison set was dropped: " + rules.statusProperty().get()));
        assertTrue(comparison.validation().hasDerivedScores());
        TemperatureRule own = TemperatureFit.fit(other.validationInputs(), labelsOf(other.validation()), null);
        ExitScores expected = new org.exitbench.cascade.decision.AgreementRule(own).attach(other.validation(),
                other.validationInputs());
        for (int i = 0; i < 600; i += 41) {
            assertEquals(expected.score(ExitRule.DERIVED, 2, i), comparison.validation().score(ExitRule.DERIVED, 2,
                    i), "exit 3, sample " + i + ": the comparison's own temperature");
        }
    }

    /**
     * A rule saved with a run's tuned thresholds is put back as saved: the same rule (not refitted), the saved
     * thresholds shown, the picker on it, and the rule offered to saving and export through the operating point.
     */
    @Test
    void aSavedRuleIsPutBackWithItsThresholds() {
        CascadeSource base = withSoftmax();
        point.setSource(base);
        DecisionRuleModel rules = new DecisionRuleModel(point, null);
        rules.choose(new RuleChoice(Kind.LEARNED_HEAD, false));
        org.exitbench.cascade.decision.ExitDecisionRule fitted = point.decisionRuleProperty().get();
        assertTrue(fitted instanceof org.exitbench.cascade.decision.LearnedHeadRule, String.valueOf(fitted));
        Thresholds tuned = point.thresholds().withThreshold(1, 2, 0.123);

        // As a run is opened (ShownRun): first on the run's own score, then the saved rule is put back.
        point.settingsProperty().set(point.settingsProperty().get().toBuilder().score(ExitRule.MAX_SOFTMAX).build());
        point.setSource(new CascadeSource(base.name(), false, base.classNames(), base.costModel(), base.primary(),
                null, base.images(), null));
        assertEquals("max-softmax", rules.ruleProperty().get().label(), "a new source starts on max-softmax");
        assertEquals(null, point.decisionRuleProperty().get());
        point.savedDecisionProperty().set(new org.exitbench.cascade.decision.DecisionFile(fitted, tuned, "saved"));

        assertEquals("learned-head", rules.ruleProperty().get().label(), rules.statusProperty().get());
        assertSame(fitted, point.decisionRuleProperty().get());
        assertEquals(tuned, point.resultProperty().get().thresholds());
        assertEquals(ExitRule.DERIVED, point.settingsProperty().get().score());
        assertEquals(null, point.savedDecisionProperty().get(), "the request is taken");
    }

    /** Softmax outputs whose exits grow surer of the label with depth, and a backbone right 90 % of the time. */
    private static CascadeSource withSoftmax() {
        CascadeSource synthetic = SyntheticCascadeSource.withoutImages(600, 600, EXITS, CLASSES, 5);
        return new CascadeSource("softmax outputs", false, synthetic.classNames(), synthetic.costModel(),
                softmaxSet("softmax", 11), null, synthetic.images(), null);
    }

    private static int[] labelsOf(ExitScores scores) {
        int[] labels = new int[scores.sampleCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = scores.label(i);
        }
        return labels;
    }

    private static ScoreSet softmaxSet(String name, long seed) {
        Random random = new Random(seed);
        ExitScores[] scores = new ExitScores[2];
        DecisionInputs[] inputs = new DecisionInputs[2];
        for (int s = 0; s < 2; s++) {
            int n = 600;
            int[] labels = new int[n];
            int[] backbone = new int[n];
            float[][] probabilities = new float[EXITS][n * CLASSES];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(CLASSES);
                backbone[i] = random.nextDouble() < 0.9 ? labels[i] : random.nextInt(CLASSES);
                for (int k = 0; k < EXITS; k++) {
                    double[] logits = new double[CLASSES];
                    double total = 0;
                    for (int c = 0; c < CLASSES; c++) {
                        logits[c] = Math.exp(random.nextGaussian() + (c == backbone[i] ? 0.8 * (k + 1) : 0));
                        total += logits[c];
                    }
                    for (int c = 0; c < CLASSES; c++) {
                        probabilities[k][i * CLASSES + c] = (float) (logits[c] / total);
                    }
                }
            }
            scores[s] = ExitScores.fromProbabilities(probabilities, backbone, labels, CLASSES);
            inputs[s] = DecisionInputs.of(probabilities, CLASSES);
        }
        return new ScoreSet(name, scores[0], scores[1], inputs[0], inputs[1]);
    }

    private static int[] labels(CascadeSource source) {
        ExitScores valid = source.primary().validation();
        int[] labels = new int[valid.sampleCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = valid.label(i);
        }
        return labels;
    }
}
