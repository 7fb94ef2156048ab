package org.exitbench.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.exitbench.cascade.Thresholds;
import org.exitbench.deploy.MeasuredSpeedup;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * The thresholds each speedup measurement of the workbench was taken at, kept in the run folder beside
 * {@value MeasuredSpeedup#FILE_NAME} (which does not record them) in {@value #FILE_NAME}, keyed by the measurement's
 * {@link MeasuredSpeedup#measuredAt()}. A measurement made elsewhere ({@code exitbench speedup --save-to-run}) has no
 * entry, and the pane says its thresholds are unknown.
 */
public final class MeasuredThresholds {

    /** The file in a run folder. */
    public static final String FILE_NAME = "speedup-thresholds.json";
    private static final JsonDocuments.DocumentType TYPE =
            JsonDocuments.DocumentType.of("exitbench.measured-thresholds", 1);

    /** The document: per measurement time, the thresholds as {@link Thresholds#toJson()} writes them. */
    record Entries(Map<String, JsonNode> thresholds) {
    }

    private MeasuredThresholds() {
    }

    /**
     * @return the thresholds of the measurement taken at {@code measuredAt}, if recorded
     * @throws StoreException naming the file when it is corrupt or of an unsupported version
     * @throws IllegalArgumentException naming the file when the recorded thresholds are invalid
     */
    public static Optional<Thresholds> read(Path runFolder, String measuredAt) {
        JsonNode node = entries(runFolder).get(measuredAt);
        return node == null ? Optional.empty()
                : Optional.of(Thresholds.fromJson(node.toString(), runFolder.resolve(FILE_NAME).toString()));
    }

    /** Records the thresholds of a measurement, keeping the entries of the others; the file is replaced atomically. */
    public static void save(Path runFolder, String measuredAt, Thresholds thresholds) {
        Map<String, JsonNode> all = new LinkedHashMap<>(entries(runFolder));
        try {
            all.put(measuredAt, JsonDocuments.newMapper().readTree(thresholds.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("thresholds wrote invalid JSON", e);
        }
        JsonDocuments.write(runFolder.resolve(FILE_NAME), TYPE, new Entries(all));
    }

    private static Map<String, JsonNode> entries(Path runFolder) {
        Path file = runFolder.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Map.of();
        }
        Map<String, JsonNode> read = JsonDocuments.read(file, TYPE, Entries.class).thresholds();
        return read == null ? Map.of() : read;
    }
}
