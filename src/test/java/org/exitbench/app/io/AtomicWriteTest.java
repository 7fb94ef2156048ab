package org.exitbench.app.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replaced file holds the old or the new content, and no temporary file stays behind. */
class AtomicWriteTest {

    @TempDir
    Path temp;

    @Test
    void replacesAnExistingFileAndLeavesNothingElse() throws IOException {
        Path file = temp.resolve("table.csv");
        Files.writeString(file, "old");

        AtomicWrite.text(file, "new ✓");

        assertEquals("new ✓", Files.readString(file));
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aMissingFolderFailsWithoutCreatingAnything() {
        Path file = temp.resolve("no-such-folder").resolve("table.csv");
        assertThrows(IOException.class, () -> AtomicWrite.text(file, "x"));
        assertEquals(false, Files.exists(file.getParent()));
    }
}
