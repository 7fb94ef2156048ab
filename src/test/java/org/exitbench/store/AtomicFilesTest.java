package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesNewFileAndCreatesParentFolders() throws IOException {
        Path target = dir.resolve("a/b/result.txt");
        AtomicFiles.writeString(target, "hello");
        assertEquals("hello", Files.readString(target));
        assertEquals(List.of(target.getFileName()), listNames(target.getParent()));
    }

    @Test
    void replacesExistingFileCompletely() throws IOException {
        Path target = dir.resolve("result.txt");
        AtomicFiles.writeString(target, "a much longer first version");
        AtomicFiles.writeString(target, "short");
        assertEquals("short", Files.readString(target));
    }

    @Test
    void failedWriteLeavesThePreviousContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("result.txt");
        AtomicFiles.writeString(target, "previous");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of the new ".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target.getFileName()), listNames(dir), "no temporary file may remain");
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("result.txt"), e.getMessage());
    }

    @Test
    void leftoversOfKilledWritersAreRemovedAndNothingElse() throws IOException {
        Path kept = Files.writeString(dir.resolve("train-exit1.f32"), "data");
        Path hiddenKept = Files.writeString(dir.resolve(".exitbench.lock"), "pid 1");
        Path visibleTmp = Files.writeString(dir.resolve("notes.tmp"), "a user's file");
        Path leftover = Files.writeString(dir.resolve(".train-exit1.f32.123456" + AtomicFiles.TEMP_SUFFIX), "half");
        Files.createDirectories(dir.resolve(".folder.tmp"));

        assertEquals(List.of(leftover), AtomicFiles.removeLeftovers(dir));

        assertEquals(List.of(".exitbench.lock", ".folder.tmp", "notes.tmp", "train-exit1.f32"),
                listNames(dir).stream().map(Path::toString).sorted().toList());
        assertEquals("data", Files.readString(kept));
        assertEquals("pid 1", Files.readString(hiddenKept));
        assertEquals("a user's file", Files.readString(visibleTmp));
        assertEquals(List.of(), AtomicFiles.removeLeftovers(dir.resolve("missing")));
    }

    private static List<Path> listNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(Path::getFileName).toList();
        }
    }
}
