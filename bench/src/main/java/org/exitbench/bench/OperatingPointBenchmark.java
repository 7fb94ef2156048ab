package org.exitbench.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.exitbench.app.Workbench;
import org.exitbench.app.analysis.AnalysisViewModel;
import org.exitbench.app.calibration.CalibrationViewModel;
import org.exitbench.app.data.ClassChoice;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.data.DatasetException;

/**
 * Times what one threshold slider move costs the app, at 90,000 synthetic samples per split × 3 exits × 10
 * classes by default (goal: under 16 ms, one frame at 60 Hz):
 * <ol>
 *   <li>the shared operating point alone: one evaluation of both splits, survivor statistics, the per-class
 *       table, the test exits (what every pane reads);</li>
 *   <li>the view-model path without the toolkit: the same plus the Calibration and Analysis view-models
 *       updating from it (the exit gallery rebuilt for the exit that takes the most images, the selected path);</li>
 *   <li>with the toolkit (headless Monocle when run by the script): the whole window with every pane built; in
 *       each frame one slider move at the start of the pulse, timed until the pulse's CSS and layout passes are
 *       done, for the Calibration and the Analysis pane shown in turn. Rendering is not timed: the software
 *       pipeline of a headless run says nothing about a real screen.</li>
 * </ol>
 * Each move nudges one threshold, cycling through cells and values as a drag would. A small harness rather
 * than JMH, as {@link CascadeBenchmark} explains; run with {@code bench/run-operating-point-bench.sh}.
 */
public final class OperatingPointBenchmark {

    private static final int MOVES = 64;
    /** CPU time of the measuring thread: on a shared machine, wall time also counts other processes' turns. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 90_000;
        int exits = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean toolkit = !Arrays.asList(args).contains("--no-toolkit");
        System.out.printf(Locale.ROOT, "Operating-point benchmark: %,d samples per split × %d exits × %d classes"
                + " (synthetic)%nJVM %s on %d CPUs%n", samples, exits, classes, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        CascadeSource source = SyntheticCascadeSource.withoutImages(samples, samples, exits, classes, 1);
        double[][] moves = moves(exits, classes);

        OperatingPointModel bare = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        bare.setSource(source);
        CalibrationViewModel bareCalibration = new CalibrationViewModel(bare);
        report("1. operating point only (evaluate both splits + table + test exits)",
                time(bareCalibration, moves, 300, 1_000, null));

        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        point.setSource(source);
        CalibrationViewModel calibration = new CalibrationViewModel(point);
        AnalysisViewModel analysis = new AnalysisViewModel(point);
        analysis.galleryExitProperty().set(busiestExit(point));
        analysis.selectedSampleProperty().set(0);
        report("2. + calibration and analysis view-models (gallery of " + galleryName(point) + ")",
                time(calibration, moves, 300, 1_000, null));
        analysis.classFilterProperty().set(analysis.classChoices().get(1));
        report("   same, gallery filtered to one class", time(calibration, moves, 100, 500, null));
        analysis.classFilterProperty().set(ClassChoice.ALL);

        if (toolkit) {
            withToolkit(source, moves);
        }
        System.exit(0);
    }

    private static String galleryName(OperatingPointModel point) {
        int exit = busiestExit(point);
        return (exit == point.sourceProperty().get().exitCount() ? "the backbone head" : "exit " + (exit + 1))
                + ", " + String.format(Locale.ROOT, "%,d", point.resultProperty().get().test().exitedCount(exit))
                + " images";
    }

    private static int busiestExit(OperatingPointModel point) {
        int best = 0;
        var test = point.resultProperty().get().test();
        for (int e = 1; e <= test.exitCount(); e++) {
            best = test.exitedCount(e) > test.exitedCount(best) ? e : best;
        }
        return best;
    }

    /** Slider moves: {exit, class, value}, cycling over cells, values as a drag across the track produces. */
    private static double[][] moves(int exits, int classes) {
        SplittableRandom random = new SplittableRandom(42);
        double[][] out = new double[MOVES][];
        for (int m = 0; m < MOVES; m++) {
            out[m] = new double[] {random.nextInt(exits), random.nextInt(classes),
                    Math.round((0.3 + 0.7 * random.nextDouble()) * 1000) / 1000.0};
        }
        return out;
    }

    /** @return per measured move {wall nanoseconds, CPU nanoseconds of this thread} */
    private static long[][] time(CalibrationViewModel model, double[][] moves, int warmup, int measured,
            Runnable after) {
        for (int i = 0; i < warmup; i++) {
            move(model, moves[i % MOVES], i, after);
        }
        long[][] nanos = new long[2][measured];
        for (int i = 0; i < measured; i++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            move(model, moves[i % MOVES], warmup + i, after);
            nanos[0][i] = System.nanoTime() - start;
            nanos[1][i] = THREADS.getCurrentThreadCpuTime() - cpu;
        }
        return nanos;
    }

