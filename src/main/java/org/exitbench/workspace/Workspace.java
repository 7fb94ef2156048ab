package org.exitbench.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.Thresholds;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.report.SweepReports;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StagedRun;
import org.exitbench.store.StoreException;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.train.BranchTrainingMode;

/**
 * A workspace folder, the one the app opens and the CLI writes into: {@code workspace.json}
 * ({@link WorkspaceDocument}), feature caches in {@code cache/<name>/}, runs in {@code runs/<run-id>/}, backbones
 * trained here in {@code backbones/}, sweeps in {@code sweeps/}, and thresholds tuned by hand in
 * {@code thresholds/<run-id>-<mode>.json} with the CPM settings they were tuned under in
 * {@code thresholds/<run-id>-<mode>.cpm.json} (a run folder is never changed after it was written). Every file is
 * written atomically.
 *
 * <p>A run appears complete or not at all and is never overwritten: it is written into a hidden staging folder
 * ({@link StagedRun}) and renamed to its final name when complete. The CLI may use a folder without
 * {@code workspace.json} ({@link #at}); the app opens only folders that have one ({@link #open}).
 */
public final class Workspace {

    /** The workspace file's name. */
    public static final String FILE = "workspace.json";
    /** The folder of feature caches. */
    public static final String CACHE_FOLDER = "cache";
    /** The folder of runs. */
    public static final String RUNS_FOLDER = "runs";
    /** The folder of sweeps. */
    public static final String SWEEPS_FOLDER = "sweeps";
    /** The folder of backbones trained in the workspace. */
    public static final String BACKBONES = "backbones";
    /** The folder of hand-tuned thresholds. */
    public static final String THRESHOLDS = "thresholds";
    /** The document type of the CPM settings saved with tuned thresholds. */
    public static final JsonDocuments.DocumentType TUNED_SETTINGS = JsonDocuments.DocumentType.of(
            "exitbench.tuned-cpm-settings", 1);

    /** The prefix of a run folder being deleted: hidden, so {@link #runFolders()} no longer lists it. */
    private static final String DELETING_PREFIX = ".deleting-";

    private final Path root;

    private Workspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * A workspace at {@code root}, with or without {@code workspace.json}; nothing is created until something is
     * written.
     */
    public static Workspace at(Path root) {
        return new Workspace(Objects.requireNonNull(root, "root"));
    }

    /**
     * @param runFolder a run folder, {@code <workspace>/runs/<run-id>}
     * @return the workspace it belongs to, when it lies in a {@code runs/} folder
     */
    public static Optional<Workspace> ofRunFolder(Path runFolder) {
        Path runs = runFolder.toAbsolutePath().normalize().getParent();
        if (runs == null || runs.getFileName() == null || !runs.getFileName().toString().equals(RUNS_FOLDER)
                || runs.getParent() == null) {
            return Optional.empty();
        }
        return Optional.of(new Workspace(runs.getParent()));
    }

