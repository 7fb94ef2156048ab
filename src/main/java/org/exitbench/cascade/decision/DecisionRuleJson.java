package org.exitbench.cascade.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A decision rule as JSON, for the files that carry it beside their thresholds (an exported cascade's manifest, a
 * fitted rule saved by {@code exitbench exit-rules}). Files are untrusted: reading is strict and bounded (every
 * field checked, unknown fields refused, array sizes capped before anything is built), and every error names the
 * field, e.g. {@code decisionRule.heads[1].w1: has 12 values, expected 208}.
 *
 * <pre>
 * {"kind": "max-softmax"} · {"kind": "entropy"}
 * {"kind": "temperature", "temperatures": [1.3, 1.1, 0.9]}
 * {"kind": "learned-head", "target": "backbone", "classes": 10,
 *  "heads": [{"inputs": 13, "hidden": 16, "mean": [..], "scale": [..], "w1": [..], "b1": [..], "w2": [..], "b2": 0.1}]}
 * {"kind": "agreement", "base": {...}}
 * </pre>
 */
public final class DecisionRuleJson {

    /** The most exits a rule in a file may describe. */
    public static final int MAX_EXITS = 64;
    /** The most classes a learned rule in a file may describe. */
    public static final int MAX_CLASSES = 1000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DecisionRuleJson() {
    }

    /** @return the rule as a JSON object */
    public static ObjectNode toJson(ExitDecisionRule rule) {
        ObjectNode node = NODES.objectNode();
        if (rule instanceof MaxSoftmaxRule) {
            node.put("kind", "max-softmax");
        } else if (rule instanceof EntropyRule) {
            node.put("kind", "entropy");
        } else if (rule instanceof TemperatureRule t) {
            node.put("kind", "temperature");
            node.set("temperatures", doubles(t.temperatures()));
        } else if (rule instanceof LearnedHeadRule h) {
            node.put("kind", "learned-head");
            node.put("target", h.target() == DecisionTarget.BACKBONE ? "backbone" : "ground-truth");
            node.put("classes", h.classes());
            ArrayNode heads = node.putArray("heads");
            for (ExitHead head : h.heads()) {
                ObjectNode o = heads.addObject();
                o.put("inputs", head.inputs());
                o.put("hidden", head.hidden());
                o.set("mean", doubles(head.mean()));
                o.set("scale", doubles(head.scale()));
                o.set("w1", doubles(head.w1()));
                o.set("b1", doubles(head.b1()));
                o.set("w2", doubles(head.w2()));
                o.put("b2", head.b2());
            }
        } else if (rule instanceof AgreementRule a) {
            node.put("kind", "agreement");
            node.set("base", toJson(a.base()));
        } else {
            throw new IllegalArgumentException("no JSON form for " + rule);
        }
        return node;
    }

    /**
     * Reads a rule.
     *
     * @param node  the JSON object
     * @param field its path, for messages (e.g. {@code decisionRule})
     * @throws IllegalArgumentException whose message starts with the path of the first bad field
     */
    public static ExitDecisionRule fromJson(JsonNode node, String field) {
        return read(node, field, true);
    }

