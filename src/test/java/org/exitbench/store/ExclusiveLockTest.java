package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes and one output: the second says who holds it and stops, or waits; a killed holder frees it. */
class ExclusiveLockTest {

    @TempDir
    Path dir;

    private Process holder(Path folder) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());
        return process;
    }

    @Test
    void aSecondProcessIsToldWhoHoldsTheFolderAndAKilledHolderFreesIt() throws Exception {
        Path folder = dir.resolve("sweep");
        Process first = holder(folder);
        try {
            StoreException error = assertThrows(StoreException.class,
                    () -> ExclusiveLock.onFolder(folder, "running a sweep", false));
            assertTrue(error.getMessage().startsWith(folder + ": is in use by another Exitbench process (pid "
                    + first.pid() + " on "), error.getMessage());
            assertTrue(error.getMessage().contains("holding the lock for a test); wait for it to finish"),
                    error.getMessage());
        } finally {
            // SIGKILL: no shutdown hook runs, the operating system alone releases the lock.
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try (ExclusiveLock lock = ExclusiveLock.onFolder(folder, "running a sweep", false)) {
            assertTrue(lock != null);
        }
    }

    @Test
    void waitingTakesTheLockWhenTheHolderEnds() throws Exception {
        Path file = dir.resolve("model.zip");
        try (ExclusiveLock held = ExclusiveLock.onFile(file, "training", false)) {
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                try (ExclusiveLock second = ExclusiveLock.onFile(file, "training again", true)) {
                    return true;
                }
            });
            Thread.sleep(1200);
            assertTrue(!waiter.isDone(), "the second writer waits while the first holds the file");
            held.close();
            assertTrue(waiter.get(30, TimeUnit.SECONDS));
        }
    }
}
