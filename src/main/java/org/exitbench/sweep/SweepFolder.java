package org.exitbench.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * The folder of one sweep:
 * <pre>
 * sweep.json           what was swept on: dataset and backbone (with fingerprints), the feature cache's exits,
 *                      and one entry per session that ran (machine, threads, trials, wall time)
 * definition.json      the definition last run
 * results/&lt;key&gt;-seed&lt;n&gt;.json   one trial each ({@link SweepResult}), written atomically when it finishes
 * sweep.csv            one row per configuration × mode × seed
 * paired.csv           one row per configuration × seed × compared mode: the paired differences
 * summary.md           the summary tables
 * report.html          everything in one self-contained page
 * session-running.json the session now running (or killed before it could record itself in sweep.json)
 * </pre>
 * A result is never overwritten by another configuration's, and the folder refuses a sweep on another dataset or
 * backbone, so nothing measured is lost or mixed up.
 */
public final class SweepFolder {

    /** The manifest. */
    public static final String MANIFEST = "sweep.json";
    /** The definition last run. */
    public static final String DEFINITION = "definition.json";
    /** The folder of trial results. */
    public static final String RESULTS = "results";
    /** One row per configuration × mode × seed. */
    public static final String CSV = "sweep.csv";
    /** One row per configuration × seed × compared mode. */
    public static final String PAIRED_CSV = "paired.csv";
    /** The summary as Markdown. */
    public static final String SUMMARY = "summary.md";
    /** The HTML report. */
    public static final String REPORT = "report.html";
    /** The mark a session leaves while it runs, removed once it is recorded in the manifest. */
    public static final String SESSION_MARK = "session-running.json";

    private final Path root;