    private static ExitDecisionRule read(JsonNode node, String field, boolean agreementAllowed) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(field + ": must be an object with a \"kind\"");
        }
        String kind = text(node, field, "kind");
        switch (kind) {
            case "max-softmax" -> {
                only(node, field, Set.of("kind"));
                return MaxSoftmaxRule.INSTANCE;
            }
            case "entropy" -> {
                only(node, field, Set.of("kind"));
                return EntropyRule.INSTANCE;
            }
            case "temperature" -> {
                only(node, field, Set.of("kind", "temperatures"));
                double[] t = doubles(node.get("temperatures"), field + ".temperatures", 1, MAX_EXITS);
                return wrap(field + ".temperatures", () -> new TemperatureRule(t));
            }
            case "learned-head" -> {
                only(node, field, Set.of("kind", "target", "classes", "heads"));
                String target = text(node, field, "target");
                DecisionTarget t = switch (target) {
                    case "backbone" -> DecisionTarget.BACKBONE;
                    case "ground-truth" -> DecisionTarget.GROUND_TRUTH;
                    default -> throw new IllegalArgumentException(field + ".target: \"" + target
                            + "\" is not backbone or ground-truth");
                };
                int classes = integer(node.get("classes"), field + ".classes", 2, MAX_CLASSES);
                JsonNode heads = node.get("heads");
                if (heads == null || !heads.isArray() || heads.isEmpty() || heads.size() > MAX_EXITS) {
                    throw new IllegalArgumentException(field + ".heads: must be an array of 1 to " + MAX_EXITS
                            + " heads");
                }
                List<ExitHead> list = new ArrayList<>();
                for (int k = 0; k < heads.size(); k++) {
                    list.add(head(heads.get(k), field + ".heads[" + k + "]", HeadFeatures.count(classes, k)));
                }
                return wrap(field + ".heads", () -> new LearnedHeadRule(list, t, classes));
            }
            case "agreement" -> {
                if (!agreementAllowed) {
                    throw new IllegalArgumentException(field + ".kind: an agreement rule cannot be the base of another");
                }
                only(node, field, Set.of("kind", "base"));
                return new AgreementRule(read(node.get("base"), field + ".base", false));
            }
            default -> throw new IllegalArgumentException(field + ".kind: \"" + kind + "\" is not one of max-softmax, "
                    + "entropy, temperature, learned-head, agreement");
        }
    }

    private static ExitHead head(JsonNode node, String field, int expectedInputs) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(field + ": must be an object");
        }
        only(node, field, Set.of("inputs", "hidden", "mean", "scale", "w1", "b1", "w2", "b2"));
        int inputs = integer(node.get("inputs"), field + ".inputs", expectedInputs, expectedInputs);
        int hidden = integer(node.get("hidden"), field + ".hidden", 0, ExitHead.MAX_HIDDEN);
        int weights = hidden == 0 ? inputs : hidden * inputs;
        double[] mean = doubles(node.get("mean"), field + ".mean", inputs, inputs);
        double[] scale = doubles(node.get("scale"), field + ".scale", inputs, inputs);
        double[] w1 = doubles(node.get("w1"), field + ".w1", weights, weights);
        double[] b1 = doubles(node.get("b1"), field + ".b1", hidden, hidden);
        double[] w2 = doubles(node.get("w2"), field + ".w2", hidden, hidden);
        JsonNode b2 = node.get("b2");
        if (b2 == null || !b2.isNumber() || !Double.isFinite(b2.doubleValue())) {
            throw new IllegalArgumentException(field + ".b2: must be a finite number");
        }
        return wrap(field, () -> new ExitHead(inputs, hidden, mean, scale, w1, b1, w2, b2.doubleValue()));
    }

    private static <T> T wrap(String field, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static void only(JsonNode node, String field, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(field + "." + name + ": unknown field (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String field, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + "." + name + ": must be a string");
        }
        return v.textValue().toLowerCase(Locale.ROOT);
    }

    private static int integer(JsonNode v, String field, int min, int max) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException(field + ": must be an integer in [" + min + ", " + max + "], was "
                    + (v == null ? "missing" : v.toString()));
        }
        return v.intValue();
    }

    /** Reads a number array whose size is checked before any value is copied. */
    private static double[] doubles(JsonNode v, String field, int min, int max) {
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(field + ": must be an array of numbers");
        }
        if (v.size() < min || v.size() > max) {
            throw new IllegalArgumentException(field + ": has " + v.size() + " values, expected "
                    + (min == max ? Integer.toString(min) : min + " to " + max));
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                throw new IllegalArgumentException(field + "[" + i + "]: must be a finite number, was " + x);
            }
            out[i] = x.doubleValue();
        }
        return out;
    }

    private static ArrayNode doubles(double[] values) {
        ArrayNode a = NODES.arrayNode(values.length);
        for (double v : values) {
            a.add(v);
        }
        return a;
    }
}
