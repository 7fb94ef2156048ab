package org.exitbench.cli;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import org.exitbench.progress.Progress;
import org.exitbench.progress.ProgressListener;

/**
 * Shows progress as one line on the error stream, rewritten in place ("Decoding images 4800/15000 (32%)"), so
 * that standard output stays clean for the result. Prints only when the whole percentage or the message
 * changes, and ends the line when a task completes.
 */
final class ConsoleProgress implements ProgressListener {

    /** The progress lines open on each error stream, for {@link #endOpenLine} to end before an error is printed. */
    private static final Map<PrintWriter, ConsoleProgress> OPEN = Collections.synchronizedMap(new WeakHashMap<>());

    private final PrintWriter err;
    private final boolean shown;
    private String message = "";
    private long percent = -1;
    private long done = -1;
    private boolean lineOpen;

    /**
     * @param err   where the line is written
     * @param shown false to print nothing ({@code --quiet})
     */
    ConsoleProgress(PrintWriter err, boolean shown) {
        this.err = err;
        this.shown = shown;
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        if (!shown) {
            return;
        }
        boolean sameTask = progress.message().equals(message);
        if (sameTask && progress.done() <= done) {
            // Worker threads may report out of order; the line only moves forward.
            return;
        }
        long now = progress.total() > 0 ? (long) Math.floor(progress.fraction() * 100) : -1;
        boolean finished = progress.total() > 0 && progress.done() >= progress.total();
        done = progress.done();
        if (sameTask && now == percent && !finished) {
            return;
        }
        if (!sameTask) {
            endLine();
        }
        message = progress.message();
        percent = now;
        // A task of unknown length ("Reading the dataset …", reported as 0 of -1) shows its message alone, not a
        // stray count of 0.
        String amount = progress.total() > 0
                ? " " + String.format(Locale.ROOT, "%d/%d (%d%%)", progress.done(), progress.total(), now)
                : progress.done() > 0 ? " " + progress.done() : "";
        err.print("\r" + message + amount);
        lineOpen = true;
        OPEN.put(err, this);
        if (finished) {
            endLine();
        }
        err.flush();
    }

    /** Ends the progress line open on {@code err}, if any. */
    static void endOpenLine(PrintWriter err) {
        ConsoleProgress open = OPEN.remove(err);
        if (open != null) {
            open.endLine();
        }
    }

    /** Ends the progress line, if one is open, so that what follows starts on a line of its own. */
    synchronized void endLine() {
        if (lineOpen) {
            err.print('\n');
            err.flush();
            lineOpen = false;
        }
    }
}
