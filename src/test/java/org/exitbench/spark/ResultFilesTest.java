package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-once rule that makes Spark's task retries harmless, on Hadoop's local file system. */
@Tag("slow")
@Tag("spark")
class ResultFilesTest {

    @Test
    void theSameTrialWrittenTwiceGivesOneCompleteFile(@TempDir Path dir) throws IOException {
        FileSystem fs = SparkJobs.fileSystem(dir.toUri());
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("t-seed1.json").toUri());
        byte[] first = "{\"attempt\": 1}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"attempt\": 2}".getBytes(StandardCharsets.UTF_8);

        assertTrue(ResultFiles.writeOnce(fs, target, first, 11));
        assertFalse(ResultFiles.writeOnce(fs, target, second, 12), "a retry finds the file and leaves it");

        assertArrayEquals(first, Files.readAllBytes(dir.resolve("t-seed1.json")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary or checksum files beside it");
        }
    }

    @Test
    void aKilledAttemptsTemporaryFileIsRemovedAndNeverRead(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(".t-seed1.json.7" + ResultFiles.TEMP_SUFFIX), "{\"torn");
        Files.writeString(dir.resolve("u-seed1.json"), "{}");
        ResultFiles.removeLeftovers(SparkJobs.fileSystem(dir.toUri()), new org.apache.hadoop.fs.Path(dir.toUri()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of("u-seed1.json"), files.map(f -> f.getFileName().toString()).toList());
        }
    }
}
