package org.exitbench.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.exitbench.train.BackboneTrainingListener;
import org.exitbench.train.BackboneTrainingProgress;

/**
 * The console progress bar of backbone training: one line on the error stream, rewritten in place after each
 * batch (at most five times a second), and a permanent summary line per epoch.
 *
 * <pre>
 * epoch  3/30 [========&gt;           ]  120/157  loss 0.4123  acc 0.8721   412 img/s  ETA 0:12:34
 * epoch  3/30  loss 0.4010  train acc 0.8744  val acc 0.8610 *  lr 0.04523  38 s
 * </pre>
 * The star marks a new best validation accuracy, the epoch whose parameters the result will hold.
 */
final class TrainingProgressLine implements BackboneTrainingListener {

    private static final int BAR_WIDTH = 20;
    private static final long MIN_REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean live;
    private long lastDraw;
    private int lastLength;
    private double bestValidation = Double.NEGATIVE_INFINITY;
    private long epochStart = System.nanoTime();

    /**
     * @param err  where the lines are written
     * @param live false for the epoch summaries alone, without the bar redrawn after each batch
     */
    TrainingProgressLine(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    @Override
    public synchronized void onProgress(BackboneTrainingProgress event) {
        long now = System.nanoTime();
        if (event.kind() == BackboneTrainingProgress.Kind.EPOCH_END) {
            boolean best = event.validationAccuracy() > bestValidation;
            bestValidation = Math.max(bestValidation, event.validationAccuracy());
            draw(String.format(Locale.ROOT, "epoch %s  loss %.4f  train acc %s  val acc %.4f %s  lr %.5g  %s",
                    epochOf(event), event.loss(), accuracy(event.trainAccuracy()), event.validationAccuracy(),
                    best ? "*" : " ", event.learningRate(), duration((now - epochStart) / 1e9)));
            endLine();
            epochStart = now;
            return;
        }
        if (!live || now - lastDraw < MIN_REDRAW_NANOS && event.batch() < event.batchesPerEpoch()) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(BAR_WIDTH * (double) event.batch() / event.batchesPerEpoch());
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled == BAR_WIDTH ? "=" : ">") : "")
                + " ".repeat(BAR_WIDTH - filled);
        int digits = Integer.toString(event.batchesPerEpoch()).length();
        draw(String.format(Locale.ROOT, "epoch %s [%s] %" + digits + "d/%d  loss %.4f  acc %s  %5.0f img/s  ETA %s",
                epochOf(event), bar, event.batch(), event.batchesPerEpoch(), event.loss(),
                accuracy(event.trainAccuracy()), event.imagesPerSecond(), duration(event.etaSeconds())));
    }

    /** Starts timing the first epoch now, so that the time spent reading the data does not count. */
    synchronized void restartClock() {
        epochStart = System.nanoTime();
    }

    /** Ends the current line, if any, so that what follows starts on a line of its own. */
    synchronized void endLine() {
        if (lastLength > 0) {
            err.print('\n');
            err.flush();
            lastLength = 0;
        }
    }

    private void draw(String line) {
        // Blank out what a longer previous line left behind.
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    private static String epochOf(BackboneTrainingProgress event) {
        int digits = Integer.toString(event.epochs()).length();
        return String.format(Locale.ROOT, "%" + digits + "d/%d", event.epoch(), event.epochs());
    }

    private static String accuracy(double value) {
        return Double.isNaN(value) ? "  -   " : String.format(Locale.ROOT, "%.4f", value);
    }

    /** @return seconds as "38 s", "4:05" or "1:02:03"; "?" when unknown */
    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