    public SweepFolder(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** @return the folder */
    public Path root() {
        return root;
    }

    /**
     * What a sweep folder is about, and the sessions that worked on it.
     *
     * @param dataset             the dataset folder as given
     * @param datasetFingerprint  its fingerprint
     * @param backbone            the backbone file
     * @param backboneFingerprint its fingerprint
     * @param backboneDescription the backbone's architecture in words
     * @param backboneMacs        the full backbone's MACs per image
     * @param exitVertices        the exits of the sweep's feature cache, shallow to deep
     * @param sessions            every session that ran trials here, oldest first
     */
    public record Manifest(String dataset, String datasetFingerprint, String backbone, String backboneFingerprint,
                           String backboneDescription, long backboneMacs, List<String> exitVertices,
                           List<Session> sessions) {

        public Manifest {
            exitVertices = List.copyOf(exitVertices);
            sessions = List.copyOf(sessions);
        }

        /** @return a copy with one more session */
        Manifest with(Session session) {
            List<Session> all = new ArrayList<>(sessions);
            all.add(session);
            return new Manifest(dataset, datasetFingerprint, backbone, backboneFingerprint, backboneDescription,
                    backboneMacs, exitVertices, all);
        }

        /** @return the wall time of all sessions together */
        public double totalWallSeconds() {
            return sessions.stream().mapToDouble(Session::wallSeconds).sum();
        }
    }

    /**
     * One run of {@code exitbench sweep} (or of the GUI's sweep) on this folder.
     *
     * @param started     when it started (UTC, ISO-8601)
     * @param wallSeconds how long it ran, reading the data and the cache included
     * @param cpuSeconds  the CPU time the process used meanwhile (all threads), or null where unknown:
     *                    unlike the wall time, hardly affected by other work on the machine
     * @param trialsRun   trials it trained
     * @param failed      of those, how many failed
     * @param cancelled   whether it was cancelled
     * @param threads     trials trained at once
     * @param machine     the machine in words: CPU, cores, OS, Java, OMP_NUM_THREADS
     */
    public record Session(String started, double wallSeconds, Double cpuSeconds, int trialsRun, int failed,
                          boolean cancelled, int threads, String machine) {
    }

    static final JsonDocuments.DocumentType MANIFEST_TYPE = JsonDocuments.DocumentType.of("exitbench.sweep", 1);
    static final JsonDocuments.DocumentType SESSION_MARK_TYPE =
            JsonDocuments.DocumentType.of("exitbench.sweep-session", 1);

    /**
     * The mark of a running session: what its {@link Session} entry will need that its results do not hold.
     *
     * @param started when it started (UTC, ISO-8601)
     * @param threads trials trained at once
     * @param machine the machine in words
     * @param pid     the process, for a person reading the folder
     */
    record RunningSession(String started, int threads, String machine, long pid) {
    }

    /**
     * Marks a session as running. A session records itself in the manifest only when it ends; one killed (SIGKILL,
     * power loss) never does, and without this mark the trials it trained would sit in the folder with no session
     * that ran them. Call it under the sweep's lock, after {@link #recordKilledSession}.
     */
    void markSessionRunning(Instant started, int threads, String machine) {
        JsonDocuments.write(root.resolve(SESSION_MARK), SESSION_MARK_TYPE, new RunningSession(started.toString(),
                threads, machine, ProcessHandle.current().pid()));
    }

    /** @return the time an ISO-8601 text gives, or null when it gives none (a file is input, not a promise) */
    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Removes the running mark, once the session is recorded in the manifest. */
    void clearSessionMark() {
        try {
            Files.deleteIfExists(root.resolve(SESSION_MARK));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + root.resolve(SESSION_MARK) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records the session an earlier process left marked as running and never recorded: it was killed, or failed
     * before it could. Its entry is rebuilt from the trials that finished after it started (under the sweep's lock
     * no other session can have written them): how many, how many failed, and its wall time up to the last of
     * them; its CPU time is unknown. It is marked cancelled, since it did not run to its end.
     *
     * @param notice receives one sentence saying what was recorded, for the user
     * @return the manifest with that session, written; or {@code manifest} itself when there was no mark
     */
    Manifest recordKilledSession(Manifest manifest, Consumer<String> notice) {
        Path markFile = root.resolve(SESSION_MARK);
        if (!Files.isRegularFile(markFile)) {
            return manifest;
        }
        RunningSession mark;
        try {
            mark = JsonDocuments.read(markFile, SESSION_MARK_TYPE, RunningSession.class);
        } catch (StoreException e) {
            clearSessionMark();
            notice.accept("Removed the mark of an earlier session that could not be read (" + e.getMessage() + ")");
            return manifest;
        }
        Instant started = instant(mark.started());
        if (started == null) {
            clearSessionMark();
            notice.accept("Removed the mark of an earlier session: " + markFile + " gives no start time");
            return manifest;
        }
        int ran = 0;
        int failed = 0;
        Instant last = started;
        for (SweepResult result : readResults(new ArrayList<>()).values()) {
            Instant finished = instant(result.finished());
            if (finished != null && !finished.isBefore(started)) {
                ran++;
                failed += result.succeeded() ? 0 : 1;
                last = finished.isAfter(last) ? finished : last;
            }
        }
        double wall = Duration.between(started, last).toMillis() / 1000.0;
        Manifest recorded = manifest.with(new Session(mark.started(), wall, null, ran, failed, true, mark.threads(),
                mark.machine() + "; ended (killed, process " + mark.pid() + ") before it recorded itself, recorded"
                        + " from its results by the next session"));
        writeManifest(recorded);
        clearSessionMark();
        notice.accept("Recorded an earlier session (started " + mark.started() + ", process " + mark.pid()
                + ") that ended before it could record itself: it had trained " + ran + " trial"
                + (ran == 1 ? "" : "s") + ", kept");
        return recorded;
    }

    /** @return the manifest, or null when the folder has none yet */
    public Manifest readManifest() {
        Path file = root.resolve(MANIFEST);
        return Files.isRegularFile(file) ? JsonDocuments.read(file, MANIFEST_TYPE, Manifest.class) : null;
    }

    void writeManifest(Manifest manifest) {
        JsonDocuments.write(root.resolve(MANIFEST), MANIFEST_TYPE, manifest);
    }

    /** @return the definition last run here, or null when there is none */
    public SweepDefinition readDefinition() {
        Path file = root.resolve(DEFINITION);
        return Files.isRegularFile(file) ? SweepDefinition.read(file) : null;
    }

    void writeDefinition(SweepDefinition definition) {
        AtomicFiles.writeString(root.resolve(DEFINITION), definition.toJson());
    }

    /** @return the file of the trial of the configuration with {@code key} and {@code seed} */
    public Path resultFile(String key, long seed) {
        return root.resolve(RESULTS).resolve(String.format(Locale.ROOT, "%s-seed%d.json", key, seed));
    }

    void writeResult(SweepResult result) {
        JsonDocuments.write(resultFile(result.key(), result.seed()), SweepResult.DOCUMENT_TYPE, result);
    }

    /**
     * Reads every stored trial. A file that cannot be read (left by a crash of an older version, or damaged) is
     * reported in {@code unreadable} and otherwise ignored: its trial counts as not done.
     *
     * @return per "key-seed", the result
     */
    public Map<String, SweepResult> readResults(List<String> unreadable) {
        Map<String, SweepResult> results = new HashMap<>();
        Path folder = root.resolve(RESULTS);
        if (!Files.isDirectory(folder)) {
            return results;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    SweepResult result = JsonDocuments.read(file, SweepResult.DOCUMENT_TYPE, SweepResult.class);
                    results.put(trialName(result.key(), result.seed()), result);
                } catch (StoreException e) {
                    unreadable.add(e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + folder + ": " + e.getMessage(), e);
        }
        return results;
    }

    /**
     * Summarises what the folder holds now, without training: for a view that opens a finished or stopped sweep,
     * or refreshes while one runs (each trial's file is complete once it exists).
     *
     * @param unreadable receives a message per result file that could not be read (that trial counts as not done)
     * @return the summary of the definition last run here, or null when the folder holds no sweep yet
     */
    public SweepSummary summarise(List<String> unreadable) {
        SweepDefinition definition = readDefinition();
        Manifest manifest = readManifest();
        if (definition == null || manifest == null) {
            return null;
        }
        return SweepSummary.of(definition, configurations(definition, manifest), readResults(unreadable));
    }

    /**
     * Writes the reports of the trials stored now, without training: for a sweep that was stopped, whose missing
     * trials then show as not finished, or to report a subset of its seeds.
     *
     * @param definition the definition to report, or null for the one last run here
     * @return the summary, or null when the folder holds no sweep yet
     */
    public SweepSummary writeReports(SweepDefinition definition, ReportWriter reports) {
        SweepDefinition reported = definition != null ? definition : readDefinition();
        Manifest manifest = readManifest();
        if (reported == null || manifest == null) {
            return null;
        }
        return writeReports(manifest, reported, configurations(reported, manifest), reports);
    }

    /** Writes the CSV tables, the Markdown summary and the HTML report of the stored trials. */
    SweepSummary writeReports(Manifest manifest, SweepDefinition definition, List<SweepConfiguration> configurations,
            ReportWriter reports) {
        Map<String, SweepResult> all = readResults(new ArrayList<>());
        SweepSummary summary = SweepSummary.of(definition, configurations, all);
        reports.write(this, manifest, definition, configurations, all, summary);
        return summary;
    }

    /**
     * Writes a sweep's reports from its stored trials. The {@code report} package implements it, so a sweep runs
     * without knowing how its results are rendered.
     */
    @FunctionalInterface
    public interface ReportWriter {

        /**
         * @param folder         the sweep folder, where the reports go
         * @param manifest       its manifest
         * @param definition     the definition reported
         * @param configurations its configurations
         * @param results        the stored results by {@link #trialName}
         * @param summary        their summary
         */
        void write(SweepFolder folder, Manifest manifest, SweepDefinition definition,
                List<SweepConfiguration> configurations, Map<String, SweepResult> results, SweepSummary summary);
    }

    private static List<SweepConfiguration> configurations(SweepDefinition definition, Manifest manifest) {
        return definition.configurations(manifest.dataset(), manifest.backbone());
    }

    /** @return the name of a trial among {@link #readResults}'s keys */
    public static String trialName(String key, long seed) {
        return key + "-seed" + seed;
    }

    /** Creates the folder and its results folder. */
    void create() {
        try {
            Files.createDirectories(root.resolve(RESULTS));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the sweep folder " + root + ": " + e.getMessage(), e);
        }
    }
}
