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
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;
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
 *
 * <p>This class holds the open workspace, its document and its runs list, and hands each other job to a part:
 * {@link ShownRun} (the run the panes show and its loading), {@link SavedThresholds} (the saved thresholds and the
 * dirty flag), {@link RecentWorkspaces} (the recent list and the default workspaces) and {@link WorkspaceLabels}.
 */
public final class WorkspaceViewModel {

    /** The name of the sample's default workspace, under {@code ~/.exitbench/workspaces/}. */
    public static final String SAMPLE_WORKSPACE = "fashion-mnist-sample";

    private final DataViewModel data;
    private final OperatingPointModel point;
    private final Questions questions;
    private final Notices notices;
    private final SaveScheduler saves;
    private final RecentWorkspaces recent;
    private final SavedThresholds saved;
    private final ShownRun shown;

    private final ReadOnlyObjectWrapper<Workspace> folder = new ReadOnlyObjectWrapper<>(this, "folder");
    private final ReadOnlyObjectWrapper<WorkspaceDocument> document = new ReadOnlyObjectWrapper<>(this, "document");
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name", "No workspace");
    private final ObservableList<RunEntry> runs = FXCollections.observableArrayList();
    private final ObservableList<RunEntry> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ReadOnlyBooleanWrapper firstRunPending = new ReadOnlyBooleanWrapper(this, "firstRunPending");
    private final ReadOnlyStringWrapper backboneLabel = new ReadOnlyStringWrapper(this, "backboneLabel", "none");
    private final List<Consumer<WorkspaceDocument>> openedListeners = new ArrayList<>();

