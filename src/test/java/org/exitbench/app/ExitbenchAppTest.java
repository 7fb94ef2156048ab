package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which dataset the app opens at start-up. */
class ExitbenchAppTest {

    @Test
    void opensTheBundledSampleRelativeToTheWorkingDirectoryByDefault() {
        assertEquals(Path.of("sample-data/fashion-mnist"), ExitbenchApp.initialDataset(List.of()));
        assertTrue(Files.isDirectory(ExitbenchApp.initialDataset(List.of()).resolve("train")));
    }

    @Test
    void opensTheFolderNamedByTheFirstArgument() {
        assertEquals(Path.of("/data/cifar-10-batches-bin"),
                ExitbenchApp.initialDataset(List.of("/data/cifar-10-batches-bin", "ignored")));
    }
}
