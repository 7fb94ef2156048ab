package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs appear whole or not at all, and what a killed writer leaves is removed at the next start, never more. */
class StagedRunTest {

    @TempDir
    Path runs;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(runs)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRunKilledMidWriteIsRemovedAtTheNextStartAndFinishedRunsAreKept() throws Exception {
        try (StagedRun done = StagedRun.in(runs)) {
            Files.writeString(done.folder().resolve("metrics.json"), "{}");
            done.commit("run-1");
        }
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RunWriterHolder.class.getName(), runs.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8));
        assertEquals("writing", out.readLine());
        // While the writer lives, its staging folder is left alone.
        try (StagedRun other = StagedRun.in(runs)) {
            assertEquals(2, names().stream().filter(n -> n.startsWith(StagedRun.STAGING_PREFIX)
                    && Files.isDirectory(runs.resolve(n))).count(), names().toString());
        }
        writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        List<Path> removed = StagedRun.removeAbandoned(runs);
        assertEquals(1, removed.size());
        assertEquals(List.of("run-1"), names(), "only the finished run is left, with no lock files");
        assertEquals("{}", Files.readString(runs.resolve("run-1").resolve("metrics.json")));
    }

    @Test
    void aCommittedOrClosedRunLeavesNoLockFile() throws IOException {
        try (StagedRun run = StagedRun.in(runs)) {
            run.commit("a");
        }
        try (StagedRun run = StagedRun.in(runs)) {
            assertTrue(Files.isDirectory(run.folder()));
        }
        assertEquals(List.of("a"), names());
        try (Stream<Path> inside = Files.list(runs.resolve("a"))) {
            assertFalse(inside.findAny().isPresent(), "the committed run holds only what was written");
        }
    }
}
