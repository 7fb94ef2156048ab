package org.exitbench.cascade.decision;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import org.exitbench.cascade.Thresholds;

/**
 * A fitted decision rule with the thresholds chosen on its scores: what {@code exitbench exit-rules} saves for each
 * rule and budget, and what {@code exitbench export --decision} puts into a cascade. Untrusted when read: the size
 * is capped before reading, the format and version checked, unknown fields refused, and every error names the file
 * and the field.
 *
 * @param rule        the rule
 * @param thresholds  thresholds on its score slot
 * @param description where it came from (free text, e.g. the run, mode, budget and margin)
 */
public record DecisionFile(ExitDecisionRule rule, Thresholds thresholds, String description) {

    /** The {@code format} field. */
    public static final String FORMAT = "exitbench-decision";
    /** The version written and read. */
    public static final int VERSION = 1;
    /** The largest file read (a 64-exit rule of 256-unit heads over 1000 classes is well below). */
    public static final long MAX_BYTES = 64L << 20;

    /** @throws IllegalArgumentException when the rule's slot is not the one the thresholds compare */
    public DecisionFile {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(thresholds, "thresholds");
        if (rule.slot() != thresholds.rule()) {
            throw new IllegalArgumentException("the rule " + rule.id() + " scores " + rule.slot()
                    + ", the thresholds compare " + thresholds.rule());
        }
        description = description == null ? "" : description;
    }

    /** @return the document as JSON text */
    public String toJson() {
        ObjectMapper mapper = mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", VERSION);
        root.put("description", description);
        root.set("rule", DecisionRuleJson.toJson(rule));
        try {
            root.set("thresholds", mapper.readTree(thresholds.toJson()));
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read the thresholds' own JSON", e);
        }
    }

    /**
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException naming the file and the field at fault
     */
    public static DecisionFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": is " + size + " bytes, more than a decision file may be ("
                    + MAX_BYTES + ")");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = mapper().readTree(in.readNBytes((int) MAX_BYTES + 1));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": must hold a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new IllegalArgumentException(file + ": field 'format' must be \"" + FORMAT + "\"");
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException(file + ": field 'formatVersion' is " + version + "; this Exitbench reads "
                    + "version " + VERSION);
        }
        Set<String> allowed = Set.of("format", "formatVersion", "description", "rule", "thresholds");
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(file + ": field '" + name + "' is unknown");
            }
        }
        JsonNode description = root.get("description");
        ExitDecisionRule rule;
        try {
            rule = DecisionRuleJson.fromJson(root.get("rule"), "rule");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        JsonNode thresholds = root.get("thresholds");
        if (thresholds == null || !thresholds.isObject()) {
            throw new IllegalArgumentException(file + ": field 'thresholds' must be an object");
        }
        Thresholds t = Thresholds.fromJson(thresholds.toString(), file + " thresholds");
        try {
            if (rule.exitCount() != 0 && rule.exitCount() != t.exitCount()) {
                throw new IllegalArgumentException("the rule has " + rule.exitCount() + " exits, the thresholds "
                        + t.exitCount());
            }
            return new DecisionFile(rule, t, description == null ? "" : description.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the document (UTF-8), atomically. */
    public void write(Path file) {
        org.exitbench.store.AtomicFiles.writeString(file, toJson());
    }

    private static ObjectMapper mapper() {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }
}
