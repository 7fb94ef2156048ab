package org.exitbench.deploy.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.exitbench.cascade.Thresholds;
import org.exitbench.deploy.LatencyStats;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.store.JsonDocuments;

/**
 * An ONNX Runtime speedup measurement kept with its run, as {@link org.exitbench.deploy.MeasuredSpeedup} keeps the
 * DL4J one: the app's Analysis pane measures both engines side by side and shows the saved figures again when the
 * run is reopened. Saved in {@value #FILE_NAME} in the run folder, one entry per training mode, export shape and
 * thread count.
 *
 * @param runId                   the run whose cascade was measured
 * @param mode                    its training mode, e.g. "boosted"
 * @param shape                   the export's shape (segments or single)
 * @param threads                 ONNX Runtime's intra-op threads
 * @param samples                 images timed (images × repeats)
 * @param theoretical             speedup from MACs
 * @param measured                backbone.onnx mean latency / cascade mean latency
 * @param measuredCpu             the same from the thread's CPU time; null unless 1 thread
 * @param measuredOverTheoretical measured / theoretical
 * @param backbone                backbone.onnx's latency
 * @param cascade                 the cascade's latency
 * @param leaving                 images that left at each exit (the head last)
 * @param onnxRuntime             ONNX Runtime's version
 * @param machine                 the CPU and core count
 * @param loadAverage             the machine's load averages when measuring ended
 * @param measuredAt              when, ISO-8601 UTC
 * @param thresholds              the cascade's thresholds, as {@link Thresholds#toJson()} writes them
 */
public record OnnxMeasuredSpeedup(String runId, String mode, String shape, int threads, int samples,
                                  double theoretical, double measured, Double measuredCpu,
                                  double measuredOverTheoretical, LatencyStats backbone, LatencyStats cascade,
                                  int[] leaving, String onnxRuntime, String machine, String loadAverage,
                                  String measuredAt, JsonNode thresholds) {

    /** The file in a run folder holding that run's ONNX Runtime measurements. */
    public static final String FILE_NAME = "speedup-onnx.json";
    /** Its format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.onnx-measured-speedup", 1);

    public OnnxMeasuredSpeedup {
        leaving = leaving == null ? new int[0] : leaving.clone();
        if (thresholds != null && thresholds.isNull()) {
            thresholds = null;
        }
    }

    @Override
    public int[] leaving() {
        return leaving.clone();
    }

    /** The document: every ONNX Runtime measurement of one run. */
    record Measurements(List<OnnxMeasuredSpeedup> measurements) {
    }

    /**
     * A measurement as saved, with the run, mode and thresholds the export records.
     *
     * @param report  what {@link OnnxSpeedup#measure} found
     * @param cascade the export measured
     */
    public static OnnxMeasuredSpeedup of(OnnxSpeedup.Report report, OnnxCascade cascade) {
        OnnxManifest manifest = cascade.manifest();
        return new OnnxMeasuredSpeedup(manifest.provenance().runId(), manifest.provenance().mode(), report.shape(),
                report.threads(), report.samples(), report.theoretical(), report.measured(),
                Double.isNaN(report.measuredCpu()) ? null : report.measuredCpu(), report.measuredOverTheoretical(),
                report.backbone(), report.cascade(), report.leaving(), report.onnxRuntime(),
                SpeedupMeasurement.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores",
                SpeedupMeasurement.loadAverage(), Instant.now().toString(), manifest.thresholds());
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

    /** @return the figures in one line, as the Analysis pane shows them */
    public String describe() {
        String cpu = measuredCpu == null ? "" : String.format(Locale.ROOT, " (CPU time %.2f× · %.2f)", measuredCpu,
                measuredCpu / theoretical);
        return String.format(Locale.ROOT, "ONNX Runtime %s, %s: measured %.2f× · measured / theoretical %.2f%s · "
                + "backbone %.3f / %.3f / %.3f ms · cascade %.3f / %.3f / %.3f ms (mean / p50 / p95) · %d thread%s · "
                + "%s", onnxRuntime, shape.equals(OnnxManifest.SINGLE) ? OnnxCascadeExport.CASCADE : "segments",
                measured, measuredOverTheoretical, cpu, backbone.meanMs(), backbone.p50Ms(), backbone.p95Ms(),
                cascade.meanMs(), cascade.p50Ms(), cascade.p95Ms(), threads, threads == 1 ? "" : "s",
                measuredAt.length() >= 16 ? measuredAt.substring(0, 16).replace('T', ' ') + " UTC" : measuredAt);
    }

    /**
     * The ONNX Runtime measurements saved in a run folder.
     *
     * @return in the order saved; empty when there are none
     * @throws org.exitbench.store.StoreException naming the file when it is corrupt or of an unsupported version
     */
    public static List<OnnxMeasuredSpeedup> readAll(Path runFolder) {
        Path file = runFolder.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<OnnxMeasuredSpeedup> read = JsonDocuments.read(file, DOCUMENT_TYPE, Measurements.class).measurements();
        return read == null ? List.of() : List.copyOf(read);
    }

    /** @return the most recent measurement of a run and mode (any shape and thread count) */
    public static Optional<OnnxMeasuredSpeedup> latest(List<OnnxMeasuredSpeedup> all, String runId, String mode) {
        return all.stream().filter(m -> m.runId().equals(runId) && m.mode().equals(mode))
                .max(Comparator.comparing(OnnxMeasuredSpeedup::measuredAt));
    }

    /**
     * Adds a measurement to a run folder's {@value #FILE_NAME}, replacing one of the same mode, shape and thread
     * count; the file is rewritten atomically.
     */
    public static void save(Path runFolder, OnnxMeasuredSpeedup speedup) {
        List<OnnxMeasuredSpeedup> all = new ArrayList<>();
        for (OnnxMeasuredSpeedup m : readAll(runFolder)) {
            if (!(m.mode().equals(speedup.mode()) && m.shape().equals(speedup.shape())
                    && m.threads() == speedup.threads())) {
                all.add(m);
            }
        }
        all.add(speedup);
        JsonDocuments.write(runFolder.resolve(FILE_NAME), DOCUMENT_TYPE, new Measurements(all));
    }
}
