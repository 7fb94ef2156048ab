package org.exitbench.app.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionFile;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.data.Dataset;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.RunEntry;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;

/**
 * The run whose cascade the panes show: reading it in the background (the latest request wins), handing the
 * operating point a {@link RunCascadeSource} with the open dataset's images, its CPM settings and the thresholds
 * tuned for it if any. A run is shown as soon as its own files are read, even while its dataset is still being
 * opened; the galleries get their images when the dataset is open.
 */
final class ShownRun {

    /** What the workspace lends the shown run. */
    interface Host {
        /** @return the open workspace, or {@code null} */
        Workspace folder();

        /** @return the listed run {@code runId}, reading the list again once when it is not there; or {@code null} */
        RunEntry listed(String runId);

        /** Reads the runs list again. */
        void refreshRuns();

        /** Changes the workspace's settings (they remember which run is shown). */
        void updateDocument(UnaryOperator<WorkspaceDocument> change);
    }

    /** A run read in the background, ready for the operating point. */
    /**
     * @param decision a derived exit decision rule and its thresholds to put back once the run is shown (issue 20),
     *                 or null
     */
    private record LoadedRun(ExperimentRun run, BranchTrainingMode mode, RunCascadeSource source, Thresholds saved,
            CpmSettings savedSettings, CpmSettings settings, List<String> notes, DecisionFile decision) {
    }

    private final TaskExecutor executor;
    private final DataViewModel data;
    private final OperatingPointModel point;
    private final Notices notices;
    private final Host host;
    private final SavedThresholds saved;
    private final ReadOnlyObjectWrapper<RunEntry> run = new ReadOnlyObjectWrapper<>(this, "shownRun");
    private final ReadOnlyObjectWrapper<BranchTrainingMode> mode = new ReadOnlyObjectWrapper<>(this, "shownMode");
    private final ReadOnlyBooleanWrapper opening = new ReadOnlyBooleanWrapper(this, "openingRun");
    private long ticket;
    private boolean reshowWhenShown;

