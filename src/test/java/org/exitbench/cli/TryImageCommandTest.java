package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exitbench.data.ImageConversionTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exitbench try-image} on the shipped demo run: the app's "Try your own image" from the command line, with a
 * phone photo of a drawing, a test image of the sample, and a corrupt file reported by name while the others are
 * still tried.
 */
@Tag("slow")
class TryImageCommandTest {

    private static final String RUN = "sample-data/fashion-mnist/demo-run";

    @TempDir
    Path temp;

    @Test
    void eachImageIsConvertedAndItsPathPrintedAndABadOneSkippedByName() throws Exception {
        Path photo = ImageConversionTest.photographedDrawing(temp, 1600, 1200);
        Path broken = Files.write(temp.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        Path testImage;
        try (var files = Files.list(Path.of("sample-data/fashion-mnist/test/trouser"))) {
            testImage = files.sorted().findFirst().orElseThrow();
        }

        CommandLineRun run = CommandLineRun.of("try-image", "--run", RUN, photo.toString(), broken.toString(),
                testImage.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("skipped " + broken + ": "), run.err());
        String out = run.out();
        assertTrue(out.contains(photo + "\n  Converted for the network: trousers-photo.jpg (1600×1200 colour): made "
                + "gray"), out);
        assertTrue(out.contains("inverted: its background is light"), out);
        assertTrue(out.contains("like the dataset's images: used as it is."), "the test image is not converted: "
                + out);
        assertTrue(out.contains("  exit 1 (stage1)"), out);
        assertTrue(out.contains("  backbone head"), out);
        assertEquals(2, out.split("\n  → ", -1).length - 1, "one verdict per image tried: " + out);
        assertTrue(out.matches("(?s).*→ \\S+ at (exit \\d|the backbone head), \\d+\\.\\d M MACs \\(\\d+ % of the "
                + "backbone's 15\\.9 M\\).*"), out);

        CommandLineRun unturned = CommandLineRun.of("try-image", "--run", RUN, "--invert", "no", photo.toString());
        assertEquals(0, unturned.exitCode(), unturned.err());
        assertTrue(unturned.out().contains("not inverted, although its background is light"), unturned.out());

        CommandLineRun bad = CommandLineRun.of("try-image", "--run", RUN, "--invert", "maybe", photo.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--invert must be auto, yes or no"), bad.err());
    }
}
