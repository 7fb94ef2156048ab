package org.exitbench.app.workspace;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.io.Questions;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.BackboneSettings;
import org.exitbench.workspace.RunEntry;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;

/**
 * The open workspace: its folder and {@code workspace.json}, the runs in it and the one the panes show, the recent
 * workspaces, and whether thresholds were changed by hand since they were saved.
 *
 * <p>Settings are saved automatically: every change of the document is written (through the {@link SaveScheduler},
 * so a burst of changes is one write). Thresholds tuned in the Calibration pane are the one thing that must be saved
 * explicitly ({@link #save()}, Ctrl+S), because they replace a run's CPM thresholds; before anything would drop
 * them (another workspace, another run, closing the app) the user is asked. A workspace file of another schema
 * version, or any other unreadable one, is reported and left as it is.
 *
 * <p>Showing a run reads its folder in the background and hands the operating point a {@link RunCascadeSource}
 * with the open dataset's images, the run's CPM settings, and the thresholds tuned for it if any. Use from the UI
 * thread.
 */
public final class WorkspaceViewModel {

    /** The name of the sample's default workspace, under {@code ~/.exitbench/workspaces/}. */
    public static final String SAMPLE_WORKSPACE = "fashion-mnist-sample";

    private final TaskExecutor executor;
    private final DataViewModel data;
    private final OperatingPointModel point;
    private final Questions questions;
    private final Notices notices;
    private final SaveScheduler saves;
    private final Path home;
    private final Path sample;

    private final ReadOnlyObjectWrapper<Workspace> folder = new ReadOnlyObjectWrapper<>(this, "folder");
    private final ReadOnlyObjectWrapper<WorkspaceDocument> document = new ReadOnlyObjectWrapper<>(this, "document");
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name", "No workspace");
    private final ObservableList<RunEntry> runs = FXCollections.observableArrayList();
    private final ObservableList<RunEntry> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ReadOnlyObjectWrapper<RunEntry> shownRun = new ReadOnlyObjectWrapper<>(this, "shownRun");
    private final ReadOnlyObjectWrapper<BranchTrainingMode> shownMode = new ReadOnlyObjectWrapper<>(this,
            "shownMode");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ReadOnlyBooleanWrapper openingRun = new ReadOnlyBooleanWrapper(this, "openingRun");
    private final ReadOnlyBooleanWrapper firstRunPending = new ReadOnlyBooleanWrapper(this, "firstRunPending");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ObservableList<Path> recentView = FXCollections.unmodifiableObservableList(recent);
    private final ReadOnlyStringWrapper backboneLabel = new ReadOnlyStringWrapper(this, "backboneLabel", "none");
    private final List<Consumer<WorkspaceDocument>> openedListeners = new ArrayList<>();

    private UserPreferences preferences = UserPreferences.empty();
    private boolean preferencesWritable = true;
    private Thresholds saved;
    private CpmSettings savedSettings;
    private boolean unwritten;
    private PendingShow pendingShow;
    private long showTicket;

    /** A run to show once the dataset it needs has been opened. */
    private record PendingShow(String runId, BranchTrainingMode mode) {
    }

    /** A run read in the background, ready for the operating point. */
    private record LoadedRun(ExperimentRun run, BranchTrainingMode mode, RunCascadeSource source, Thresholds saved,
            CpmSettings savedSettings, CpmSettings settings, List<String> notes) {
    }