    private static void move(CalibrationViewModel model, double[] move, int iteration, Runnable after) {
        // A different value on every pass through the moves, so that no move repeats the current threshold.
        double value = move[2] + 0.001 * (iteration / MOVES % 9);
        model.previewThreshold((int) move[0], (int) move[1], value);
        model.commitEdit();
        if (after != null) {
            after.run();
        }
    }

    private static void withToolkit(CascadeSource source, double[][] moves) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (RuntimeException e) {
            System.out.println("3. with the toolkit: not measured, JavaFX could not start (" + e.getMessage() + ")");
            return;
        }
        started.await(30, TimeUnit.SECONDS);
        System.out.println("   toolkit: glass platform " + System.getProperty("glass.platform", "default")
                + ", screen " + System.getProperty("headless.geometry", "default")
                + ", monocle platform " + System.getProperty("monocle.platform", "-") + ", prism "
                + System.getProperty("prism.order", "default"));
        AtomicReference<Workbench> built = new AtomicReference<>();
        onFxThread(() -> {
            FxTaskExecutor executor = new FxTaskExecutor();
            Workbench workbench = Workbench.create(executor, (folder, progress, cancel) -> {
                throw new DatasetException(folder, "the benchmark opens no dataset");
            }, (owner, start) -> Optional.empty(), NO_FILES, UpdateScheduler.IMMEDIATE);
            Stage stage = new Stage();
            stage.setScene(workbench.window().createScene());
            stage.show();
            workbench.operatingPoint().setSource(source);
            workbench.analysis().galleryExitProperty().set(busiestExit(workbench.operatingPoint()));
            built.set(workbench);
        });
        Workbench workbench = built.get();
        // Steady state: the reference curves (computed in the background) are drawn before timing starts.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            AtomicReference<Boolean> ready = new AtomicReference<>(false);
            onFxThread(() -> ready.set(workbench.curves().curvesProperty().get() != null));
            if (ready.get()) {
                break;
            }
            Thread.sleep(200);
        }
        for (WorkbenchPane pane : new WorkbenchPane[] {WorkbenchPane.CALIBRATION, WorkbenchPane.ANALYSIS}) {
            onFxThread(() -> workbench.shell().select(pane));
            Thread.sleep(500);
            report("3. toolkit: slider move → every view updated, CSS and layout in the pulse, " + pane.title()
                    + " pane shown", inPulses(workbench, moves, 100, 400));
            onFxThread(() -> report("   of which the view-models and nodes (no CSS, no layout)",
                    time(workbench.calibration(), moves, 50, 300, null)));
        }
    }

    /**
     * Times real frames: at the start of each pulse (an animation timer, which runs before the pulse's CSS and
     * layout passes) one slider move; after the pulse's layout pass (a post-layout pulse listener) the clock
     * stops. So each sample is the move plus exactly the CSS and layout work it caused, as the toolkit does it.
     */
    private static long[][] inPulses(Workbench workbench, double[][] moves, int warmup, int measured)
            throws InterruptedException {
        long[][] nanos = new long[2][measured];
        int[] count = {0};
        long[] started = {0, 0};
        CountDownLatch done = new CountDownLatch(1);
        Scene[] scene = new Scene[1];
        Runnable[] stop = new Runnable[1];
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                started[1] = THREADS.getCurrentThreadCpuTime();
                started[0] = System.nanoTime();
                move(workbench.calibration(), moves[count[0] % MOVES], count[0], null);
            }
        };
        Runnable afterLayout = () -> {
            if (started[0] == 0) {
                return;
            }
            long elapsed = System.nanoTime() - started[0];
            long cpu = THREADS.getCurrentThreadCpuTime() - started[1];
            started[0] = 0;
            int i = count[0]++;
            if (i >= warmup) {
                nanos[0][i - warmup] = elapsed;
                nanos[1][i - warmup] = cpu;
            }
            if (count[0] == warmup + measured) {
                stop[0].run();
                done.countDown();
            }
        };
        Platform.runLater(() -> {
            scene[0] = workbench.window().node().getScene();
            scene[0].addPostLayoutPulseListener(afterLayout);
            stop[0] = () -> {
                timer.stop();
                scene[0].removePostLayoutPulseListener(afterLayout);
            };
            timer.start();
        });
        done.await(10, TimeUnit.MINUTES);
        return nanos;
    }

    private static final FileDialogs NO_FILES = FileDialogs.answering(Optional::empty);

    /** Runs {@code work} on the JavaFX thread and waits for it; its failure is rethrown here. */
    private static void onFxThread(Runnable work) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        });
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the JavaFX thread did not finish in 10 minutes");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("failed on the JavaFX thread", failure.get());
        }
    }

    private static void report(String what, long[][] nanos) {
        System.out.println(what);
        line("     wall time", nanos[0]);
        line("     CPU time of the thread", nanos[1]);
    }

    private static void line(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-30s median %7.3f ms  (p10 %.3f, p90 %.3f, p99 %.3f, max %.3f, n=%d)%n", what,
                percentile(sorted, 0.5), percentile(sorted, 0.1), percentile(sorted, 0.9), percentile(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }
}
