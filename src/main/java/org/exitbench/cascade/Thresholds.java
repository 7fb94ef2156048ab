package org.exitbench.cascade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Exit thresholds of a cascade: one value per exit and class, and the {@link ExitRule} that says which score
 * they are compared with. Exit k fires for a sample when its score ≥ τ[k][ĉ], ĉ being the class exit k
 * predicts; {@code +∞} therefore means "never exit for this class" and {@code −∞} "always exit".
 *
 * <p>Immutable: the {@code with…} methods return modified copies (K × C doubles, cheap at any realistic size).
 * NaN is rejected everywhere. In JSON the infinities are written as the strings {@code "Infinity"} and
 * {@code "-Infinity"}, since JSON numbers cannot express them.
 */
public final class Thresholds {

    /** The {@code format} field of the JSON document. */
    public static final String FORMAT = "exitbench-thresholds";
    /** The version of the JSON document written by {@link #toJson()}. */
    public static final int VERSION = 1;

    private final ExitRule rule;
    private final int exits;
    private final int classes;
    private final double[] values; // row-major: [exit * classes + class]

    private Thresholds(ExitRule rule, int exits, int classes, double[] values) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.exits = exits;
        this.classes = classes;
        this.values = values;
    }

    /**
     * @param values one row per exit, one value per class in each row; all rows the same length
     * @throws IllegalArgumentException when rows differ in length, are empty, or hold NaN (naming the cell)
     */
    public static Thresholds of(ExitRule rule, double[][] values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0 || values[0] == null || values[0].length == 0) {
            throw new IllegalArgumentException("thresholds: at least one exit and one class are needed");
        }
        int classes = values[0].length;
        double[] flat = new double[values.length * classes];
        for (int k = 0; k < values.length; k++) {
            if (values[k] == null || values[k].length != classes) {
                throw new IllegalArgumentException("thresholds[" + k + "] has "
                        + (values[k] == null ? "no" : values[k].length) + " values, expected " + classes
                        + " (one per class)");
            }
            for (int c = 0; c < classes; c++) {
                flat[k * classes + c] = requireNotNaN(values[k][c], k, c);
            }
        }
        return new Thresholds(rule, values.length, classes, flat);
    }

    /** @return thresholds with the same value for every exit and class (a global threshold, SDN style) */
    public static Thresholds uniform(ExitRule rule, int exits, int classes, double value) {
        if (exits < 1 || classes < 1) {
            throw new IllegalArgumentException("thresholds need at least one exit and one class, got " + exits
                    + " × " + classes);
        }
        double[] flat = new double[exits * classes];
        Arrays.fill(flat, requireNotNaN(value, 0, 0));
        return new Thresholds(rule, exits, classes, flat);
    }

    /** @return max-softmax thresholds that never exit: every sample reaches the backbone head */
    public static Thresholds never(int exits, int classes) {
        return uniform(ExitRule.MAX_SOFTMAX, exits, classes, Double.POSITIVE_INFINITY);
    }

    /** @return max-softmax thresholds that always exit: every sample leaves at the first exit */
    public static Thresholds always(int exits, int classes) {
        return uniform(ExitRule.MAX_SOFTMAX, exits, classes, Double.NEGATIVE_INFINITY);
    }

    /** @return the score these thresholds are compared with */
    public ExitRule rule() {
        return rule;
    }

    /** @return K, the number of exits (rows) */
    public int exitCount() {
        return exits;
    }

    /** @return C, the number of classes (columns) */
    public int classCount() {
        return classes;
    }

    /** @return τ for exit {@code exit} and predicted class {@code predictedClass} */
    public double get(int exit, int predictedClass) {
        return values[index(exit, predictedClass)];
    }

    /** @return whether exit {@code exit} fires for a sample it predicts as {@code predictedClass} with {@code score} */
    public boolean admits(int exit, int predictedClass, double score) {
        return score >= values[index(exit, predictedClass)];
    }

    /** @return a copy of the thresholds of exit {@code exit}, one per class */
    public double[] row(int exit) {
        Objects.checkIndex(exit, exits);
        return Arrays.copyOfRange(values, exit * classes, (exit + 1) * classes);
    }

    /** @return a copy of all thresholds, one row per exit */
    public double[][] toArray() {
        double[][] out = new double[exits][];
        for (int k = 0; k < exits; k++) {
            out[k] = row(k);
        }
        return out;
    }

    /** Copies the thresholds, row-major, into {@code target} (which needs K × C places). */
    public void copyTo(double[] target) {
        System.arraycopy(values, 0, target, 0, values.length);
    }

    /** @return a copy with τ[exit][predictedClass] = {@code value} */
    public Thresholds withThreshold(int exit, int predictedClass, double value) {
        int at = index(exit, predictedClass);
        double[] copy = values.clone();
        copy[at] = requireNotNaN(value, exit, predictedClass);
        return new Thresholds(rule, exits, classes, copy);
    }

    /** @return a copy with the thresholds of exit {@code exit} replaced by {@code row} (one value per class) */
    public Thresholds withRow(int exit, double[] row) {
        Objects.checkIndex(exit, exits);
        if (row.length != classes) {
            throw new IllegalArgumentException("thresholds[" + exit + "] needs " + classes + " values, got "
                    + row.length);
        }
        double[] copy = values.clone();
        for (int c = 0; c < classes; c++) {
            copy[exit * classes + c] = requireNotNaN(row[c], exit, c);
        }
        return new Thresholds(rule, exits, classes, copy);
    }

    /** @return a copy compared with another score; the values are kept as they are */
    public Thresholds withRule(ExitRule newRule) {
        return new Thresholds(newRule, exits, classes, values);
    }

    /**
     * @return the JSON document: {@code format}, {@code version}, {@code rule}, {@code exits}, {@code classes},
     *         and {@code thresholds} as an array of rows with ±∞ written as "Infinity" / "-Infinity"
     */
    public String toJson() {
        ObjectMapper json = jsonMapper();
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("rule", rule.name());
        root.put("exits", exits);
        root.put("classes", classes);
        ArrayNode rows = root.putArray("thresholds");
        for (int k = 0; k < exits; k++) {
            ArrayNode row = rows.addArray();
            for (int c = 0; c < classes; c++) {
                double v = values[k * classes + c];
                if (Double.isInfinite(v)) {
                    row.add(v > 0 ? "Infinity" : "-Infinity");
                } else {
                    row.add(v);
                }
            }
        }
        try {
            return json.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write thresholds as JSON", e);
        }
    }

    /**
     * Reads thresholds written by {@link #toJson()}.
     *
     * @param json   the document
     * @param source what to call the document in error messages (a file name)
     * @throws IllegalArgumentException when the document is not valid JSON or a field is missing, of the wrong
     *                                  type, or of the wrong shape; the message names the source and the field
     */
    public static Thresholds fromJson(String json, String source) {
        JsonNode root;
        try {
            root = jsonMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object with the fields format, version,"
                    + " rule, exits, classes and thresholds");
        }
        String format = requireText(root, "format", source);
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(source + ": field 'format' is \"" + format + "\", expected \""
                    + FORMAT + "\"");
        }
        int version = requireInt(root, "version", source);
        if (version != VERSION) {
            throw new IllegalArgumentException(source + ": field 'version' is " + version
                    + "; this version of Exitbench reads version " + VERSION);
        }
        String ruleName = requireText(root, "rule", source);
        ExitRule rule;
        try {
            rule = ExitRule.valueOf(ruleName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": field 'rule' is \"" + ruleName + "\", expected one of "
                    + Arrays.toString(ExitRule.values()), e);
        }
        int exits = requireInt(root, "exits", source);
        int classes = requireInt(root, "classes", source);
        if (exits < 1) {
            throw new IllegalArgumentException(source + ": field 'exits' must be at least 1, was " + exits);
        }
        if (classes < 1) {
            throw new IllegalArgumentException(source + ": field 'classes' must be at least 1, was " + classes);
        }
        JsonNode rows = root.get("thresholds");
        if (rows == null || !rows.isArray()) {
            throw new IllegalArgumentException(source + ": field 'thresholds' is missing or not an array of rows");
        }
        if (rows.size() != exits) {
            throw new IllegalArgumentException(source + ": field 'thresholds' has " + rows.size()
                    + " rows, but 'exits' is " + exits);
        }
        double[] flat = new double[exits * classes];
        for (int k = 0; k < exits; k++) {
            JsonNode row = rows.get(k);
            String rowName = "thresholds[" + k + "]";
            if (!row.isArray()) {
                throw new IllegalArgumentException(source + ": field '" + rowName + "' is not an array");
            }
            if (row.size() != classes) {
                throw new IllegalArgumentException(source + ": field '" + rowName + "' has " + row.size()
                        + " values, but 'classes' is " + classes);
            }
            for (int c = 0; c < classes; c++) {
                flat[k * classes + c] = readValue(row.get(c), source, rowName + "[" + c + "]");
            }
        }
        return new Thresholds(rule, exits, classes, flat);
    }

    /**
     * Reads a thresholds file written from {@link #toJson()}.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when its content is invalid; the message names the file and the field
     */
    public static Thresholds read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** A fresh mapper per document: JSON is read and written rarely, and the evaluator never loads Jackson. */
    private static ObjectMapper jsonMapper() {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    private static double readValue(JsonNode node, String source, String field) {
        if (node.isNumber()) {
            double value = node.doubleValue();
            // Both rules' scores lie in [0, 1]: a negative threshold makes the exit take every sample, which a
            // file should say openly ("-Infinity") rather than by a sign slip that silently costs accuracy.
            if (value < 0) {
                throw new IllegalArgumentException(source + ": field '" + field + "' is " + node + "; thresholds "
                        + "are scores between 0 and 1 (write \"-Infinity\" for an exit that takes every sample)");
            }
            return value;
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "Infinity":
                case "+Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(source + ": field '" + field + "' is " + node
                + "; expected a number, \"Infinity\" (never exit) or \"-Infinity\" (always exit)");
    }

    private static String requireText(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' is missing or not a string");
        }
        return node.textValue();
    }

    private static int requireInt(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || !node.isInt()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' is missing or not an integer");
        }
        return node.intValue();
    }

    private static double requireNotNaN(double value, int exit, int predictedClass) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("thresholds[" + exit + "][" + predictedClass + "] is NaN; use +∞ to"
                    + " never exit and −∞ to always exit");
        }
        return value;
    }

    private int index(int exit, int predictedClass) {
        Objects.checkIndex(exit, exits);
        Objects.checkIndex(predictedClass, classes);
        return exit * classes + predictedClass;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds t && t.rule == rule && t.exits == exits && t.classes == classes
                && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, exits, classes, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Thresholds[").append(rule).append(", ");
        for (int k = 0; k < exits; k++) {
            sb.append(k == 0 ? "" : ", ").append(Arrays.toString(row(k)));
        }
        return sb.append(']').toString();
    }
}
