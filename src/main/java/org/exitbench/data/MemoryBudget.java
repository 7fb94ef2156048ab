package org.exitbench.data;

import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.exitbench.progress.ExitbenchException;

/**
 * The memory a job may take, checked before it takes it, so that a job too big for this process ends with a message
 * saying what needs how much and how to give it more, instead of an {@link OutOfMemoryError} half-way through (a
 * stack trace, and perhaps minutes of work lost).
 *
 * <p>Two pools are bounded: the Java heap ({@code -Xmx}; decoded images and feature caches live there) and the
 * native memory ND4J allocates through JavaCPP (network weights, gradients, updater state and activations), whose
 * limit is {@code -Dorg.bytedeco.javacpp.maxbytes} and by default equals the heap's. The checks use estimates:
 * exact for image and feature arrays, DL4J's own memory report for a network. They refuse only what cannot fit,
 * never what merely might not.
 */
public final class MemoryBudget {

    /** How to give the process more memory, in the message of a refusal. */
    static final String HOW_TO_RAISE = "give Java more memory (EXITBENCH_JAVA_OPTS=\"-Xmx8g\" for the command line;"
            + " ND4J's native limit follows -Xmx unless -Dorg.bytedeco.javacpp.maxbytes is set)";

    private MemoryBudget() {
    }

    /** @return heap bytes not in use now, up to {@code -Xmx} (garbage counts as in use until it is collected) */
    public static long availableHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    /** @return native bytes ND4J may still allocate before JavaCPP refuses */
    public static long availableNative() {
        return Pointer.maxBytes() - Pointer.totalBytes();
    }

    /**
     * Checks that {@code bytes} more of heap fit. Only when they do not is the garbage collector asked first, since
     * garbage would otherwise count against the job.
     *
     * @param source the file or folder the job reads, named in the message (may be null)
     * @param what   what needs the memory, in words ("the decoded images")
     * @param remedy what the user can do short of more memory ("read with --resize 32x32"), or null
     * @throws ExitbenchException when they do not fit
     */
    public static void requireHeap(long bytes, Path source, String what, String remedy) {
        if (bytes <= availableHeap()) {
            return;
        }
        System.gc();
        long available = availableHeap();
        if (bytes > available) {
            throw new ExitbenchException((source == null ? "" : source + ": ") + what + " need about "
                    + megabytes(bytes) + " of Java heap, and this process has " + megabytes(available) + " free of "
                    + megabytes(Runtime.getRuntime().maxMemory()) + " (-Xmx); " + (remedy == null ? "" : remedy
                    + ", or ") + HOW_TO_RAISE);
        }
    }

    /**
     * Checks that {@code bytes} more of ND4J's native memory fit.
     *
     * @param what   what needs the memory ("training Small ResNet 16/32/64 at batch 64")
     * @param remedy what the user can do short of more memory ("a smaller --batch"), or null
     * @throws ExitbenchException when they do not fit
     */
    public static void requireNative(long bytes, String what, String remedy) {
        long available = availableNative();
        if (bytes > available) {
            throw new ExitbenchException(what + " needs about " + megabytes(bytes) + " of native memory (ND4J), and "
                    + "this process may allocate " + megabytes(available) + " more (of " + megabytes(Pointer.maxBytes())
                    + "); " + (remedy == null ? "" : remedy + ", or ") + HOW_TO_RAISE);
        }
    }

    /** @return bytes in megabytes for a message: "1,234 MB" */
    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }
}
