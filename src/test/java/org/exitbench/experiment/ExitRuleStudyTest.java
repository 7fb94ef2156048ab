package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.junit.jupiter.api.Test;

class ExitRuleStudyTest {

    @Test
    void ruleNamesParseAndAWrongOneListsTheChoices() {
        assertEquals(new ExitRuleStudy.RuleChoice(ExitRuleStudy.Kind.LEARNED_HEAD, true),
                ExitRuleStudy.RuleChoice.parse("Learned-Head+agreement"));
        assertEquals("temperature", ExitRuleStudy.RuleChoice.parse(" temperature ").label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExitRuleStudy.RuleChoice.parse("oracle"));
        assertTrue(e.getMessage().contains("max-softmax, entropy, temperature, learned-head, logistic-head"),
                e.getMessage());
        assertEquals(10, ExitRuleStudy.RuleChoice.all().size());
        assertEquals("max-softmax", ExitRuleStudy.RuleChoice.all().get(0).label(), "the reference comes first");
    }

    @Test
    void anExperimentCannotTrainWithTheDerivedScore() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.fromJson("{\"cpm\": {\"score\": \"derived\"}}", "config.json"));
        assertTrue(e.getMessage().contains("cpm.score: \"derived\" is the score of a fitted decision rule"),
                e.getMessage());
    }

    @Test
    void theAucCountsTiesHalfAndSeparatesPerfectScores() {
        // Exit 0 answers 0 for every sample, the backbone 0 for the first two: a score that ranks them first is
        // perfect, equal scores give 0.5.
        float[] exit = {0.9f, 0.1f, 0.8f, 0.2f, 0.6f, 0.4f, 0.55f, 0.45f};
        ExitScores perfect = ExitScores.fromProbabilities(new float[][] {exit}, new int[] {0, 0, 1, 1},
                new int[] {0, 0, 1, 1}, 2);
        assertEquals(1.0, ExitRuleStudy.agreementAuc(perfect, ExitRule.MAX_SOFTMAX, 0), 1e-12);
        float[] flat = {0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f};
        ExitScores ties = ExitScores.fromProbabilities(new float[][] {flat}, new int[] {0, 0, 1, 1},
                new int[] {0, 0, 1, 1}, 2);
        assertEquals(0.5, ExitRuleStudy.agreementAuc(ties, ExitRule.MAX_SOFTMAX, 0), 1e-12);
    }
}
