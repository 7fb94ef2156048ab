package org.exitbench.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exitbench.cascade.Thresholds;
import org.exitbench.store.JsonDocuments;

/**
 * The three speedups of one cascade at one operating point, as the GUI shows them next to it: <em>theoretical</em>
 * (from MACs), <em>simulated</em> (from the measured latency of each part) and <em>measured</em> (end to end), all
 * relative to the whole backbone on the same machine, threads and images, at batch 1.
 *
 * <ul>
 *   <li>theoretical = backbone MACs / mean MACs per image of the cascade ({@link org.exitbench.cascade.CostModel}
 *       on the exits the images took; the workbench's {@code CascadeEvaluator} gives the same on the same
 *       thresholds and split);</li>
 *   <li>simulated = backbone latency / Σ over images of the mean latencies of the parts the image runs (each
 *       backbone segment timed in a chained pass without exits, each branch timed in the cascade): what the cascade
 *       would take if its parts cost what they cost alone. Below theoretical, it shows latency that does not follow
 *       MACs (per-layer overhead, a branch's fixed cost);</li>
 *   <li>measured = backbone latency / cascade latency, each image timed end to end through
 *       {@link EarlyExitPredictor}. Below simulated, it shows the cost of composing the parts.</li>
 * </ul>
 *
 * <p>Saved per run in {@value #FILE_NAME} in the run folder ({@code runs/<id>/speedup.json}), one entry per training
 * mode and thread count; {@link #readAll} gives them to a view, {@link #save} adds or replaces one. Version 2 of the
 * file records the thresholds each measurement was taken at; version 1 did not, and the app kept them beside it in
 * {@value #LEGACY_THRESHOLDS_FILE}, which {@link #readAll} still reads for version-1 entries.
 *
 * @param runId                  the run whose cascade was measured
 * @param mode                   its training mode, e.g. "boosted"
 * @param threads                the compute threads ND4J used
 * @param batchSize              images per call (1: latency)
 * @param samples                images measured (test split × repeats)
 * @param theoretical            speedup from MACs
 * @param simulated              speedup from part latencies
 * @param measured               end-to-end speedup
 * @param measuredOverTheoretical measured / theoretical: how much of the MAC saving is real
 * @param backbone               the whole backbone's latency
 * @param cascade                the cascade's latency
 * @param machine                the CPU and core count, e.g. "AMD EPYC 7B13, 2 cores"
 * @param measuredAt             when, ISO-8601 UTC
 * @param thresholds             the cascade's thresholds, as {@link Thresholds#toJson()} writes them; null when
 *                               unknown (a version-1 measurement made outside the app)
 */
public record MeasuredSpeedup(String runId, String mode, int threads, int batchSize, int samples, double theoretical,
                              double simulated, double measured, double measuredOverTheoretical,
                              LatencyStats backbone, LatencyStats cascade, String machine, String measuredAt,
                              JsonNode thresholds) {

    public MeasuredSpeedup {
        // JSON null reads back as a NullNode; unknown thresholds are null either way.
        if (thresholds != null && thresholds.isNull()) {
            thresholds = null;
        }
    }

    /** The file in a run folder holding that run's measurements. */
    public static final String FILE_NAME = "speedup.json";
    /** Its format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            new JsonDocuments.DocumentType("exitbench.measured-speedup", 1, 2);
    /** Where version 1 kept the thresholds of the app's measurements, keyed by {@link #measuredAt()}. */
    public static final String LEGACY_THRESHOLDS_FILE = "speedup-thresholds.json";
    private static final JsonDocuments.DocumentType LEGACY_THRESHOLDS_TYPE =
            JsonDocuments.DocumentType.of("exitbench.measured-thresholds", 1);

    /** The version-1 side file: per measurement time, the thresholds as {@link Thresholds#toJson()} wrote them. */
    record LegacyThresholds(Map<String, JsonNode> thresholds) {
    }

    /**
     * @param source the file to name when the recorded thresholds are invalid
     * @return the thresholds the measurement was taken at, if recorded
     * @throws IllegalArgumentException naming {@code source} when they are invalid
     */
    public Optional<Thresholds> thresholdsMeasured(Path source) {
        return thresholds == null ? Optional.empty()
                : Optional.of(Thresholds.fromJson(thresholds.toString(), source.toString()));
    }

    /** @return this measurement with the thresholds it was taken at */
    public MeasuredSpeedup withThresholds(JsonNode value) {
        return new MeasuredSpeedup(runId, mode, threads, batchSize, samples, theoretical, simulated, measured,
                measuredOverTheoretical, backbone, cascade, machine, measuredAt, value);
    }

    /** The document: every measurement of one run. */
    record Measurements(List<MeasuredSpeedup> measurements) {
    }

    /**
     * The measurements saved in a run folder.
     *
     * @return in the order saved; empty when the run was never measured
     * @throws org.exitbench.store.StoreException naming the file when it is corrupt or of an unsupported version
     */
    public static List<MeasuredSpeedup> readAll(Path runFolder) {
        Path file = runFolder.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<MeasuredSpeedup> read = JsonDocuments.read(file, DOCUMENT_TYPE, Measurements.class).measurements();
        Path legacy = runFolder.resolve(LEGACY_THRESHOLDS_FILE);
        if (!Files.exists(legacy) || read.stream().allMatch(m -> m.thresholds() != null)) {
            return List.copyOf(read);
        }
        Map<String, JsonNode> recorded = JsonDocuments.read(legacy, LEGACY_THRESHOLDS_TYPE, LegacyThresholds.class)
                .thresholds();
        List<MeasuredSpeedup> all = new ArrayList<>(read.size());
        for (MeasuredSpeedup m : read) {
            JsonNode kept = recorded == null ? null : recorded.get(m.measuredAt());
            all.add(m.thresholds() == null && kept != null ? m.withThresholds(kept) : m);
        }
        return List.copyOf(all);
    }

    /**
     * Adds a measurement to a run folder's {@value #FILE_NAME}, replacing one of the same mode and thread count;
     * the file is rewritten atomically.
     */
    public static void save(Path runFolder, MeasuredSpeedup speedup) {
        List<MeasuredSpeedup> all = new ArrayList<>();
        for (MeasuredSpeedup m : readAll(runFolder)) {
            if (!(m.mode().equals(speedup.mode()) && m.threads() == speedup.threads())) {
                all.add(m);
            }
        }
        all.add(speedup);
        JsonDocuments.write(runFolder.resolve(FILE_NAME), DOCUMENT_TYPE, new Measurements(all));
    }
}
