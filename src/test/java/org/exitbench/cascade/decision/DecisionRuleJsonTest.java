package org.exitbench.cascade.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionRuleJsonTest {

    private static ExitDecisionRule roundTrip(ExitDecisionRule rule) throws Exception {
        String text = DecisionRuleJson.toJson(rule).toString();
        return DecisionRuleJson.fromJson(new ObjectMapper().readTree(text), "decisionRule");
    }

    @Test
    void everyRuleReadsBackEqual() throws Exception {
        ExitHead head = new ExitHead(5, 0, new double[] {0, 1, 2, 3, 4}, new double[] {1, 1, 2, 2, 0.5},
                new double[] {0.1, -0.2, 0.3, -0.4, 1e-9}, new double[0], new double[0], -0.75);
        List<ExitDecisionRule> rules = List.of(MaxSoftmaxRule.INSTANCE, EntropyRule.INSTANCE,
                new TemperatureRule(new double[] {1.5, 0.7}),
                new AgreementRule(new TemperatureRule(new double[] {2.0})),
                new LearnedHeadRule(List.of(head), DecisionTarget.GROUND_TRUTH, 2));
        for (ExitDecisionRule rule : rules) {
            assertEquals(rule, roundTrip(rule), rule.id());
        }
    }

    @Test
    void untrustedFieldsAreCheckedAndNamed() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertProblem(mapper.readTree("{\"kind\": \"temperature\", \"temperatures\": [1, 1e9]}"),
                "decisionRule.temperatures: temperatures[1] = 1.0E9 is outside [0.01, 100.0]");
        assertProblem(mapper.readTree("{\"kind\": \"temperature\", \"temperatures\": [1], \"extra\": 1}"),
                "decisionRule.extra: unknown field (expected kind, temperatures)");
        assertProblem(mapper.readTree("{\"kind\": \"agreement\", \"base\": {\"kind\": \"agreement\"}}"),
                "decisionRule.base.kind: an agreement rule cannot be the base of another");
        assertProblem(mapper.readTree("{\"kind\": \"learned-head\", \"target\": \"backbone\", \"classes\": 5000, "
                + "\"heads\": []}"), "decisionRule.classes: must be an integer in [2, 1000], was 5000");
        ObjectNode tooMany = (ObjectNode) mapper.readTree("{\"kind\": \"temperature\"}");
        tooMany.putArray("temperatures");
        for (int i = 0; i < 65; i++) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) tooMany.get("temperatures")).add(1);
        }
        assertProblem(tooMany, "decisionRule.temperatures: has 65 values, expected 1 to 64");
        assertProblem(mapper.readTree("[1]"), "decisionRule: must be an object with a \"kind\"");
    }

    private static void assertProblem(com.fasterxml.jackson.databind.JsonNode node, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecisionRuleJson.fromJson(node, "decisionRule"));
        assertEquals(message, e.getMessage());
    }
}
