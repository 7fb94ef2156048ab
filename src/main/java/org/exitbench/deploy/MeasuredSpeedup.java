package org.exitbench.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * mode and thread count; {@link #readAll} gives them to a view, {@link #save} adds or replaces one.
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
 */
public record MeasuredSpeedup(String runId, String mode, int threads, int batchSize, int samples, double theoretical,
                              double simulated, double measured, double measuredOverTheoretical,
                              LatencyStats backbone, LatencyStats cascade, String machine, String measuredAt) {

    /** The file in a run folder holding that run's measurements. */
    public static final String FILE_NAME = "speedup.json";
    /** Its format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.measured-speedup", 1);

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
        return List.copyOf(JsonDocuments.read(file, DOCUMENT_TYPE, Measurements.class).measurements());
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
