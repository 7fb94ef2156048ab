package org.exitbench.deploy.onnx;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.ImageDataset;
import org.exitbench.deploy.LatencyStats;
import org.exitbench.deploy.Prediction;
import org.exitbench.model.onnx.OnnxRuntimeSessions;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Measures an ONNX export on ONNX Runtime at batch 1: the images are classified in blocks of {@value #BLOCK}, each
 * block by the whole backbone ({@value OnnxCascadeExport#BACKBONE}, the same threads) and by the cascade in turn, so
 * both see the same load, and the measured speedup is set beside the one the MACs of the exits taken promise. A
 * warm-up pass runs first.
 */
public final class OnnxSpeedup {

    /**
     * Images timed on one engine before switching to the other. Switching per image would make each engine run with
     * caches holding the other's weights (the two models are separate copies), which a deployment never sees.
     */
    static final int BLOCK = 25;

    private OnnxSpeedup() {
    }

    /**
     * Everything measured.
     *
     * @param shape       the export's shape (segments or single)
     * @param threads     ONNX Runtime's intra-op threads
     * @param images      what was measured
     * @param samples     images timed (images × repeats)
     * @param backbone    the whole backbone's latency
     * @param cascade     the cascade's latency
     * @param theoretical backbone MACs / mean MACs of the cascade on these images
     * @param measured    backbone mean latency / cascade mean latency
     * @param measuredCpu the same from the calling thread's CPU time, which leaves out the time other processes took
     *                    from it; NaN unless ONNX Runtime ran on 1 thread (then all its work runs on that thread)
     * @param leaving     images that left at each exit (the head last)
     * @param onnxRuntime ONNX Runtime's version
     */
    public record Report(String shape, int threads, String images, int samples, LatencyStats backbone,
                         LatencyStats cascade, double theoretical, double measured, double measuredCpu,
                         int[] leaving, String onnxRuntime) {

        public Report {
            leaving = leaving.clone();
        }

        @Override
        public int[] leaving() {
            return leaving.clone();
        }

        /** @return measured / theoretical: how much of the MAC saving is real */
        public double measuredOverTheoretical() {
            return measured / theoretical;
        }

        /** @return measured (CPU time) / theoretical; NaN unless 1 thread */
        public double measuredCpuOverTheoretical() {
            return measuredCpu / theoretical;
        }

        /** @return the report as text */
        public String describe() {
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "ONNX Runtime %s, %s export, %d thread%s: %s, %d timed at batch 1%n",
                    onnxRuntime, shape, threads, threads == 1 ? "" : "s", images, samples));
            text.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s%n", "latency (ms)", "mean", "p50", "p95"));
            for (var row : List.of(java.util.Map.entry("whole backbone", backbone),
                    java.util.Map.entry("cascade", cascade))) {
                text.append(String.format(Locale.ROOT, "%-16s %9.3f %9.3f %9.3f%n", row.getKey(),
                        row.getValue().meanMs(), row.getValue().p50Ms(), row.getValue().p95Ms()));
            }
            text.append(String.format(Locale.ROOT, "Speedup: theoretical %.3f, measured %.3f; measured / theoretical "
                    + "%.3f; images leaving at each exit (head last) %s%n", theoretical, measured,
                    measuredOverTheoretical(), Arrays.toString(leaving)));
            if (!Double.isNaN(measuredCpu)) {
                text.append(String.format(Locale.ROOT, "From the thread's CPU time: measured %.3f; measured / "
                        + "theoretical %.3f%n", measuredCpu, measuredCpuOverTheoretical()));
            }
            return text.toString();
        }
    }

    /**
     * Measures.
     *
     * @param predictor the export; its sessions' threads are the ones measured
     * @param warmUp    images classified by both before timing
     * @param repeats   timed passes over the images
     * @param progress  receives ("Measuring latency", done, all)
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Report measure(OnnxEarlyExitPredictor predictor, ImageDataset images, String label, int warmUp,
                                 int repeats, ProgressListener progress, CancellationToken cancel) {
        OnnxCascade cascade = predictor.cascade();
        OnnxManifest manifest = cascade.manifest();
        int n = images.size();
        if (n == 0 || repeats < 1 || warmUp < 0) {
            throw new IllegalArgumentException("need images, repeats >= 1 and warmUp >= 0 (had " + n + ", " + repeats
                    + ", " + warmUp + ")");
        }
        int c = manifest.inputChannels();
        int h = manifest.inputHeight();
        int w = manifest.inputWidth();
        float[][] pixels = new float[n][];
        for (int i = 0; i < n; i++) {
            pixels[i] = OnnxEarlyExitPredictor.pixels(images, i, 1, c, h, w);
        }
        int exits = cascade.exitCount();
        int total = n * repeats;
        long[] backboneNanos = new long[total];
        long[] cascadeNanos = new long[total];
        long[] backboneCpu = new long[total];
        long[] cascadeCpu = new long[total];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int[] exitOf = new int[n];
        try (ExportedBackbone backbone = new ExportedBackbone(cascade, predictor.threads())) {
            for (int i = 0; i < warmUp; i++) {
                cancel.throwIfCancelled();
                float[] x = pixels[i % n];
                backbone.classify(x);
                predictor.predictPixels(x, 1);
            }
            int done = 0;
            for (int r = 0; r < repeats; r++) {
                for (int from = 0, block = 0; from < n; from += BLOCK, block++) {
                    int to = Math.min(n, from + BLOCK);
                    // Which engine goes first alternates, so neither always finds the caches warmed by the other.
                    for (int turn = 0; turn < 2; turn++) {
                        boolean timeBackbone = (turn == 0) == (block % 2 == 0);
                        for (int i = from; i < to; i++) {
                            cancel.throwIfCancelled();
                            int at = r * n + i;
                            long startedCpu = cpu.getCurrentThreadCpuTime();
                            long started = System.nanoTime();
                            if (timeBackbone) {
                                backbone.classify(pixels[i]);
                                backboneNanos[at] = System.nanoTime() - started;
                                backboneCpu[at] = cpu.getCurrentThreadCpuTime() - startedCpu;
                            } else {
                                Prediction answer = predictor.predictPixels(pixels[i], 1).get(0);
                                cascadeNanos[at] = System.nanoTime() - started;
                                cascadeCpu[at] = cpu.getCurrentThreadCpuTime() - startedCpu;
                                exitOf[i] = answer.exit();
                            }
                        }
                    }
                    done += to - from;
                    progress.report("Measuring latency", done, total);
                }
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
        LatencyStats backboneStats = LatencyStats.of(backboneNanos);
        LatencyStats cascadeStats = LatencyStats.of(cascadeNanos);
        return new Report(manifest.shape(), predictor.threads(), label, total, backboneStats, cascadeStats,
                costs.fullBackboneMacs() / macs, backboneStats.meanMs() / cascadeStats.meanMs(),
                predictor.threads() == 1 ? mean(backboneCpu) / mean(cascadeCpu) : Double.NaN, leaving,
                OnnxRuntimeSessions.environment().getVersion());
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