    /** @return whether {@code folder} holds a workspace file */
    public static boolean isWorkspace(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /**
     * Reads a workspace.
     *
     * @return the folder and its document
     * @throws StoreException naming the file when it is missing, not a workspace file, of a newer or older schema,
     *                        or holds invalid settings; nothing is written
     */
    public static Opened open(Path folder) {
        Workspace workspace = new Workspace(folder);
        Path file = workspace.file();
        if (!Files.exists(file)) {
            throw new StoreException(file, "is missing: " + workspace.root + " is not an Exitbench workspace");
        }
        WorkspaceDocument document = JsonDocuments.read(file, WorkspaceDocument.TYPE, WorkspaceDocument.class);
        if (document.name() == null || document.dataset() == null || document.backbone() == null
                || document.experiment() == null) {
            throw new StoreException(file, "is incomplete: it needs a name, a dataset, a backbone and experiment"
                    + " settings");
        }
        document.experimentConfig(file);
        return new Opened(workspace, document);
    }

    /**
     * Makes {@code folder} a workspace with {@code document}.
     *
     * @throws StoreException when the folder already holds a workspace (it is never replaced) or is a file
     * @throws UncheckedIOException when the folder cannot be created or the file written
     */
    public static Workspace create(Path folder, WorkspaceDocument document) {
        Workspace workspace = new Workspace(folder);
        if (Files.exists(workspace.file())) {
            throw new StoreException(workspace.file(), "already exists: open that workspace instead of making a new"
                    + " one there");
        }
        if (Files.exists(workspace.root) && !Files.isDirectory(workspace.root)) {
            throw new StoreException(workspace.root, "is a file, not a folder");
        }
        workspace.save(document);
        return workspace;
    }

    /**
     * A workspace and the document read from it.
     *
     * @param folder   the workspace
     * @param document its {@code workspace.json}
     */
    public record Opened(Workspace folder, WorkspaceDocument document) {
    }

    /** @return the workspace folder, absolute */
    public Path root() {
        return root;
    }

    /** @return {@code workspace.json} */
    public Path file() {
        return root.resolve(FILE);
    }

    /** @return the folder for runs */
    public Path runsFolder() {
        return root.resolve(RUNS_FOLDER);
    }

    /** @return the folder that holds the feature caches, one folder each */
    public Path cachesFolder() {
        return root.resolve(CACHE_FOLDER);
    }

    /**
     * @param name a folder name: letters, digits, '.', '_' and '-', not starting with a dot
     * @return the folder of the feature cache with that name (not created)
     */
    public Path cacheFolder(String name) {
        return cachesFolder().resolve(StagedRun.checkName(name));
    }

    /** @return the folder that holds one folder per sweep */
    public Path sweepsFolder() {
        return root.resolve(SWEEPS_FOLDER);
    }

    /** @return the pipeline that writes its runs into this workspace and keeps its feature caches here */
    public ExperimentPipeline pipeline() {
        return new ExperimentPipeline(runsFolder(), cachesFolder());
    }

    /** @return the sweep runner that keeps its feature caches here and writes the reports of every sweep */
    public SweepRunner sweepRunner() {
        return new SweepRunner(cachesFolder(), SweepReports::write);
    }

    /**
     * Creates an empty staging folder for a new run.
     *
     * @throws UncheckedIOException when the folder cannot be created
     */
    public StagedRun stageRun() {
        return StagedRun.in(runsFolder());
    }

    /** @return the committed run folders, sorted by name (run ids sort by time); empty when there are none */
    public List<Path> runFolders() {
        if (!Files.isDirectory(runsFolder())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(runsFolder())) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + runsFolder() + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code workspace.json} atomically. */
    public void save(WorkspaceDocument document) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the workspace folder " + root + ": " + e.getMessage(), e);
        }
        JsonDocuments.write(file(), WorkspaceDocument.TYPE, document);
    }

    /**
     * @return the committed runs, oldest first, each with its metrics or why they could not be read
     * @throws UncheckedIOException when the runs folder cannot be listed
     */
    public List<RunEntry> runs() {
        List<RunEntry> entries = new ArrayList<>();
        for (Path run : runFolders()) {
            String id = run.getFileName().toString();
            try {
                entries.add(new RunEntry(id, run, JsonDocuments.read(run.resolve("metrics.json"),
                        RunMetrics.DOCUMENT_TYPE, RunMetrics.class), null));
            } catch (StoreException e) {
                entries.add(new RunEntry(id, run, null, e.getMessage()));
            }
        }
        return entries;
    }

    /**
     * @param runId a run
     * @return the run read from its folder
     * @throws StoreException naming the file at fault
     */
    public ExperimentRun loadRun(String runId) {
        return ExperimentRun.load(runsFolder().resolve(runId));
    }

    /**
     * Deletes a committed run and the thresholds tuned for it. The folder is first renamed to a hidden name in one
     * atomic step, so the run disappears from {@link #runFolders()} whole even if deleting its files is interrupted
     * (what is left is hidden and ignored).
     *
     * @param runId the run's folder name, as {@link #runFolders()} lists it
     * @throws IllegalArgumentException when {@code runId} is not a run of this workspace
     * @throws UncheckedIOException     when a folder or file cannot be moved or deleted
     */
    public void deleteRun(String runId) {
        Path run = runsFolder().resolve(StagedRun.checkName(runId));
        if (!Files.isDirectory(run)) {
            throw new IllegalArgumentException("there is no run '" + runId + "' in " + runsFolder());
        }
        Path hidden = runsFolder().resolve(DELETING_PREFIX + runId);
        try {
            for (int attempt = 2; Files.exists(hidden); attempt++) {
                hidden = runsFolder().resolve(DELETING_PREFIX + runId + "-" + attempt);
            }
            Files.move(run, hidden, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the run " + run + ": " + e.getMessage(), e);
        }
        StagedRun.deleteTree(hidden, "the deleted run");
        for (BranchTrainingMode mode : BranchTrainingMode.values()) {
            try {
                Files.deleteIfExists(tunedFile(runId, mode));
                Files.deleteIfExists(tunedSettingsFile(runId, mode));
                Files.deleteIfExists(tunedDecisionFile(runId, mode));
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + tunedFile(runId, mode) + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /**
     * @return the thresholds tuned by hand for a run's cascade and saved, if any
     * @throws StoreException naming the file when it exists but cannot be read
     */
    public Optional<Thresholds> tunedThresholds(String runId, BranchTrainingMode mode) {
        Path file = tunedFile(runId, mode);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Thresholds.read(file));
        } catch (IOException e) {
            throw new StoreException(file, "could not be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StoreException(file, "is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * @return the CPM settings (margin, form, anchor, minimum support) the run's tuned thresholds were saved with,
     *         if any; workspaces saved before these were kept have none
     * @throws StoreException naming the file when it exists but cannot be read
     */
    public Optional<CpmSettings> tunedSettings(String runId, BranchTrainingMode mode) {
        Path file = tunedSettingsFile(runId, mode);
        return Files.exists(file) ? Optional.of(JsonDocuments.read(file, TUNED_SETTINGS, CpmSettings.class))
                : Optional.empty();
    }

    /**
     * Saves the thresholds tuned for a run's cascade and the CPM settings they were tuned under (the Calibration
     * pane's bars and "reset to CPM" follow those), replacing earlier ones atomically.
     */
    public void saveTunedThresholds(String runId, BranchTrainingMode mode, Thresholds thresholds,
            CpmSettings settings) {
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(settings, "settings");
        AtomicFiles.writeString(tunedFile(runId, mode), thresholds.toJson());
        JsonDocuments.write(tunedSettingsFile(runId, mode), TUNED_SETTINGS, settings);
    }

    /**
     * Saves the derived exit decision rule (issue 20) the run's tuned thresholds compare, with those thresholds, as
     * a decision file ({@code exitbench export --decision} reads it too); or deletes it when the tuned thresholds
     * compare max-softmax or entropy.
     *
     * @param decision the rule and thresholds, or {@code null} for none
     */
    public void saveTunedDecision(String runId, BranchTrainingMode mode,
            org.exitbench.cascade.decision.DecisionFile decision) {
        Path file = tunedDecisionFile(runId, mode);
        if (decision == null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        decision.write(file);
    }

    /**
     * @return the decision rule saved with the run's tuned thresholds, if any
     * @throws StoreException naming the file when it exists but cannot be read
     */
    public Optional<org.exitbench.cascade.decision.DecisionFile> tunedDecision(String runId, BranchTrainingMode mode) {
        Path file = tunedDecisionFile(runId, mode);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(org.exitbench.cascade.decision.DecisionFile.read(file));
        } catch (IOException e) {
            throw new StoreException(file, "could not be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StoreException(file, "is invalid: " + e.getMessage(), e);
        }
    }

    /** @return where the decision rule of a run's tuned thresholds is kept */
    public Path tunedDecisionFile(String runId, BranchTrainingMode mode) {
        return root.resolve(THRESHOLDS).resolve(tunedName(runId, mode) + ".decision.json");
    }

    /** @return where a run's tuned thresholds are kept */
    public Path tunedFile(String runId, BranchTrainingMode mode) {
        return root.resolve(THRESHOLDS).resolve(tunedName(runId, mode) + ".json");
    }

    /** @return where the CPM settings of a run's tuned thresholds are kept */
    public Path tunedSettingsFile(String runId, BranchTrainingMode mode) {
        return root.resolve(THRESHOLDS).resolve(tunedName(runId, mode) + ".cpm.json");
    }

    private static String tunedName(String runId, BranchTrainingMode mode) {
        return runId + "-" + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** @return the folder where backbones trained in this workspace are saved */
    public Path backbonesFolder() {
        return root.resolve(BACKBONES);
    }
}
