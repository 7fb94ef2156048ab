package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code exitbench data inspect} and {@code exitbench data import-idx}, run as a user would. */
class DataCommandTest {

    @TempDir
    Path dir;

    /** What one run of the command line printed and returned. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run exitbench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ExitbenchCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("Exception"), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void inspectPrintsTheSummaryTableAndShowsProgressOnStandardError() {
        Path root = DatasetFixtures.imageFolder(dir.resolve("shapes"), List.of("square", "circle"),
                Map.of(Split.TRAIN, 3, Split.VALID, 2, Split.TEST, 1), 6, 6, List.of("circle"));

        Run run = exitbench("data", "inspect", root.toString());

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("shapes  (ImageFolder)  " + root, lines.get(0));
        assertEquals("2 classes, 3 channels (RGB), 6x6 pixels (height x width), 12 images", lines.get(1));
        assertEquals(List.of("class     train  valid   test", "circle        3      2      1",
                "square        3      2      1", "total         6      4      2"), lines.subList(3, 7));
        assertTrue(run.err().contains("Decoding images 12/12 (100%)"), run.err());

        Run quiet = exitbench("data", "inspect", "--quiet", "--seed", "7", root.toString());
        assertEquals(0, quiet.exitCode(), quiet.err());
        assertEquals(run.out(), quiet.out());
        assertEquals("", quiet.err(), "--quiet prints no progress");
    }

    @Test
    void inspectReportsBadInputWithExitCodeOneAndOneReadableLine() throws IOException {
        Path root = DatasetFixtures.imageFolder(dir.resolve("broken"), List.of("a"),
                Map.of(Split.TRAIN, 2, Split.TEST, 1), 4, 4, List.of());
        Path corrupt = root.resolve("train/a/img001.png");
        Files.writeString(corrupt, "not a picture");

        Run run = exitbench("data", "inspect", root.toString());

        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("error: " + corrupt + ": is not a PNG, JPEG or BMP image"), run.err());
        assertNoStackTrace(run.err());

        Run skipping = exitbench("data", "inspect", "--skip-corrupt", root.toString());
        assertEquals(0, skipping.exitCode(), skipping.err());
        assertTrue(skipping.out().contains("Skipped 1 unreadable file: " + corrupt), skipping.out());

        Run unknown = exitbench("data", "inspect", dir.toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("matches no known dataset layout"), unknown.err());
        assertNoStackTrace(unknown.err());
    }

    @Test
    void inspectRejectsAMalformedSizeAsAUsageError() {
        Run run = exitbench("data", "inspect", "--resize", "big", dir.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'big' is not a size HxW such as 32x32"), run.err());
    }

    @Test
    void inspectResizesOnRequest() {
        Path root = DatasetFixtures.imageFolder(dir.resolve("small"), List.of("a", "b"),
                Map.of(Split.TRAIN, 10, Split.TEST, 1), 4, 4, List.of());

        Run run = exitbench("data", "inspect", "--resize", "8x6", "--valid-fraction", "0.2", "--seed", "1",
                root.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("8x6 pixels"), run.out());
        assertTrue(run.out().contains("20% of each training class was carved off as validation (seed 1)"),
                run.out());
    }

    private Path[] tinyIdx() {
        int[] train = DatasetFixtures.roundRobinLabels(10, 6);
        int[] test = DatasetFixtures.roundRobinLabels(10, 3);
        Path idx = dir.resolve("fashion-idx");
        return new Path[] {
            DatasetFixtures.idxImages(idx.resolve("train-images-idx3-ubyte.gz"), train, 28, 28, true),
            DatasetFixtures.idxLabels(idx.resolve("train-labels-idx1-ubyte.gz"), train, true),
            DatasetFixtures.idxImages(idx.resolve("t10k-images-idx3-ubyte"), test, 28, 28, false),
            DatasetFixtures.idxLabels(idx.resolve("t10k-labels-idx1-ubyte"), test, false),
        };
    }

    @Test
    void importIdxWritesAPaddedImageFolderDatasetThatInspectReads() {
        Path[] idx = tinyIdx();
        Path out = dir.resolve("converted");

        Run run = exitbench("data", "import-idx", "--images", idx[0].toString(), "--labels", idx[1].toString(),
                "--test-images", idx[2].toString(), "--test-labels", idx[3].toString(), "--out", out.toString(),
                "--train-per-class", "3", "--valid-per-class", "2", "--test-per-class", "2", "--pad-to", "32",
                "--seed", "42", "--classes", "fashion");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Wrote 70 images of 10 classes (3 train, 2 valid, 2 test per class)"),
                run.out());
        Dataset dataset = DatasetReaders.read(out);
        assertEquals(32, dataset.height());
        assertEquals(1, dataset.channels());
        assertTrue(dataset.classNames().contains("t-shirt-top"));
        assertEquals(30, dataset.split(Split.TRAIN).size());
        assertEquals(20, dataset.split(Split.VALID).size());
        assertEquals(20, dataset.split(Split.TEST).size());
        Run inspect = exitbench("data", "inspect", out.toString());
        assertTrue(inspect.out().lines().anyMatch(line -> List.of(line.split(" +")).equals(
                List.of("total", "30", "20", "20"))), inspect.out());
    }

    @Test
    void importIdxTakesClassNamesFromClassesTxtOnRequest() throws IOException {
        Path[] idx = tinyIdx();
        List<String> names = List.of("n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9");
        Files.write(idx[0].resolveSibling("classes.txt"), names);
        Path out = dir.resolve("named");

        Run run = exitbench("data", "import-idx", "--images", idx[0].toString(), "--labels", idx[1].toString(),
                "--out", out.toString(), "--train-per-class", "2", "--valid-per-class", "0", "--test-per-class", "1",
                "--classes", "file");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(names, DatasetReaders.read(out).classNames());
        assertFalse(Files.exists(out.resolve("valid")), "no valid folder when --valid-per-class is 0");
    }

    @Test
    void importIdxRefusesANonEmptyOutputFolder() throws IOException {
        Path[] idx = tinyIdx();
        Path out = Files.createDirectories(dir.resolve("taken"));
        Path precious = Files.writeString(out.resolve("keep.txt"), "mine");

        Run run = exitbench("data", "import-idx", "--images", idx[0].toString(), "--labels", idx[1].toString(),
                "--out", out.toString(), "--train-per-class", "1", "--valid-per-class", "1", "--test-per-class", "1");

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("error: " + out + ": is not empty"), run.err());
        assertNoStackTrace(run.err());
        assertEquals("mine", Files.readString(precious));
        try (var entries = Files.list(out)) {
            assertEquals(1, entries.count());
        }
    }

    @Test
    void importIdxWithoutRequiredOptionsIsAUsageError() {
        Run run = exitbench("data", "import-idx", "--images", "x");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required options"), run.err());
    }

    @Test
    void theDataCommandIsListedInTheTopLevelHelp() {
        Run run = exitbench("--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("data"), run.out());
        assertTrue(exitbench("data").out().contains("import-idx"));
    }
}
