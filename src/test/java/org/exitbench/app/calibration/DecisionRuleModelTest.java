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

    /** Softmax outputs whose exits grow surer of the label with depth, and a backbone right 90 % of the time. */
    private static CascadeSource withSoftmax() {
        CascadeSource synthetic = SyntheticCascadeSource.withoutImages(600, 600, EXITS, CLASSES, 5);
        Random random = new Random(11);
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
        return new CascadeSource("softmax outputs", false, synthetic.classNames(), synthetic.costModel(),
                new ScoreSet("softmax", scores[0], scores[1], inputs[0], inputs[1]), null, synthetic.images(), null);
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
