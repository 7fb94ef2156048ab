package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the app opens at start-up, and where it keeps its preferences. */
class ExitbenchAppTest {

    @TempDir
    Path temp;

    @Test
    void theBundledSampleIsFoundRelativeToTheWorkingDirectory() {
        assertEquals(Path.of("sample-data/fashion-mnist"), ExitbenchApp.SAMPLE_DATA);
        assertTrue(Files.isDirectory(ExitbenchApp.SAMPLE_DATA.resolve("train")));
    }

    @Test
    void withoutArgumentsTheMostRecentWorkspaceOrTheSampleIsOpened() {
        assertNull(ExitbenchApp.startupArgument(List.of()));
        assertNull(ExitbenchApp.startupArgument(List.of(" ")));
    }

    @Test
    void opensTheFolderNamedByTheFirstArgument() {
        assertEquals(Path.of("/data/cifar-10-batches-bin"),
                ExitbenchApp.startupArgument(List.of("/data/cifar-10-batches-bin", "ignored")));
    }

    @Test
    void theHomeFolderFollowsHomeSoAFreshHomeIsAFreshStart() {
        assertEquals(temp, ExitbenchApp.homeFolder(Map.of("HOME", temp.toString())));
        Path javaHome = Path.of(System.getProperty("user.home"));
        assertEquals(javaHome, ExitbenchApp.homeFolder(Map.of()));
        assertEquals(javaHome, ExitbenchApp.homeFolder(Map.of("HOME", temp.resolve("missing").toString())));
    }
}
