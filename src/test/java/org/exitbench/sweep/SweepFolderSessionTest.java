package org.exitbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep session records itself in sweep.json only when it ends; one killed before then is recorded by the next
 * from its mark and the trials that finished after it started (issue 14, item 6).
 */
class SweepFolderSessionTest {

    @TempDir
    Path dir;

    private static final Instant EARLIER = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant KILLED_START = Instant.parse("2026-12-07T11:00:00Z");

    private static SweepResult result(String key, Instant finished, String error) {
        return new SweepResult(key, key, Map.of(), 1, error, null, 0.9, 0.9, List.of(), 3.0, finished.toString());
    }

    private SweepFolder folderWithOneRecordedSession() {
        SweepFolder folder = new SweepFolder(dir.resolve("sweep"));
        folder.create();
        folder.writeManifest(new SweepFolder.Manifest("data", "dfp", "b.zip", "bfp", "small", 100,
                List.of("stage1"), List.of(new SweepFolder.Session(EARLIER.toString(), 60, 50.0, 1, 0, false, 1,
                "m"))));
        folder.writeResult(result("c00", EARLIER.plusSeconds(30), null));
        return folder;
    }

    @Test
    void aKilledSessionIsRecordedFromItsMarkAndTheTrialsItFinished() {
        SweepFolder folder = folderWithOneRecordedSession();
        folder.markSessionRunning(KILLED_START, 2, "the machine");
        folder.writeResult(result("c01", KILLED_START.plusSeconds(40), null));
        folder.writeResult(result("c02", KILLED_START.plusSeconds(95), "IllegalStateException: boom"));
        // killed here: no session written, the mark stays

        List<String> notices = new ArrayList<>();
        SweepFolder.Manifest manifest = folder.recordKilledSession(folder.readManifest(), notices::add);

        assertEquals(2, manifest.sessions().size());
        SweepFolder.Session killed = manifest.sessions().get(1);
        assertEquals(KILLED_START.toString(), killed.started());
        assertEquals(2, killed.trialsRun(), "c00 belongs to the earlier session");
        assertEquals(1, killed.failed());
        assertEquals(95.0, killed.wallSeconds(), 1e-9);
        assertNull(killed.cpuSeconds());
        assertTrue(killed.cancelled());
        assertEquals(2, killed.threads());
        assertTrue(killed.machine().startsWith("the machine; ended (killed, process "), killed.machine());
        assertEquals(manifest, folder.readManifest(), "written to sweep.json");
        assertFalse(Files.exists(folder.root().resolve(SweepFolder.SESSION_MARK)));
        assertEquals(1, notices.size());
        assertTrue(notices.get(0).contains("it had trained 2 trials, kept"), notices.get(0));

        assertSame(manifest, folder.recordKilledSession(manifest, notices::add), "recorded once only");
        assertEquals(1, notices.size());
    }

    @Test
    void aSessionThatRecordedItselfLeavesNoMark() {
        SweepFolder folder = folderWithOneRecordedSession();
        folder.markSessionRunning(KILLED_START, 1, "m");
        folder.clearSessionMark();

        SweepFolder.Manifest before = folder.readManifest();
        assertSame(before, folder.recordKilledSession(before, n -> { }));
    }

    @Test
    void aDamagedMarkIsRemovedWithANoticeAndRecordsNothing() throws IOException {
        SweepFolder folder = folderWithOneRecordedSession();
        Files.writeString(folder.root().resolve(SweepFolder.SESSION_MARK), "{\"format\": \"exitbench.sweep-sess");

        List<String> notices = new ArrayList<>();
        SweepFolder.Manifest before = folder.readManifest();
        assertSame(before, folder.recordKilledSession(before, notices::add));
        assertEquals(1, notices.size());
        assertTrue(notices.get(0).startsWith("Removed the mark of an earlier session that could not be read"),
                notices.get(0));
        assertFalse(Files.exists(folder.root().resolve(SweepFolder.SESSION_MARK)));
    }
}
