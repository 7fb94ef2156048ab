package org.exitbench.deploy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.ImageDataset;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.JsonDocuments;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures how much faster an exported cascade classifies images than its whole backbone, at batch 1 on this
 * machine and thread count, and puts the three speedups of {@link MeasuredSpeedup} side by side with the time and
 * MACs of every part.
 *
 * <p>Every image is timed three ways in turn, so that both sides see the same load on a shared machine: the whole
 * backbone joined from the cascade's segments ({@link ExportedCascade#fullBackbone()}: exactly the network the
 * cascade splits), the cascade through {@link EarlyExitPredictor}, and the segments chained without exits (for the
 * part latencies of the simulated speedup). Inputs are normalised before timing. A warm-up pass runs first (JIT,
 * DL4J workspaces, oneDNN primitives).
 */
public final class SpeedupMeasurement {

    private SpeedupMeasurement() {
    }

    /**
     * Picks {@code count} images spread evenly over a split, so that a short measurement sees every part of it
     * (the sample's files are stored class by class).
     *
     * @return row indices {@code i * size / count} for {@code i < count}, ascending
     */
    public static int[] evenlySpaced(int size, int count) {
        if (count < 1 || count > size) {
            throw new IllegalArgumentException("count must be in [1, " + size + "], was " + count);
        }
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = (int) ((long) i * size / count);
        }
        return indices;
    }

    /**
     * How long to measure.
     *
     * @param warmUp  images run through every path before timing
     * @param repeats passes over the images that are timed
     */
    public record Settings(int warmUp, int repeats) {

        public Settings {
            if (warmUp < 0 || repeats < 1) {
                throw new IllegalArgumentException("warmUp must be >= 0 and repeats >= 1, were " + warmUp + " and "
                        + repeats);
            }
        }
    }

    /**
     * One part of the cascade: a backbone segment and the branch that follows it (none after the head segment).
     *
     * @param vertex         where the segment ends: an exit vertex, or "final" for the head
     * @param segmentMacs    the segment's MACs
     * @param segmentMs      its mean latency, chained without exits
     * @param branchMacs     the branch's MACs (0 for the head)
     * @param branchMs       its mean latency in the cascade (map read-out, pooling, branch, threshold test); 0 for
     *                       the head, NaN for a branch no image reached
     * @param branchTimeShare branch latency / segment latency
     * @param branchMacShare  branch MACs / segment MACs
     * @param images         images that left at this exit
     */
    public record Part(String vertex, long segmentMacs, double segmentMs, long branchMacs, double branchMs,
                       double branchTimeShare, double branchMacShare, int images) {
    }

    /**
     * Everything measured, as the benchmark JSON ({@link #write}, {@link #read}) holds it.
     *
     * @param speedup       the summary the GUI shows (wall-clock time)
     * @param backboneCpu   the whole backbone's latency in CPU time of the calling thread: with one compute thread
     *                      (OMP_NUM_THREADS=1) all the work runs there, so this is the latency with the time other
     *                      processes took from it left out; with more threads it misses theirs
     * @param cascadeCpu    the cascade's latency in CPU time of the calling thread
     * @param cpuSpeedup    backboneCpu mean / cascadeCpu mean: the measured speedup on a machine other work keeps
     *                      busy (at one thread)
     * @param images        what was measured, e.g. "sample-data/fashion-mnist, test split, 2500 images"
     * @param cpu           the processor's model name
     * @param cores         cores the JVM sees
     * @param threads       ND4J's compute threads
     * @param ompNumThreads OMP_NUM_THREADS as the JVM was started with, "(unset)" when it was not
     * @param jvm           the Java runtime
     * @param oneDnn        whether DL4J hands the segments' convolutions to oneDNN
     * @param engine        {@link Dl4jEngine#describe()}
     * @param loadAverage   the machine's 1, 5 and 15 minute load averages when measuring ended (other work on a
     *                      shared machine slows both sides alike, but widens p95)
     * @param warmUp        images run before timing
     * @param repeats       timed passes
     * @param fullMacs      the backbone's MACs per image
     * @param cascadeMacs   the cascade's mean MACs per image
     * @param parts         the segments and branches, input to head
     */
    public record Report(MeasuredSpeedup speedup, LatencyStats backboneCpu, LatencyStats cascadeCpu,
                         double cpuSpeedup, String images, String cpu, int cores, int threads,
                         String ompNumThreads, String jvm, boolean oneDnn, String engine, String loadAverage,
                         int warmUp, int repeats, long fullMacs, double cascadeMacs, List<Part> parts) {

        public Report {
            parts = List.copyOf(parts);
        }

        /**
         * The report as text: machine, latency table, the three speedups and their ratio, and each part's time
         * against its MACs.
         */
        public String describe() {
            MeasuredSpeedup s = speedup;
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "%s: %d timed at batch 1 (%d pass%s) after %d warm-up%n", images,
                    s.samples(), repeats, repeats == 1 ? "" : "es", warmUp));
            text.append(String.format(Locale.ROOT, "CPU %s, %d cores, %d threads (OMP_NUM_THREADS %s), %s, oneDNN "
                    + "%s, load average %s%n", cpu, cores, threads, ompNumThreads, jvm, oneDnn ? "active" : "inactive",
                    loadAverage));
            text.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s%n", "latency (ms)", "mean", "p50", "p95"));
            for (var row : List.of(Map.entry("whole backbone", s.backbone()), Map.entry("cascade", s.cascade()),
                    Map.entry("  backbone, CPU", backboneCpu), Map.entry("  cascade, CPU", cascadeCpu))) {
                text.append(String.format(Locale.ROOT, "%-16s %9.3f %9.3f %9.3f%n", row.getKey(),
                        row.getValue().meanMs(), row.getValue().p50Ms(), row.getValue().p95Ms()));
            }
            text.append(String.format(Locale.ROOT, "Speedup: theoretical %.3f (MACs %,d -> %,.0f), simulated %.3f, "
                    + "measured %.3f; measured / theoretical %.3f (goal >= 0.8)%n", s.theoretical(), fullMacs,
                    cascadeMacs, s.simulated(), s.measured(), s.measuredOverTheoretical()));
            text.append(String.format(Locale.ROOT, "On the thread's CPU time (other load left out; exact at 1 thread): "
                    + "measured %.3f, measured / theoretical %.3f%n", cpuSpeedup, cpuSpeedup / s.theoretical()));
            text.append(String.format(Locale.ROOT, "%-8s %7s %12s %10s %11s %10s %12s %12s%n", "part", "images",
                    "segment MACs", "segment ms", "branch MACs", "branch ms", "branch/seg t", "branch/seg M"));
            for (Part part : parts) {
                text.append(String.format(Locale.ROOT, "%-8s %7d %,12d %10.3f %,11d %10.3f %11.1f%% %11.2f%%%n",
                        part.vertex(), part.images(), part.segmentMacs(), part.segmentMs(), part.branchMacs(),
                        part.branchMs(), 100 * part.branchTimeShare(), 100 * part.branchMacShare()));
            }
            return text.toString();
        }
    }

    /** The benchmark JSON's format and version. */
    public static final JsonDocuments.DocumentType REPORT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.speedup-report", 1);

    /** Writes a report as benchmark JSON, replacing {@code file} atomically. */
    public static void write(Path file, Report report) {
        JsonDocuments.write(file, REPORT_TYPE, report);
    }

    /**
     * Reads a report written by {@link #write}; its {@link Report#speedup()} is what the GUI shows.
     *
     * @throws org.exitbench.store.StoreException naming the file when it is missing, corrupt or of an unsupported
     *                                            version
     */
    public static Report read(Path file) {
        return JsonDocuments.read(file, REPORT_TYPE, Report.class);
    }

    /**
     * Measures a cascade on a set of images (the test split, typically).
     *
     * @param predictor the cascade; it is run, so it must not be used by another thread meanwhile
     * @param images    images of the cascade's geometry
     * @param label     what the images are, for the report (e.g. the dataset and split)
     * @param progress  receives ("Warming up", done, all) and then ("Measuring latency", images done, images in
     *                  all) per image
     * @param cancel    polled per image
     * @throws IllegalArgumentException when the images do not fit the cascade or there are none
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Report measure(EarlyExitPredictor predictor, ImageDataset images, String label, Settings settings,
                                 ProgressListener progress, CancellationToken cancel) {
        ExportedCascade cascade = predictor.cascade();
        CascadeManifest manifest = cascade.manifest();
        int n = images.size();
        if (n == 0) {
            throw new IllegalArgumentException("there are no images to measure");
        }
        int exits = cascade.exitCount();
        ComputationGraph backbone = cascade.fullBackbone();
        List<ComputationGraph> segments = cascade.segments().stream().map(ComputationGraph::clone).toList();
        INDArray[] inputs = new INDArray[n];
        INDArray[] networkInputs = new INDArray[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = predictor.normalise(images, i, 1);
            networkInputs[i] = predictor.networkInput(inputs[i]);
        }
        progress.report("Warming up", 0, settings.warmUp());
        for (int i = 0; i < settings.warmUp(); i++) {
            cancel.throwIfCancelled();
            backbone.outputSingle(false, networkInputs[i % n]);
            predictor.predict(inputs[i % n]);
            chain(segments, networkInputs[i % n], new long[exits + 1]);
            progress.report("Warming up", i + 1, settings.warmUp());
        }

        int total = n * settings.repeats();
        long[] backboneNanos = new long[total];
        long[] cascadeNanos = new long[total];
        long[] backboneCpu = new long[total];
        long[] cascadeCpu = new long[total];
        double[] segmentNanos = new double[exits + 1];
        double[] branchNanos = new double[exits];
        int[] branchRuns = new int[exits];
        int[] exitOf = new int[n];
        long[] parts = new long[exits + 1];
        progress.report("Measuring latency", 0, total);
        for (int r = 0, at = 0; r < settings.repeats(); r++) {
            for (int i = 0; i < n; i++, at++) {
                cancel.throwIfCancelled();
                INDArray x = inputs[i];
                INDArray network = networkInputs[i];
                // Alternate which path goes first, so neither always runs on caches the other warmed.
                if ((at & 1) == 0) {
                    backboneNanos[at] = timeBackbone(backbone, network, backboneCpu, at);
                    cascadeNanos[at] = timeCascade(predictor, x, i, exitOf, branchNanos, branchRuns, cascadeCpu, at);
                } else {
                    cascadeNanos[at] = timeCascade(predictor, x, i, exitOf, branchNanos, branchRuns, cascadeCpu, at);
                    backboneNanos[at] = timeBackbone(backbone, network, backboneCpu, at);
                }
                chain(segments, network, parts);
                for (int j = 0; j <= exits; j++) {
                    segmentNanos[j] += parts[j];
                }
                progress.report("Measuring latency", at + 1, total);
            }
        }

        CostModel costs = cascade.costModel();
        int[] leaving = new int[exits + 1];
        double macs = 0;
        for (int i = 0; i < n; i++) {
            leaving[exitOf[i]]++;
            macs += costs.costOfExit(exitOf[i]);
        }
        macs /= n;
        double[] segmentMs = new double[exits + 1];
        double[] branchMs = new double[exits];
        for (int j = 0; j <= exits; j++) {
            segmentMs[j] = segmentNanos[j] / total / 1e6;
        }
        for (int j = 0; j < exits; j++) {
            branchMs[j] = branchRuns[j] == 0 ? Double.NaN : branchNanos[j] / branchRuns[j] / 1e6;
        }
        double simulatedMs = 0;
        for (int e = 0; e <= exits; e++) {
            double path = 0;
            for (int j = 0; j <= e; j++) {
                path += segmentMs[j] + (j < exits && !Double.isNaN(branchMs[j]) ? branchMs[j] : 0);
            }
            simulatedMs += path * leaving[e] / n;
        }
        LatencyStats backboneStats = LatencyStats.of(backboneNanos);
        LatencyStats cascadeStats = LatencyStats.of(cascadeNanos);
        double theoretical = costs.fullBackboneMacs() / macs;
        double measured = backboneStats.meanMs() / cascadeStats.meanMs();
        int threads = Nd4j.getEnvironment().maxThreads();
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = cpuModel();
        CascadeProvenance provenance = manifest.provenance();
        MeasuredSpeedup speedup = new MeasuredSpeedup(provenance.runId(), provenance.mode(), threads, 1, total,
                theoretical, backboneStats.meanMs() / simulatedMs, measured, measured / theoretical, backboneStats,
                cascadeStats, cpu + ", " + cores + " cores", Instant.now().toString(), manifest.thresholds());

        List<Part> partList = new ArrayList<>();
        long previous = 0;
        for (int j = 0; j <= exits; j++) {
            boolean head = j == exits;
            long toHere = head ? costs.fullBackboneMacs() : costs.backboneMacsToExit()[j];
            long segmentMacs = toHere - previous;
            previous = toHere;
            long branch = head ? 0 : costs.branchMacs()[j];
            double branchLatency = head ? 0 : branchMs[j];
            partList.add(new Part(head ? "final" : manifest.exits().get(j).vertex(), segmentMacs, segmentMs[j],
                    branch, branchLatency, branchLatency / segmentMs[j], (double) branch / segmentMacs, leaving[j]));
        }
        LatencyStats backboneCpuStats = LatencyStats.of(backboneCpu);
        LatencyStats cascadeCpuStats = LatencyStats.of(cascadeCpu);
        return new Report(speedup, backboneCpuStats, cascadeCpuStats,
                backboneCpuStats.meanMs() / cascadeCpuStats.meanMs(), label, cpu, cores, threads,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Dl4jEngine.helpersActive(segments.get(0)), Dl4jEngine.describe(), loadAverage(), settings.warmUp(),
                settings.repeats(), costs.fullBackboneMacs(), macs, partList);
    }

    /** @return wall nanoseconds; the calling thread's CPU nanoseconds go to {@code cpu[at]} */
    private static long timeBackbone(ComputationGraph backbone, INDArray x, long[] cpu, int at) {
        long cpuStarted = threadCpuNanos();
        long started = System.nanoTime();
        // The answer a deployment needs: the class, read out of the network.
        backbone.outputSingle(false, x).argMax(1).getInt(0);
        long elapsed = System.nanoTime() - started;
        cpu[at] = threadCpuNanos() - cpuStarted;
        return elapsed;
    }

    private static long timeCascade(EarlyExitPredictor predictor, INDArray x, int image, int[] exitOf,
                                    double[] branchNanos, int[] branchRuns, long[] cpu, int at) {
        long cpuStarted = threadCpuNanos();
        long started = System.nanoTime();
        Prediction p = predictor.predict(x).get(0);
        long elapsed = System.nanoTime() - started;
        cpu[at] = threadCpuNanos() - cpuStarted;
        exitOf[image] = p.exit();
        long[] branches = p.branchNanos();
        for (int j = 0; j < branches.length; j++) {
            branchNanos[j] += branches[j];
            branchRuns[j]++;
        }
        return elapsed;
    }

    /** @return the calling thread's CPU time in nanoseconds, or 0 where the JVM cannot measure it */
    private static long threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    /** Runs the segments one after the other, recording each one's wall time. */
    private static void chain(List<ComputationGraph> segments, INDArray x, long[] nanos) {
        INDArray current = x;
        for (int j = 0; j < segments.size(); j++) {
            long started = System.nanoTime();
            current = segments.get(j).outputSingle(false, current);
            nanos[j] = System.nanoTime() - started;
        }
    }

    /** @return the 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** @return the processor's model name from /proc/cpuinfo, or the architecture where there is none */
    public static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            try (Stream<String> lines = Files.lines(info)) {
                return lines.filter(l -> l.startsWith("model name")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
            } catch (IOException e) {
                return System.getProperty("os.arch");
            }
        }
        return System.getProperty("os.arch");
    }
}
