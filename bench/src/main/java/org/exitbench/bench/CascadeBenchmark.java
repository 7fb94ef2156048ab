package org.exitbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.exitbench.calibrate.ClassPrecisionReport;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginSweep;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.SyntheticExitScores;
import org.exitbench.cascade.ThresholdSweep;
import org.exitbench.cascade.Thresholds;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Times the cascade engine at CINIC-10 scale on synthetic scores (90,000 samples × 3 exits × 10 classes by
 * default): one {@link CascadeEvaluator} evaluation (goal: median under 1 ms), the full update a threshold
 * slider triggers (evaluation, survivor statistics and the per-class table; goal: under 16 ms), and CPM
 * calibration of all exits, cold (first use sorts the scores) and warm.
 *
 * <p>A small harness rather than JMH: the bench profile has JMH's runtime but not its annotation processor.
 * Each timed call is measured on its own with {@link System#nanoTime()} after a warm-up long enough for the JIT
 * to compile the hot loop; results feed a sink so no call can be optimised away. Thresholds vary from call to
 * call (64 variants built beforehand) as slider moves would, so branch predictors cannot learn one pattern.
 *
 * <p>Run with {@code bench/run-cascade-bench.sh [samples exits classes]}.
 */
public final class CascadeBenchmark {

    private static final int VARIANTS = 64;
    private double sink;

    public static void main(String[] args) throws IOException {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 90_000;
        int exits = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        new CascadeBenchmark().run(samples, exits, classes);
    }

    private void run(int samples, int exits, int classes) throws IOException {
        System.out.printf(Locale.ROOT, "Cascade benchmark: %,d samples × %d exits × %d classes (synthetic)%n",
                samples, exits, classes);
        System.out.printf(Locale.ROOT, "JVM %s on %d CPUs; load average at start: %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage());

        ExitScores validation = SyntheticExitScores.generate(samples, exits, classes, 1);
        ExitScores test = SyntheticExitScores.generate(samples, exits, classes, 2);
        // ResNet-18 (CIFAR style) proportions: exits after stages 1-3, branches about 1 % of the backbone.
        long full = 557_000_000L;
        long[] toExit = new long[exits];
        long[] branch = new long[exits];
        for (int k = 0; k < exits; k++) {
            toExit[k] = full * (k + 1) / (exits + 1);
            branch[k] = full / 100;
        }
        CostModel costs = new CostModel(toExit, branch, full);
        CpmSettings settings = CpmSettings.builder().margin(0.05).build();
        Thresholds calibrated = new CpmCalibrator(settings).calibrate(validation);
        Thresholds[] variants = sliderMoves(calibrated, 42);
        CascadeEvaluator evaluator = new CascadeEvaluator(test, costs);
        System.out.println("CPM (m = 0.05) on the test split: " + evaluator.evaluate(calibrated));

        // 1. One evaluation.
        long[] evaluate = time(3_000, 5_000, i -> sink += evaluator.evaluate(variants[i % VARIANTS]).accuracy());
        report("CascadeEvaluator.evaluate, all samples", evaluate);

        // 2. One evaluation on a survivor-style subset (half the samples, at random).
        boolean[] subset = new boolean[samples];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < samples; i++) {
            subset[i] = random.nextBoolean();
        }
        long[] masked = time(2_000, 3_000,
                i -> sink += evaluator.evaluate(variants[i % VARIANTS], subset).accuracy());
        report("CascadeEvaluator.evaluate, random half subset", masked);

        // 3. What one slider move costs: evaluation + per-class survivor statistics + the threshold table.
        long[] slider = time(1_000, 3_000, i -> {
            Thresholds t = variants[i % VARIANTS];
            CascadeResult r = evaluator.evaluate(t);
            ClassPrecisionReport table = ClassPrecisionReport.of(r, evaluator.survivorStatistics(), t, settings);
            sink += table.cell(0, 0).survivorCount() + r.computeReduction();
        });
        report("slider update: evaluate + survivorStatistics + ClassPrecisionReport", slider);

        // 4. CPM calibration of every exit. Cold: a fresh ExitScores, so the per-exit ranking is sorted first.
        int coldRuns = 8;
        long[] cold = new long[coldRuns];
        for (int r = 0; r < coldRuns; r++) {
            ExitScores fresh = SyntheticExitScores.generate(samples, exits, classes, 100 + r);
            long start = System.nanoTime();
            sink += new CpmCalibrator(settings).calibrate(fresh).hashCode();
            cold[r] = System.nanoTime() - start;
        }
        report("CpmCalibrator.calibrate, cold (includes sorting each exit's scores)", cold);
        long[] warm = time(20, 60, i -> sink += new CpmCalibrator(settings.toBuilder().margin(0.01 * (i % 20)).build())
                .calibrate(validation).hashCode());
        report("CpmCalibrator.calibrate, warm (ranking cached in ExitScores)", warm);

        // 5. Whole curves.
        double[] margins = ThresholdSweep.evenlySpaced(0.0, 0.4, 41);
        long start = System.nanoTime();
        int points = MarginSweep.overMargin(settings, margins, validation, evaluator, ProgressListener.NONE,
                CancellationToken.NEVER).size();
        System.out.printf(Locale.ROOT, "%-70s %8.1f ms for %d margins%n", "MarginSweep (calibrate + evaluate)",
                (System.nanoTime() - start) / 1e6, points);

        System.out.printf(Locale.ROOT, "load average at end: %s (sink %.3f)%n", loadAverage(), sink);
    }

    /** Thresholds as a user dragging sliders would produce them: the calibrated ones, one cell nudged each time. */
    private static Thresholds[] sliderMoves(Thresholds base, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Thresholds[] out = new Thresholds[VARIANTS];
        Thresholds t = base;
        for (int v = 0; v < VARIANTS; v++) {
            int k = random.nextInt(base.exitCount());
            int c = random.nextInt(base.classCount());
            t = t.withThreshold(k, c, 0.3 + 0.7 * random.nextDouble());
            out[v] = t;
        }
        return out;
    }

    private interface Call {
        void run(int iteration);
    }

    private static long[] time(int warmup, int measured, Call call) {
        for (int i = 0; i < warmup; i++) {
            call.run(i);
        }
        long[] nanos = new long[measured];
        for (int i = 0; i < measured; i++) {
            long start = System.nanoTime();
            call.run(i);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-70s median %8.3f ms  (p10 %.3f, p90 %.3f, p99 %.3f, n=%d)%n", what,
                percentile(sorted, 0.5), percentile(sorted, 0.1), percentile(sorted, 0.9), percentile(sorted, 0.99),
                sorted.length);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
