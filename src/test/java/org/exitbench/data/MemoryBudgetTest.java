package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.exitbench.progress.ExitbenchException;
import org.junit.jupiter.api.Test;

/** A job that cannot fit is refused before it allocates, with a message saying what needs how much. */
class MemoryBudgetTest {

    @Test
    void heapThatFitsPassesAndHeapBeyondTheLimitIsRefusedNamingTheFileAndTheRemedy() {
        assertDoesNotThrow(() -> MemoryBudget.requireHeap(1 << 20, null, "a little", null));
        long tooMuch = Runtime.getRuntime().maxMemory() + (1L << 30);

        ExitbenchException refused = assertThrows(ExitbenchException.class, () -> MemoryBudget.requireHeap(tooMuch,
                Path.of("/data/huge"), "the decoded images", "read them resized (--resize HxW)"));

        String message = refused.getMessage();
        assertTrue(message.startsWith("/data/huge: the decoded images need about " + MemoryBudget.megabytes(tooMuch)
                + " of Java heap, and this process has "), message);
        assertTrue(message.contains("(-Xmx); read them resized (--resize HxW), or give Java more memory"), message);
    }

    @Test
    void nativeMemoryBeyondNd4jsLimitIsRefused() {
        assertDoesNotThrow(() -> MemoryBudget.requireNative(1 << 20, "a little", null));

        ExitbenchException refused = assertThrows(ExitbenchException.class, () -> MemoryBudget.requireNative(
                MemoryBudget.availableNative() + (1L << 30), "training a network at batch 9999", "a smaller --batch"));

        assertTrue(refused.getMessage().startsWith("training a network at batch 9999 needs about "),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("of native memory (ND4J)"), refused.getMessage());
    }

    @Test
    void megabytesRoundUpSoNothingNeededReadsAsZero() {
        assertTrue(MemoryBudget.megabytes(1).equals("1 MB"));
        assertTrue(MemoryBudget.megabytes(3L << 30).equals("3,072 MB"));
    }
}