    ShownRun(TaskExecutor executor, DataViewModel data, OperatingPointModel point, Notices notices, Host host,
            SavedThresholds saved) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.data = Objects.requireNonNull(data, "data");
        this.point = Objects.requireNonNull(point, "point");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.host = Objects.requireNonNull(host, "host");
        this.saved = Objects.requireNonNull(saved, "saved");
    }

    ReadOnlyObjectProperty<RunEntry> runProperty() {
        return run.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<BranchTrainingMode> modeProperty() {
        return mode.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty openingProperty() {
        return opening.getReadOnlyProperty();
    }

    /** @return whether run {@code runId} is shown, in {@code wanted} mode unless that is {@code null} */
    boolean shows(String runId, BranchTrainingMode wanted) {
        RunEntry current = run.get();
        return current != null && current.id().equals(runId) && (wanted == null || wanted == mode.get());
    }

    /** @return the shown run in words for questions: "run …", or "the shown run" */
    String describe() {
        return run.get() == null ? "the shown run" : "run " + run.get().id();
    }

    /** Takes the re-read entry of the shown run, so its metrics are the list's. */
    void relist(List<RunEntry> runs) {
        RunEntry shown = run.get();
        if (shown != null) {
            run.set(runs.stream().filter(r -> r.id().equals(shown.id())).findFirst().orElse(shown));
        }
    }

    /**
     * A dataset was opened: look at the shown run again so its galleries get images, or, when a run is being read,
     * once it is shown.
     */
    void datasetOpened() {
        if (opening.get()) {
            reshowWhenShown = true;
        } else if (run.get() != null) {
            reshow();
        }
    }

    private void reshow() {
        show(run.get().id(), mode.get(), point.thresholds(), point.settingsProperty().get(), null);
    }

    /**
     * Reads a run in the background and shows it.
     *
     * @param wanted        the mode to show, or {@code null} for the run's default
     * @param start         the thresholds to show instead of the saved ones, or {@code null}
     * @param startSettings the CPM settings to show with them, or {@code null} for the saved ones
     * @param then          runs once the panes show it, or {@code null}
     */
    void show(String runId, BranchTrainingMode wanted, Thresholds start, CpmSettings startSettings, Runnable then) {
        show(runId, null, wanted, start, startSettings, then);
    }

    /**
     * As {@link #show(String, BranchTrainingMode, Thresholds, CpmSettings, Runnable)}, with the run already read
     * from its folder in the workspace (or {@code null}): it is not read again.
     */
    void show(String runId, ExperimentRun read, BranchTrainingMode wanted, Thresholds start, CpmSettings startSettings,
            Runnable then) {
        Workspace where = host.folder();
        if (where == null) {
            return;
        }
        long mine = ++ticket;
        reshowWhenShown = false;
        opening.set(true);
        // While a dataset is being opened the run is shown at once without images (its curves, thresholds and
        // numbers need only its own files), and again with them once the dataset is open (datasetOpened).
        boolean datasetComing = data.loadingProperty().get();
        Dataset dataset = datasetComing ? null : data.datasetProperty().get();
        // Thresholds on a derived rule's score (the rule picker's) are shown again with their rule.
        ExitDecisionRule shownRule = point.decisionRuleProperty().get();
        DecisionFile startDecision = start != null && start.rule() == ExitRule.DERIVED && shownRule != null
                ? new DecisionFile(shownRule, start, "shown") : null;
        executor.submit("Opening run " + runId, (progress, cancel) -> {
            progress.report("Reading run " + runId, 0, 2);
            ExperimentRun loaded = read != null ? read : where.loadRun(runId);
            BranchTrainingMode chosen = wanted != null && loaded.mode(wanted)
                    .filter(ExperimentRun.ModeResult::hasCascade).isPresent() ? wanted
                    : RunCascadeSource.defaultPrimary(loaded).orElseThrow(() -> new IllegalStateException("run "
                            + runId + " trained no branch in any mode, so it has no cascade to show"));
            List<String> notes = new ArrayList<>();
            Thresholds own = loaded.mode(chosen).orElseThrow().thresholds();
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
            DecisionFile decision = startDecision;
            if (decision == null && start == null && tuned != null && tuned.rule() == ExitRule.DERIVED) {
                decision = savedDecision(where, runId, chosen, tuned, notes);
                if (decision == null) {
                    tuned = null;
                }
            }
            // Tuned thresholds come with the settings they were tuned under (a margin found within the accuracy
            // budget, say); the run's own thresholds, and tuned ones saved before those were kept, with the run's.
            CpmSettings savedSettings = tuned != null && tunedSettings != null ? tunedSettings
                    : loaded.config().cpmSettings();
            // The run is first shown on its own scores; the rule picker then puts the rule and thresholds back.
            Thresholds sourceStart = decision != null ? own : start != null ? start : tuned;
            CpmSettings shownSettings = startSettings != null ? startSettings : savedSettings;
            if (decision != null) {
                shownSettings = shownSettings.toBuilder().score(own.rule()).build();
            }
            cancel.throwIfCancelled();
            progress.report("Sorting the scores of run " + runId, 1, 2);
            RunCascadeSource source = RunCascadeSource.of(loaded, chosen, dataset, sourceStart, datasetComing);
            return new LoadedRun(loaded, chosen, source, tuned != null ? tuned : own, savedSettings, shownSettings,
                    notes, decision);
        }, TaskCallbacks.of(loaded -> {
            if (mine == ticket) {
                opening.set(false);
                apply(loaded);
                if (then != null) {
                    then.run();
                }
                if (reshowWhenShown) {
                    reshowWhenShown = false;
                    reshow();
                }
            }
        }, failure -> {
            if (mine == ticket) {
                opening.set(false);
                notices.post(Notice.error("Could not open run " + runId, ErrorText.of(failure)));
                host.refreshRuns();
            }
        }, () -> {
            if (mine == ticket) {
                opening.set(false);
            }
        }));
    }

    /**
     * @return the rule saved with derived tuned thresholds, or null (with a note) when it is missing, unreadable or
     *         saved with other thresholds: the run's own thresholds are then shown
     */
    private static DecisionFile savedDecision(Workspace where, String runId, BranchTrainingMode mode,
                                              Thresholds tuned, List<String> notes) {
        try {
            DecisionFile decision = where.tunedDecision(runId, mode).orElse(null);
            if (decision != null && decision.thresholds().equals(tuned)) {
                return decision;
            }
            notes.add(where.tunedDecisionFile(runId, mode) + (decision == null ? " is missing" : " holds other "
                    + "thresholds than " + where.tunedFile(runId, mode)) + ", so the tuned thresholds' decision rule "
                    + "is unknown; the run's own thresholds are used.");
        } catch (StoreException e) {
            notes.add(ErrorText.of(e) + " The run's own thresholds are used.");
        }
        return null;
    }

    /**
     * Shows a run still training (its first mode done) until the finished run replaces it; no run of the list is
     * shown meanwhile, so nothing of it can be saved. See {@link WorkspaceViewModel#showPartial}.
     */
    void showPartial(ExperimentRun partial, BranchTrainingMode wanted, String label, Runnable then) {
        long mine = ++ticket;
        Dataset dataset = data.datasetProperty().get();
        executor.submit("Showing the " + ExperimentConfig.modeName(wanted) + " cascade", (progress, cancel) ->
                RunCascadeSource.of(partial, wanted, dataset, null), TaskCallbacks.of(loaded -> {
                    if (mine != ticket || saved.dirtyProperty().get()) {
                        return;
                    }
                    opening.set(false);
                    run.set(null);
                    mode.set(null);
                    saved.forget();
                    point.settingsProperty().set(partial.config().cpmSettings());
                    point.setSource(loaded.source().withName(label));
                    saved.update();
                    if (then != null) {
                        then.run();
                    }
                }, failure -> notices.post(Notice.error("Could not show the " + ExperimentConfig.modeName(wanted)
                        + " cascade before the run ends", ErrorText.of(failure))), () -> { }));
    }

    /**
     * Shows the cascade of a run read where it was shipped (the sample's demo run on a first launch) while it is being
     * copied into the workspace: the operating point gets its scores, but no run of the list is shown, so nothing of
     * it can be saved, deleted or measured into the shipped folder. The copy, once made, is shown in its place
     * ({@link #show}), with the sample's images if they are open by then.
     *
     * @param shipped the run as read from its shipped folder
     * @param then    runs once the operating point shows it
     */
    void preview(ExperimentRun shipped, RunCascadeSource prepared, Runnable then) {
        long mine = ++ticket;
        reshowWhenShown = false;
        boolean datasetComing = data.loadingProperty().get();
        Dataset dataset = datasetComing ? null : data.datasetProperty().get();
        // Its folder is named after where it is shipped; its metrics keep the id it has in a workspace.
        String id = shipped.metrics().runId();
        if (prepared != null && dataset == null) {
            showPreview(shipped, prepared, id, then);
            return;
        }
        opening.set(true);
        executor.submit("Opening run " + id, (progress, cancel) -> {
            BranchTrainingMode chosen = RunCascadeSource.defaultPrimary(shipped).orElseThrow(() ->
                    new IllegalStateException("run " + id + " trained no branch in any mode, so it has no cascade to"
                            + " show"));
            return RunCascadeSource.of(shipped, chosen, dataset, null, datasetComing);
        }, TaskCallbacks.of(source -> {
            if (mine == ticket) {
                opening.set(false);
                showPreview(shipped, source, id, then);
            }
        }, failure -> {
            if (mine == ticket) {
                opening.set(false);
                notices.post(Notice.error("Could not open run " + id, ErrorText.of(failure)));
            }
        }, () -> {
            if (mine == ticket) {
                opening.set(false);
            }
        }));
    }

    private void showPreview(ExperimentRun shipped, RunCascadeSource source, String id, Runnable then) {
        run.set(null);
        mode.set(null);
        saved.forget();
        point.settingsProperty().set(shipped.config().cpmSettings());
        CascadeSource cascade = source.source();
        point.setSource(cascade.withName(RunCascadeSource.displayName(id, RunCascadeSource.defaultPrimary(shipped)
                .orElseThrow())));
        saved.update();
        if (then != null) {
            then.run();
        }
    }

    private void apply(LoadedRun loaded) {
        String id = loaded.run().id();
        point.settingsProperty().set(loaded.settings());
        point.setSource(loaded.source().source());
        saved.remember(loaded.saved(), loaded.savedSettings());
        if (loaded.decision() != null) {
            point.savedDecisionProperty().set(loaded.decision());
        }
        RunEntry entry = host.listed(id);
        if (entry == null) {
            entry = new RunEntry(id, loaded.run().folder(), loaded.run().metrics(), null);
        }
        mode.set(loaded.mode());
        run.set(entry);
        host.updateDocument(d -> d.withShownRun(id, ExperimentConfig.modeName(loaded.mode())));
        List<String> notes = new ArrayList<>(loaded.notes());
        notes.addAll(loaded.source().notes());
        if (!notes.isEmpty()) {
            notices.post(Notice.info("Run " + id, String.join(" ", notes)));
        }
        saved.update();
    }

    /**
     * Shows no run: a waiting or loading one is dropped, and the operating point loses a run's source.
     *
     * @param keepDocument whether the workspace's settings should forget the shown run too
     */
    void clear(boolean keepDocument) {
        ticket++;
        reshowWhenShown = false;
        opening.set(false);
        run.set(null);
        mode.set(null);
        saved.forget();
        CascadeSource source = point.sourceProperty().get();
        if (source != null && !source.synthetic()) {
            point.setSource(null);
        }
        if (keepDocument) {
            host.updateDocument(d -> d.withShownRun(null, null));
        }
        saved.update();
    }
}