    /**
     * @param executor  reads runs in the background
     * @param data      the Data pane's state: the workspace's dataset is opened there, and a dataset opened there
     *                  becomes the workspace's
     * @param point     the operating point a shown run feeds
     * @param questions asks before something is lost, and shows errors that need acknowledging
     * @param notices   where short messages go
     * @param saves     when automatic saves run
     * @param home      the user's home folder: preferences and default workspaces live in {@code home/.exitbench}
     * @param sample    the bundled sample dataset, opened in the default workspace on a first launch
     */
    public WorkspaceViewModel(TaskExecutor executor, DataViewModel data, OperatingPointModel point,
            Questions questions, Notices notices, SaveScheduler saves, Path home, Path sample) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.data = Objects.requireNonNull(data, "data");
        this.point = Objects.requireNonNull(point, "point");
        this.questions = Objects.requireNonNull(questions, "questions");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.saves = Objects.requireNonNull(saves, "saves");
        this.home = Objects.requireNonNull(home, "home");
        this.sample = Objects.requireNonNull(sample, "sample").toAbsolutePath().normalize();
        point.resultProperty().addListener((obs, old, now) -> updateDirty());
        document.addListener((obs, old, now) -> updateBackboneLabel());
        shownRun.addListener((obs, old, now) -> updateBackboneLabel());
        data.datasetProperty().addListener((obs, old, now) -> datasetChanged(now));
        data.errorProperty().addListener((obs, old, now) -> {
            if (!now.isEmpty() && pendingShow != null) {
                // The dataset could not be opened: show the run without its images rather than not at all.
                showPending();
            }
        });
    }

    // ---- state -------------------------------------------------------------------------------------------------

    /** @return the open workspace, or {@code null} when none could be opened */
    public ReadOnlyObjectProperty<Workspace> folderProperty() {
        return folder.getReadOnlyProperty();
    }

    /** @return the open workspace's settings, or {@code null} */
    public ReadOnlyObjectProperty<WorkspaceDocument> documentProperty() {
        return document.getReadOnlyProperty();
    }

    /** @return the workspace's name, or "No workspace" */
    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    /** @return the runs of the workspace, oldest first; read-only */
    public ObservableList<RunEntry> runs() {
        return runsView;
    }

    /** @return the run whose cascade the panes show, or {@code null} */
    public ReadOnlyObjectProperty<RunEntry> shownRunProperty() {
        return shownRun.getReadOnlyProperty();
    }

    /** @return the training mode of the shown run whose cascade the thresholds act on, or {@code null} */
    public ReadOnlyObjectProperty<BranchTrainingMode> shownModeProperty() {
        return shownMode.getReadOnlyProperty();
    }

    /** @return whether the shown run's thresholds were changed since they were last saved */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    /** @return whether a run is being read (or waits for its dataset) to be shown */
    public ReadOnlyBooleanProperty openingRunProperty() {
        return openingRun.getReadOnlyProperty();
    }

    /**
     * @return whether the workspace opened at start-up has no run yet and its backbone is at hand, so the first
     *         cascade should be trained at once (the teaching demo of a first launch); cleared by
     *         {@link #firstRunStarted()}
     */
    public ReadOnlyBooleanProperty firstRunPendingProperty() {
        return firstRunPending.getReadOnlyProperty();
    }

    /**
     * @return the backbone in a few words, for the top bar: the shown run's ("Small ResNet 16/32/64/128 × 1/1/1/1"),
     *         else the workspace's choice
     */
    public ReadOnlyStringProperty backboneLabelProperty() {
        return backboneLabel.getReadOnlyProperty();
    }

    private void updateBackboneLabel() {
        RunEntry run = shownRun.get();
        WorkspaceDocument current = document.get();
        if (run != null && run.readable()) {
            // "Small ResNet 16/32/64/128 × 1/1/1/1, 1×32×32, 10 classes": the family and widths are enough here.
            String description = run.metrics().backbone().description();
            int end = description.indexOf(" \u00d7 ");
            if (end < 0) {
                end = description.indexOf(',');
            }
            backboneLabel.set(end > 0 ? description.substring(0, end) : description);
        } else if (current == null) {
            backboneLabel.set("none");
        } else {
            BackboneSettings settings = current.backbone();
            backboneLabel.set(switch (settings.source()) {
                case DATASET -> "the dataset's backbone.zip";
                case FILE -> settings.file() == null ? "no file chosen" : Path.of(settings.file()).getFileName()
                        .toString();
                case TRAIN_NEW -> "a new one, to be trained";
            });
        }
    }

    /** @return recently opened workspaces, most recent first; read-only */
    public ObservableList<Path> recentWorkspaces() {
        return recentView;
    }

    /**
     * Adds a listener told whenever a workspace has been opened (the Training pane loads its settings from it).
     *
     * @param listener receives the opened workspace's document
     */
    public void addOpenedListener(Consumer<WorkspaceDocument> listener) {
        openedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ---- opening -----------------------------------------------------------------------------------------------

    /**
     * Opens what the app should show at start-up: the workspace or dataset named by {@code argument}; else the most
     * recent workspace; else the bundled sample's default workspace, created on a first launch. When the workspace
     * has no run and its backbone exists, {@link #firstRunPendingProperty()} turns true.
     *
     * @param argument a workspace folder or a dataset folder from the command line, or {@code null}
     */
    public void startUp(Path argument) {
        readPreferences();
        boolean opened = false;
        Path given = argument == null ? null : argument.toAbsolutePath().normalize();
        if (given != null && !Workspace.isWorkspace(given)) {
            // A dataset: its own default workspace, or the dataset alone when none can be made.
            opened = openDefaultFor(given);
        } else {
            if (given != null) {
                opened = openFolder(given);
            } else if (!preferences.recentWorkspaces().isEmpty()) {
                Path last = Path.of(preferences.recentWorkspaces().get(0));
                opened = Workspace.isWorkspace(last) && openFolder(last);
            }
            if (!opened) {
                opened = openDefaultFor(sample);
            }
        }
        firstRunPending.set(opened && runs.isEmpty() && backboneAvailable());
    }

    /** Clears {@link #firstRunPendingProperty()} once the first run has started (or will not). */
    public void firstRunStarted() {
        firstRunPending.set(false);
    }

    /**
     * Opens the workspace in {@code location}, after asking about unsaved thresholds.
     *
     * @param location a workspace folder, or its {@code workspace.json}
     * @return whether it was opened; when not, the current workspace stays and the user was told why
     */
    public boolean open(Path location) {
        Path target = location.getFileName() != null && location.getFileName().toString().equals(Workspace.FILE)
                ? location.toAbsolutePath().getParent() : location;
        if (!resolveUnsaved("open another workspace")) {
            return false;
        }
        return openFolder(target.toAbsolutePath().normalize());
    }

    /**
     * Makes {@code location} a new workspace on the current dataset with the current settings (no runs), and opens
     * it, after asking about unsaved thresholds.
     *
     * @return whether it was made and opened; a folder that already holds a workspace is refused, never replaced
     */
    public boolean newWorkspace(Path location) {
        Path target = location.toAbsolutePath().normalize();
        if (Workspace.isWorkspace(target)) {
            questions.error("Could not make a new workspace", target + " already holds a workspace. Open it, or"
                    + " choose an empty folder for the new one.");
            return false;
        }
        if (!resolveUnsaved("make a new workspace")) {
            return false;
        }
        WorkspaceDocument current = document.get();
        String newName = target.getFileName() == null ? "workspace" : target.getFileName().toString();
        WorkspaceDocument fresh = current == null ? WorkspaceDocument.create(newName, datasetOrSample())
                : current.withName(newName).withShownRun(null, null);
        try {
            writeNow();
            Workspace.create(target, fresh);
        } catch (StoreException | UncheckedIOException e) {
            questions.error("Could not make a new workspace", ErrorText.of(e));
            return false;
        }
        return openFolder(target);
    }

    /** @return where the default workspace of {@code dataset} is: the sample's, or one named after the dataset */
    Path defaultWorkspaceFor(Path dataset) {
        Path datasetFolder = dataset.toAbsolutePath().normalize();
        Path workspaces = UserPreferences.workspacesFolder(home);
        if (datasetFolder.equals(sample)) {
            return workspaces.resolve(SAMPLE_WORKSPACE);
        }
        String base = datasetFolder.getFileName() == null ? "dataset"
                : datasetFolder.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        for (int n = 1; ; n++) {
            Path candidate = workspaces.resolve(n == 1 ? base : base + "-" + n);
            if (!Workspace.isWorkspace(candidate) || datasetOf(candidate).equals(datasetFolder)) {
                return candidate;
            }
        }
    }

    private static Path datasetOf(Path workspace) {
        try {
            return Workspace.open(workspace).document().datasetPath();
        } catch (StoreException e) {
            // An unreadable workspace belongs to no dataset we could open: take the next name.
            return workspace;
        }
    }

    private boolean openDefaultFor(Path dataset) {
        Path target = defaultWorkspaceFor(dataset);
        if (!Workspace.isWorkspace(target)) {
            String workspaceName = target.getFileName().toString();
            try {
                Workspace.create(target, WorkspaceDocument.create(workspaceName, dataset));
            } catch (StoreException | UncheckedIOException e) {
                questions.error("Could not make a workspace for " + dataset.getFileName(), ErrorText.of(e)
                        + " The dataset is opened without a workspace: nothing can be trained or saved.");
                data.open(dataset);
                return false;
            }
        }
        return openFolder(target);
    }

    private boolean openFolder(Path target) {
        Workspace.Opened opened;
        try {
            opened = Workspace.open(target);
        } catch (StoreException | UncheckedIOException e) {
            questions.error("Could not open the workspace", ErrorText.of(e) + " Nothing was changed.");
            return false;
        }
        writeNow();
        folder.set(opened.folder());
        document.set(opened.document());
        name.set(opened.document().name());
        rememberRecent(opened.folder().root());
        refreshRuns();
        clearShown(false);
        for (Consumer<WorkspaceDocument> listener : List.copyOf(openedListeners)) {
            listener.accept(opened.document());
        }
        WorkspaceDocument doc = opened.document();
        RunEntry toShow = runs.stream().filter(r -> r.readable() && r.id().equals(doc.shownRun())).findFirst()
                .orElse(latestReadable());
        BranchTrainingMode mode = toShow != null && toShow.id().equals(doc.shownRun()) ? parseMode(doc.shownMode())
                : null;
        Dataset open = data.datasetProperty().get();
        boolean datasetNeeded = open == null || !sameFolder(open.root(), doc.datasetPath());
        if (datasetNeeded) {
            if (toShow != null) {
                pendingShow = new PendingShow(toShow.id(), mode);
                openingRun.set(true);
            }
            data.open(doc.datasetPath());
        } else if (toShow != null) {
            show(toShow.id(), mode, null, null, null);
        }
        return true;
    }

    // ---- runs --------------------------------------------------------------------------------------------------

    /** Reads the runs list of the workspace again. */
    public void refreshRuns() {
        Workspace current = folder.get();
        if (current == null) {
            runs.clear();
            return;
        }
        try {
            runs.setAll(current.runs());
        } catch (UncheckedIOException e) {
            notices.post(Notice.error("Could not list the runs", ErrorText.of(e)));
            runs.clear();
        }
        RunEntry shown = shownRun.get();
        if (shown != null) {
            shownRun.set(runs.stream().filter(r -> r.id().equals(shown.id())).findFirst().orElse(shown));
        }
    }

    /**
     * Reads the runs list again when the workspace's run folders differ from those listed: runs written by
     * {@code exitbench run} into the open workspace appear, deleted ones go. Cheap when nothing changed (one listing
     * of {@code runs/}), so the window calls it whenever it gains the focus.
     */
    public void refreshRunsIfChanged() {
        Workspace current = folder.get();
        if (current == null) {
            return;
        }
        List<String> onDisk;
        try {
            onDisk = current.runFolders().stream().map(p -> p.getFileName().toString()).toList();
        } catch (UncheckedIOException e) {
            return;
        }
        if (!onDisk.equals(runs.stream().map(RunEntry::id).toList())) {
            refreshRuns();
        }
    }

    /**
     * Shows a run's cascade in the panes, after asking about unsaved thresholds of the one shown now.
     *
     * @param entry a run of the list
     * @param mode  the training mode whose cascade the thresholds act on, or {@code null} for the run's default
     */
    public void showRun(RunEntry entry, BranchTrainingMode mode) {
        Objects.requireNonNull(entry, "entry");
        RunEntry current = shownRun.get();
        if (current != null && current.id().equals(entry.id()) && (mode == null || mode == shownMode.get())) {
            return;
        }
        if (!entry.readable()) {
            notices.post(Notice.error("Could not open run " + entry.id(), entry.problem()));
            return;
        }
        if (!resolveUnsaved("show another run")) {
            return;
        }
        show(entry.id(), mode, null, null, null);
    }

    /**
     * Takes a run that has just been written into the list and shows it (unless the user keeps unsaved thresholds
     * of the run shown now).
     *
     * @param run   the new run
     * @param shown runs once the panes show it, or {@code null}
     */
    public void runFinished(ExperimentRun run, Runnable shown) {
        refreshRuns();
        if (!resolveUnsaved("show the new run")) {
            notices.post(Notice.info("Run " + run.id() + " is ready", "It is in the runs list (Training pane)."));
            return;
        }
        show(run.id(), null, null, null, shown);
    }

    /**
     * Shows the cascade of a run that is still training (a mode is complete, later ones still train) until the
     * finished run replaces it: the thresholds act on it, but it is no run of the list, so nothing of it is saved.
     * Skipped while thresholds tuned by hand are unsaved (they are asked about when the finished run arrives).
     *
     * @param partial the run so far ({@link org.exitbench.experiment.ExperimentPipeline.ModeListener})
     * @param mode    the completed mode to show
     * @param label   what the top bar and the panes call it
     * @param then    runs once the panes show it, or {@code null}
     */
    public void showPartial(ExperimentRun partial, BranchTrainingMode mode, String label, Runnable then) {
        if (dirty.get() || folder.get() == null) {
            return;
        }
        pendingShow = null;
        long mine = ++showTicket;
        Dataset dataset = data.datasetProperty().get();
        executor.submit("Showing the " + ExperimentConfig.modeName(mode) + " cascade", (progress, cancel) ->
                RunCascadeSource.of(partial, mode, dataset, null), TaskCallbacks.of(loaded -> {
                    if (mine != showTicket || dirty.get()) {
                        return;
                    }
                    openingRun.set(false);
                    shownRun.set(null);
                    shownMode.set(null);
                    saved = null;
                    savedSettings = null;
                    point.settingsProperty().set(partial.config().cpmSettings());
                    point.setSource(loaded.source().withName(label));
                    updateDirty();
                    if (then != null) {
                        then.run();
                    }
                }, failure -> notices.post(Notice.error("Could not show the " + ExperimentConfig.modeName(mode)
                        + " cascade before the run ends", ErrorText.of(failure))), () -> { }));
    }

    /**
     * Deletes a run after asking; if it was shown, the latest other run is shown instead.
     *
     * @return whether it was deleted
     */
    public boolean deleteRun(RunEntry entry) {
        Workspace current = folder.get();
        if (current == null) {
            return false;
        }
        if (!questions.confirm("Delete run " + entry.id() + "?", "Its branches, thresholds, scores and metrics are"
                + " deleted from " + entry.folder() + ", together with any thresholds tuned for it. This cannot be"
                + " undone.", "Delete")) {
            return false;
        }
        boolean wasShown = shownRun.get() != null && shownRun.get().id().equals(entry.id());
        try {
            current.deleteRun(entry.id());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            questions.error("Could not delete run " + entry.id(), ErrorText.of(e));
            refreshRuns();
            return false;
        }
        refreshRuns();
        notices.post(Notice.info("Deleted run " + entry.id(), "It was removed from " + current.root() + "."));
        if (wasShown) {
            clearShown(true);
            RunEntry latest = latestReadable();
            if (latest != null) {
                show(latest.id(), null, null, null, null);
            }
        }
        return true;
    }

    // ---- saving ------------------------------------------------------------------------------------------------

    /**
     * Saves the thresholds tuned for the shown run (in {@code thresholds/} of the workspace; the run folder itself is
     * never changed) and the workspace settings.
     *
     * @return whether everything was written; failures are reported as notices
     */
    public boolean save() {
        return save(true);
    }

    /**
     * Makes the current thresholds the shown run's saved ones, without telling (the demo saves the operating point
     * it picked, so leaving it asks nothing).
     */
    public void keepCurrentThresholds() {
        save(false);
    }

    private boolean save(boolean tell) {
        Workspace current = folder.get();
        if (current == null) {
            notices.post(Notice.error("Nothing to save", "No workspace is open."));
            return false;
        }
        // An edit made just before (the demo's margin and its thresholds) is evaluated in the next frame; evaluate it
        // now, or it would not count as unsaved yet and be left out.
        point.flush();
        RunEntry run = shownRun.get();
        Thresholds thresholds = point.thresholds();
        CpmSettings settings = point.settingsProperty().get();
        if (dirty.get() && run != null && thresholds != null) {
            try {
                current.saveTunedThresholds(run.id(), shownMode.get(), thresholds, settings);
            } catch (UncheckedIOException | StoreException e) {
                notices.post(Notice.error("Could not save the thresholds", ErrorText.of(e)));
                return false;
            }
            saved = thresholds;
            savedSettings = settings;
            updateDirty();
        }
        unwritten = true;
        if (!writeNow()) {
            return false;
        }
        if (!tell) {
            return true;
        }
        notices.post(Notice.info("Saved", "The workspace " + document.get().name() + (run == null ? ""
                : " and the thresholds of run " + run.id()) + " are saved in " + current.root() + "."));
        return true;
    }

    /**
     * Asks about unsaved thresholds before the app closes, then writes any settings not yet written.
     *
     * @return whether the app may close
     */
    public boolean confirmClose() {
        if (!resolveUnsaved("close Exitbench")) {
            return false;
        }
        writeNow();
        return true;
    }

    /**
     * Changes the workspace's settings; they are written automatically.
     *
     * @param change the change; ignored while no workspace is open
     */
    public void updateDocument(UnaryOperator<WorkspaceDocument> change) {
        WorkspaceDocument current = document.get();
        if (current == null) {
            return;
        }
        WorkspaceDocument next = change.apply(current);
        if (next.equals(current)) {
            return;
        }
        document.set(next);
        name.set(next.name());
        unwritten = true;
        Workspace target = folder.get();
        saves.schedule(() -> {
            if (folder.get() == target) {
                writeNow();
            }
        });
    }

    /** @return the experiment settings of the workspace (its dataset filled in), or the defaults without one */
    public ExperimentConfig experimentConfig() {
        WorkspaceDocument current = document.get();
        Workspace where = folder.get();
        return current == null || where == null ? ExperimentConfig.defaults()
                : current.experimentConfig(where.file());
    }

    /** Writes the document if it changed since it was last written; reports a failure as a notice. */
    private boolean writeNow() {
        Workspace current = folder.get();
        if (!unwritten || current == null) {
            return true;
        }
        try {
            current.save(document.get());
            unwritten = false;
            return true;
        } catch (StoreException | UncheckedIOException e) {
            notices.post(Notice.error("Could not save the workspace settings", ErrorText.of(e)));
            return false;
        }
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /** @return whether the user is fine with going on: nothing unsaved, saved now, or dropped on purpose */
    private boolean resolveUnsaved(String next) {
        if (!dirty.get()) {
            return true;
        }
        String run = shownRun.get() == null ? "the shown run" : "run " + shownRun.get().id();
        return switch (questions.unsavedChanges("The thresholds of " + run + " were changed by hand and not saved.",
                next)) {
            case SAVE -> save();
            case DISCARD -> true;
            case CANCEL -> false;
        };
    }

    /**
     * Reads a run in the background and shows it.
     *
     * @param start         the thresholds to show instead of the saved ones, or {@code null}
     * @param startSettings the CPM settings to show with them, or {@code null} for the saved ones
     */
    private void show(String runId, BranchTrainingMode mode, Thresholds start, CpmSettings startSettings,
            Runnable then) {
        Workspace where = folder.get();
        if (where == null) {
            return;
        }
        pendingShow = null;
        long mine = ++showTicket;
        openingRun.set(true);
        Dataset dataset = data.datasetProperty().get();
        executor.submit("Opening run " + runId, (progress, cancel) -> {
            progress.report("Reading run " + runId, 0, 2);
            ExperimentRun run = where.loadRun(runId);
            BranchTrainingMode chosen = mode != null && run.mode(mode).filter(ExperimentRun.ModeResult::hasCascade)
                    .isPresent() ? mode : RunCascadeSource.defaultPrimary(run).orElseThrow(() ->
                            new IllegalStateException("run " + runId + " trained no branch in any mode, so it has no"
                                    + " cascade to show"));
            List<String> notes = new ArrayList<>();
            Thresholds own = run.mode(chosen).orElseThrow().thresholds();
            Thresholds tuned = null;
            CpmSettings tunedSettings = null;
            try {
                tuned = where.tunedThresholds(runId, chosen).orElse(null);
                tunedSettings = where.tunedSettings(runId, chosen).orElse(null);
            } catch (StoreException e) {
                notes.add(ErrorText.of(e) + " The run's own thresholds are used.");
                tuned = null;
            }
            if (tuned != null && (tuned.exitCount() != own.exitCount() || tuned.classCount() != own.classCount())) {
                notes.add(where.tunedFile(runId, chosen) + " does not fit the run's cascade; the run's own thresholds"
                        + " are used.");
                tuned = null;
            }
            // Tuned thresholds come with the settings they were tuned under (a margin found within the accuracy
            // budget, say); the run's own thresholds, and tuned ones saved before those were kept, with the run's.
            CpmSettings savedSettings = tuned != null && tunedSettings != null ? tunedSettings
                    : run.config().cpmSettings();
            cancel.throwIfCancelled();
            progress.report("Sorting the scores of run " + runId, 1, 2);
            RunCascadeSource source = RunCascadeSource.of(run, chosen, dataset, start != null ? start : tuned);
            return new LoadedRun(run, chosen, source, tuned != null ? tuned : own, savedSettings,
                    startSettings != null ? startSettings : savedSettings, notes);
        }, TaskCallbacks.of(loaded -> {
            if (mine == showTicket) {
                openingRun.set(false);
                apply(loaded);
                if (then != null) {
                    then.run();
                }
            }
        }, failure -> {
            if (mine == showTicket) {
                openingRun.set(false);
                notices.post(Notice.error("Could not open run " + runId, ErrorText.of(failure)));
                refreshRuns();
            }
        }, () -> {
            if (mine == showTicket) {
                openingRun.set(false);
            }
        }));
    }

    private void apply(LoadedRun loaded) {
        String id = loaded.run().id();
        point.settingsProperty().set(loaded.settings());
        point.setSource(loaded.source().source());
        saved = loaded.saved();
        savedSettings = loaded.savedSettings();
        RunEntry entry = runs.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
        if (entry == null) {
            refreshRuns();
            entry = runs.stream().filter(r -> r.id().equals(id)).findFirst().orElse(new RunEntry(id,
                    loaded.run().folder(), loaded.run().metrics(), null));
        }
        shownMode.set(loaded.mode());
        shownRun.set(entry);
        updateDocument(d -> d.withShownRun(id, ExperimentConfig.modeName(loaded.mode())));
        List<String> notes = new ArrayList<>(loaded.notes());
        notes.addAll(loaded.source().notes());
        if (!notes.isEmpty()) {
            notices.post(Notice.info("Run " + id, String.join(" ", notes)));
        }
        updateDirty();
    }

    private void clearShown(boolean keepDocument) {
        showTicket++;
        pendingShow = null;
        openingRun.set(false);
        shownRun.set(null);
        shownMode.set(null);
        saved = null;
        savedSettings = null;
        CascadeSource source = point.sourceProperty().get();
        if (source != null && !source.synthetic()) {
            point.setSource(null);
        }
        if (keepDocument) {
            updateDocument(d -> d.withShownRun(null, null));
        }
        updateDirty();
    }

    private void showPending() {
        PendingShow pending = pendingShow;
        pendingShow = null;
        if (pending != null) {
            show(pending.runId(), pending.mode(), null, null, null);
        }
    }

    private void datasetChanged(Dataset now) {
        if (now == null) {
            return;
        }
        WorkspaceDocument current = document.get();
        if (current != null && !sameFolder(now.root(), current.datasetPath())) {
            updateDocument(d -> d.withDataset(now.root()));
        }
        if (pendingShow != null) {
            showPending();
        } else if (shownRun.get() != null) {
            // The galleries map the run's samples to the open dataset's images: look again, keeping the thresholds.
            show(shownRun.get().id(), shownMode.get(), point.thresholds(), point.settingsProperty().get(), null);
        }
    }

    private void updateDirty() {
        OperatingPointResult result = point.resultProperty().get();
        dirty.set(saved != null && shownRun.get() != null && result != null && !result.source().synthetic()
                && !(result.thresholds().equals(saved) && result.settings().equals(savedSettings)));
    }

    private RunEntry latestReadable() {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).readable() && runs.get(i).metrics().modes().stream()
                    .anyMatch(m -> m.branches().stream().anyMatch(b -> b.trained()))) {
                return runs.get(i);
            }
        }
        return null;
    }

    private boolean backboneAvailable() {
        WorkspaceDocument current = document.get();
        if (current == null) {
            return false;
        }
        Path file = current.backbone().fileFor(current.datasetPath());
        return file != null && Files.isRegularFile(file);
    }

    private Path datasetOrSample() {
        Dataset open = data.datasetProperty().get();
        return open != null ? open.root() : sample;
    }

    private void readPreferences() {
        try {
            preferences = UserPreferences.read(home);
        } catch (StoreException e) {
            preferences = UserPreferences.empty();
            preferencesWritable = false;
            notices.post(Notice.error("Recent workspaces are not remembered", ErrorText.of(e)
                    + " The file is left as it is."));
        }
        recent.setAll(preferences.recentWorkspaces().stream().map(Path::of).toList());
    }

    private void rememberRecent(Path workspace) {
        preferences = preferences.withRecent(workspace);
        recent.setAll(preferences.recentWorkspaces().stream().map(Path::of).toList());
        if (!preferencesWritable) {
            return;
        }
        try {
            preferences.write(home);
        } catch (StoreException | UncheckedIOException e) {
            preferencesWritable = false;
            notices.post(Notice.error("Recent workspaces are not remembered", ErrorText.of(e)));
        }
    }

    private static BranchTrainingMode parseMode(String text) {
        if (text == null) {
            return null;
        }
        try {
            return ExperimentConfig.parseMode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