    private boolean unwritten;

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
        this.data = Objects.requireNonNull(data, "data");
        this.point = Objects.requireNonNull(point, "point");
        this.questions = Objects.requireNonNull(questions, "questions");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.saves = Objects.requireNonNull(saves, "saves");
        this.recent = new RecentWorkspaces(home, sample, notices);
        this.saved = new SavedThresholds(point, questions, notices, () -> shownRunProperty().get() != null);
        this.shown = new ShownRun(executor, data, point, notices, new ShownRun.Host() {
            @Override
            public Workspace folder() {
                return folder.get();
            }

            @Override
            public RunEntry listed(String runId) {
                RunEntry entry = find(runId);
                if (entry == null) {
                    refreshRuns();
                    entry = find(runId);
                }
                return entry;
            }

            @Override
            public void refreshRuns() {
                WorkspaceViewModel.this.refreshRuns();
            }

            @Override
            public void updateDocument(UnaryOperator<WorkspaceDocument> change) {
                WorkspaceViewModel.this.updateDocument(change);
            }
        }, saved);
        document.addListener((obs, old, now) -> updateBackboneLabel());
        shown.runProperty().addListener((obs, old, now) -> updateBackboneLabel());
        data.datasetProperty().addListener((obs, old, now) -> datasetChanged(now));
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
        return shown.runProperty();
    }

    /** @return the training mode of the shown run whose cascade the thresholds act on, or {@code null} */
    public ReadOnlyObjectProperty<BranchTrainingMode> shownModeProperty() {
        return shown.modeProperty();
    }

    /** @return whether the shown run's thresholds were changed since they were last saved */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return saved.dirtyProperty();
    }

    /** @return whether a run is being read (or waits for its dataset) to be shown */
    public ReadOnlyBooleanProperty openingRunProperty() {
        return shown.openingProperty();
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
        backboneLabel.set(WorkspaceLabels.backbone(shown.runProperty().get(), document.get()));
    }

    /** @return recently opened workspaces, most recent first; read-only */
    public ObservableList<Path> recentWorkspaces() {
        return recent.list();
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
        recent.read();
        boolean opened = false;
        Path given = argument == null ? null : argument.toAbsolutePath().normalize();
        if (given != null && !Workspace.isWorkspace(given)) {
            // A dataset: its own default workspace, or the dataset alone when none can be made.
            opened = openDefaultFor(given);
        } else {
            if (given != null) {
                opened = openFolder(given);
            } else if (recent.mostRecent().isPresent()) {
                Path last = recent.mostRecent().get();
                opened = Workspace.isWorkspace(last) && openFolder(last);
            }
            if (!opened) {
                opened = openDefaultFor(recent.sample());
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
        return recent.defaultWorkspaceFor(dataset);
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
        recent.remember(opened.folder().root());
        refreshRuns();
        shown.clear(false);
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
        // The dataset starts opening first, so the run (read in far less time than the images are decoded) is
        // shown at once without images and again with them when the dataset is open.
        if (datasetNeeded) {
            data.open(doc.datasetPath());
        }
        if (toShow != null) {
            shown.show(toShow.id(), mode, null, null, null);
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
        shown.relist(runs);
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
        if (shown.shows(entry.id(), mode)) {
            return;
        }
        if (!entry.readable()) {
            notices.post(Notice.error("Could not open run " + entry.id(), entry.problem()));
            return;
        }
        if (!resolveUnsaved("show another run")) {
            return;
        }
        shown.show(entry.id(), mode, null, null, null);
    }

    /**
     * Takes a run that has just been written into the list and shows it (unless the user keeps unsaved thresholds
     * of the run shown now).
     *
     * @param run   the new run
     * @param then  runs once the panes show it, or {@code null}
     */
    public void runFinished(ExperimentRun run, Runnable then) {
        runFinished(run, false, then);
    }

    /**
     * As {@link #runFinished(ExperimentRun, Runnable)} for a run just read back from its folder in this workspace
     * (the shipped demo run once installed): it is shown without being read a second time.
     *
     * @param run  the run, as {@link ExperimentRun#load} read it from the workspace
     * @param then runs once the panes show it
     */
    public void readRunFinished(ExperimentRun run, Runnable then) {
        runFinished(run, true, then);
    }

    /**
     * Shows the cascade of a run read where it was shipped (the sample's demo run), without a run of the list being
     * shown, while it is copied into this workspace; {@link #readRunFinished} shows the copy once it is made. A first
     * launch so shows its cascade without waiting for the copy.
     *
     * @param shipped  the run, as read from its shipped folder
     * @param prepared its default cascade as {@link RunCascadeSource#of} made it without a dataset, or {@code null}
     * @param then     runs once the operating point shows it
     */
    public void previewShippedRun(ExperimentRun shipped, RunCascadeSource prepared, Runnable then) {
        if (folder.get() != null) {
            shown.preview(shipped, prepared, then);
        }
    }

    private void runFinished(ExperimentRun run, boolean read, Runnable then) {
        refreshRuns();
        if (!resolveUnsaved("show the new run")) {
            notices.post(Notice.info("Run " + run.id() + " is ready", "It is in the runs list (Training pane)."));
            return;
        }
        shown.show(run.id(), read ? run : null, null, null, null, then);
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
        if (!saved.dirtyProperty().get() && folderProperty().get() != null) {
            shown.showPartial(partial, mode, label, then);
        }
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
        boolean wasShown = shown.shows(entry.id(), null);
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
            shown.clear(true);
            RunEntry latest = latestReadable();
            if (latest != null) {
                shown.show(latest.id(), null, null, null, null);
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
        RunEntry run = shown.runProperty().get();
        if (!saved.saveTuned(current, run == null ? null : run.id(), shown.modeProperty().get())) {
            return false;
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
        return saved.resolve(shown.describe(), next, this::save);
    }

    private RunEntry find(String runId) {
        return runs.stream().filter(r -> r.id().equals(runId)).findFirst().orElse(null);
    }

    private void datasetChanged(Dataset now) {
        if (now == null) {
            return;
        }
        WorkspaceDocument current = document.get();
        if (current != null && !sameFolder(now.root(), current.datasetPath())) {
            updateDocument(d -> d.withDataset(now.root()));
        }
        shown.datasetOpened();
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
        return open != null ? open.root() : recent.sample();
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
