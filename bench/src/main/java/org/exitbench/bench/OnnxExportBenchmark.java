package org.exitbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.LatencyStats;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.deploy.onnx.ExportedBackbone;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.experiment.CascadeExport;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.onnx.OnnxRuntimeSessions;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchTrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 16: batch-1 latency of a run's cascade exported as ONNX and run by ONNX Runtime (segments, and the one-file
 * cascade.onnx) against today's DL4J predictor, same thresholds, same images; plus each engine's whole backbone for
 * the measured ÷ theoretical speedup, export times and sizes. The paths take turns over blocks of 25 images
 * (interleaved, so a shared machine's load hits them alike); ratios come from this one run.
 *
 * <p>Options: {@code --run FOLDER} (required; {@code EarlyExitBenchmark --prepare} trains one), {@code --mode M},
 * {@code --threads N} (ONNX Runtime's; DL4J's come from OMP_NUM_THREADS, read when ND4J loads, so set both alike),
 * {@code --limit N} (evenly spaced test images; default all), {@code --warmup N}, {@code --repeats N}.
 */
public final class OnnxExportBenchmark {

    private static final JsonDocuments.DocumentType REPORT =
            JsonDocuments.DocumentType.of("exitbench.onnx-export-benchmark", 1);

    private OnnxExportBenchmark() {
    }

    /**
     * One path's latency.
     *
     * @param path    what was timed
     * @param latency its latency at batch 1
     */
    record Row(String path, LatencyStats latency) {
    }

    /**
     * The benchmark's JSON.
     *
     * @param exportSeconds per format, how long exporting took (checks included)
     * @param sizes         per format, per file, bytes
     * @param agreement     per ONNX path, how many images took the same exit with the same class as the DL4J
     *                      predictor
     */
    record Report(String runId, String mode, int threads, String ompNumThreads, String images, int imageCount,
                  int samples,
                  String cpu, String loadAverage, String onnxRuntime, List<Row> rows, double theoretical,
                  Map<String, Double> ratios, Map<String, Double> exportSeconds,
                  Map<String, Map<String, Long>> sizes, Map<String, Integer> agreement) {
    }

    public static void main(String[] args) throws IOException {
        Path runFolder = null;
        BranchTrainingMode mode = BranchTrainingMode.BOOSTED;
        int threads = Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "1"));
        Integer limit = null;
        int warmUp = 300;
        int repeats = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--run" -> runFolder = Path.of(args[++i]);
                case "--mode" -> mode = ExperimentConfig.parseMode(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--warmup" -> warmUp = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --run FOLDER, "
                        + "--mode M, --threads N, --limit N, --warmup N, --repeats N)");
            }
        }
        if (runFolder == null) {
            throw new IllegalArgumentException("--run FOLDER is required (EarlyExitBenchmark --prepare trains one)");
        }
        Dl4jEngine.initialize();
        ExperimentRun run = ExperimentRun.load(runFolder);
        ImageDataset test = DatasetReaders.read(Path.of(run.config().dataset())).split(Split.TEST);
        int all = test.size();
        if (limit != null && limit < all) {
            test = test.subset(SpeedupMeasurement.evenlySpaced(all, limit));
        }
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        String tag = run.id() + "-" + ExperimentConfig.modeName(mode);

        Map<String, Double> exportSeconds = new LinkedHashMap<>();
        Map<String, Map<String, Long>> sizes = new LinkedHashMap<>();
        CascadeParts parts = CascadeExport.fromRun(run, mode, null);
        Path zip = out.resolve("onnx-bench-" + tag + ".zip");
        long started = System.nanoTime();
        CascadeFile.save(parts, zip);
        exportSeconds.put("zip", (System.nanoTime() - started) / 1e9);
        sizes.put("zip", Map.of(zip.getFileName().toString(), Files.size(zip)));
        Map<OnnxCascadeExport.Shape, Path> folders = new LinkedHashMap<>();
        for (OnnxCascadeExport.Shape shape : OnnxCascadeExport.Shape.values()) {
            Path folder = out.resolve("onnx-bench-" + tag + "-" + shape.label());
            OnnxCascadeExport.Result result = OnnxCascadeExport.export(parts, test, shape, folder);
            exportSeconds.put(shape.label(), result.seconds());
            sizes.put(shape.label(), result.sizes());
            folders.put(shape, folder);
        }

        EarlyExitPredictor dl4j = EarlyExitPredictor.load(zip);
        ComputationGraph dl4jBackbone = dl4j.cascade().fullBackbone();
        OnnxCascade segmentsExport = OnnxCascade.load(folders.get(OnnxCascadeExport.Shape.SEGMENTS));
        OnnxCascade singleExport = OnnxCascade.load(folders.get(OnnxCascadeExport.Shape.SINGLE));
        int n = test.size();
        int c = segmentsExport.manifest().inputChannels();
        int h = segmentsExport.manifest().inputHeight();
        int w = segmentsExport.manifest().inputWidth();
        float[][] pixels = new float[n][];
        List<INDArray> normalised = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pixels[i] = OnnxEarlyExitPredictor.pixels(test, i, 1, c, h, w);
            float[] x = new float[pixels[i].length];
            for (int p = 0; p < x.length; p++) {
                x[p] = segmentsExport.manifest().stats().normalize(p / (h * w), (int) pixels[i][p]);
            }
            normalised.add(Nd4j.create(x, new long[] {1, c, h, w}, 'c'));
        }
        String[] names = {"DL4J whole backbone", "DL4J predictor (zip)", "ORT backbone.onnx", "ORT segments",
            "ORT cascade.onnx (If exits)"};
        int total = n * repeats;
        long[][] nanos = new long[names.length][total];
        // With one thread all the work of either engine runs on the calling thread, so its CPU time is the latency
        // with the time other processes took from it left out (the development machine is shared).
        long[][] cpuNanos = new long[names.length][total];
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        int[] dl4jExit = new int[n];
        int[] dl4jClass = new int[n];
        int[][] exitOf = new int[2][n];
        int[][] classOf = new int[2][n];
        try (OnnxEarlyExitPredictor segments = new OnnxEarlyExitPredictor(segmentsExport, threads, 1);
             OnnxEarlyExitPredictor single = new OnnxEarlyExitPredictor(singleExport, threads, 1);
             ExportedBackbone backbone = new ExportedBackbone(singleExport, threads)) {
            for (int i = 0; i < warmUp; i++) {
                int image = i % n;
                dl4jBackbone.outputSingle(false, normalised.get(image));
                dl4j.predict(normalised.get(image));
                backbone.classify(pixels[image]);
                segments.predictPixels(pixels[image], 1);
                single.predictPixels(pixels[image], 1);
            }
            // Blocks of images per path, not path after path per image: each path's model is its own copy of the
            // weights, and switching per image would time every path with caches holding another path's weights.
            int block = 25;
            for (int r = 0; r < repeats; r++) {
                for (int from = 0, b = 0; from < n; from += block, b++) {
                    for (int turn = 0; turn < names.length; turn++) {
                        int path = (turn + b) % names.length;
                        for (int i = from; i < Math.min(n, from + block); i++) {
                            int at = r * n + i;
                            long c0 = cpu.getCurrentThreadCpuTime();
                            long t0 = System.nanoTime();
                            switch (path) {
                                case 0 -> dl4jBackbone.outputSingle(false, normalised.get(i)).argMax(1).getInt(0);
                                case 1 -> {
                                    var p = dl4j.predict(normalised.get(i)).get(0);
                                    dl4jExit[i] = p.exit();
                                    dl4jClass[i] = p.classIndex();
                                }
                                case 2 -> backbone.classify(pixels[i]);
                                case 3 -> {
                                    var p = segments.predictPixels(pixels[i], 1).get(0);
                                    exitOf[0][i] = p.exit();
                                    classOf[0][i] = p.classIndex();
                                }
                                default -> {
                                    var p = single.predictPixels(pixels[i], 1).get(0);
                                    exitOf[1][i] = p.exit();
                                    classOf[1][i] = p.classIndex();
                                }
                            }
                            nanos[path][at] = System.nanoTime() - t0;
                            cpuNanos[path][at] = cpu.getCurrentThreadCpuTime() - c0;
                        }
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < names.length; j++) {
            rows.add(new Row(names[j], LatencyStats.of(nanos[j])));
        }
        if (threads == 1) {
            for (int j = 0; j < names.length; j++) {
                rows.add(new Row(names[j] + ", CPU", LatencyStats.of(cpuNanos[j])));
            }
        }
        CostModel costs = segmentsExport.costModel();
        double macs = 0;
        for (int i = 0; i < n; i++) {
            macs += costs.costOfExit(dl4jExit[i]);
        }
        double theoretical = costs.fullBackboneMacs() / (macs / n);
        Map<String, Double> ratios = new LinkedHashMap<>();
        double dl4jPredictor = rows.get(1).latency().meanMs();
        ratios.put("DL4J predictor / ORT segments (mean)", dl4jPredictor / rows.get(3).latency().meanMs());
        ratios.put("DL4J predictor / ORT cascade.onnx (mean)", dl4jPredictor / rows.get(4).latency().meanMs());
        ratios.put("DL4J predictor / ORT segments (p50)", rows.get(1).latency().p50Ms()
                / rows.get(3).latency().p50Ms());
        ratios.put("DL4J predictor / ORT cascade.onnx (p50)", rows.get(1).latency().p50Ms()
                / rows.get(4).latency().p50Ms());
        ratios.put("DL4J measured / theoretical", rows.get(0).latency().meanMs() / dl4jPredictor / theoretical);
        ratios.put("ORT segments measured / theoretical", rows.get(2).latency().meanMs()
                / rows.get(3).latency().meanMs() / theoretical);
        ratios.put("ORT cascade.onnx measured / theoretical", rows.get(2).latency().meanMs()
                / rows.get(4).latency().meanMs() / theoretical);
        if (threads == 1) {
            int k = names.length;
            double dl4jCpu = rows.get(k + 1).latency().meanMs();
            ratios.put("CPU time: DL4J predictor / ORT segments", dl4jCpu / rows.get(k + 3).latency().meanMs());
            ratios.put("CPU time: DL4J predictor / ORT cascade.onnx", dl4jCpu / rows.get(k + 4).latency().meanMs());
            ratios.put("CPU time: DL4J measured / theoretical", rows.get(k).latency().meanMs() / dl4jCpu
                    / theoretical);
            ratios.put("CPU time: ORT segments measured / theoretical", rows.get(k + 2).latency().meanMs()
                    / rows.get(k + 3).latency().meanMs() / theoretical);
            ratios.put("CPU time: ORT cascade.onnx measured / theoretical", rows.get(k + 2).latency().meanMs()
                    / rows.get(k + 4).latency().meanMs() / theoretical);
        }
        Map<String, Integer> agreement = new LinkedHashMap<>();
        String[] onnxPaths = {"ORT segments", "ORT cascade.onnx"};
        for (int e = 0; e < 2; e++) {
            int same = 0;
            for (int i = 0; i < n; i++) {
                same += exitOf[e][i] == dl4jExit[i] && classOf[e][i] == dl4jClass[i] ? 1 : 0;
            }
            agreement.put(onnxPaths[e], same);
        }

        String images = run.config().dataset() + ", test split, " + n + " of " + all + " images";
        Report report = new Report(run.id(), ExperimentConfig.modeName(mode), threads,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), images, n, total,
                cpu(), loadAverage(), OnnxRuntimeSessions.environment().getVersion(), rows,
                theoretical, ratios, exportSeconds, sizes, agreement);
        Path json = out.resolve("onnx-export-" + tag + "-" + threads + "t.json");
        JsonDocuments.write(json, REPORT, report);
        System.out.print(describe(report));
        System.out.println("Report: " + json);
    }

    /** @return the processor's model name from /proc/cpuinfo, or the architecture */
    static String cpu() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** @return the 1, 5 and 15 minute load averages, or "unknown" */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String describe(Report r) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "# ONNX export benchmark (issue 16): run %s, %s; %s; %d timed at "
                + "batch 1%n", r.runId(), r.mode(), r.images(), r.samples()));
        text.append(String.format(Locale.ROOT, "CPU %s; threads: ONNX Runtime %d, OMP_NUM_THREADS %s; ONNX Runtime "
                + "%s; load average %s%n", r.cpu(), r.threads(), r.ompNumThreads(), r.onnxRuntime(),
                r.loadAverage()));
        text.append(String.format(Locale.ROOT, "%-30s %9s %9s %9s%n", "latency (ms)", "mean", "p50", "p95"));
        for (Row row : r.rows()) {
            text.append(String.format(Locale.ROOT, "%-30s %9.3f %9.3f %9.3f%n", row.path(), row.latency().meanMs(),
                    row.latency().p50Ms(), row.latency().p95Ms()));
        }
        text.append(String.format(Locale.ROOT, "theoretical speedup (MACs of the exits taken): %.3f%n",
                r.theoretical()));
        r.ratios().forEach((name, value) -> text.append(String.format(Locale.ROOT, "%-52s %7.3f%n", name, value)));
        r.agreement().forEach((name, same) -> text.append(String.format(Locale.ROOT,
                "%s: same exit and class as the DL4J predictor on %d of %d images%n", name, same, r.imageCount())));
        r.exportSeconds().forEach((format, seconds) -> {
            long bytes = r.sizes().get(format).values().stream().mapToLong(Long::longValue).sum();
            text.append(String.format(Locale.ROOT, "export %-9s %6.2f s, %,11d bytes %s%n", format, seconds, bytes,
                    r.sizes().get(format)));
        });
        return text.toString();
    }
}
