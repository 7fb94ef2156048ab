package org.exitbench.app.training;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.form.CpmFields;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.experiment.BackboneTrainingJob;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.DatasetFingerprint;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BackboneTrainer;
import org.exitbench.train.BackboneTrainingResult;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.BackboneSettings;
import org.exitbench.workspace.BackboneSource;
import org.exitbench.workspace.BundledRun;
import org.exitbench.workspace.NewBackboneSettings;
import org.exitbench.workspace.RunEntry;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;

/**
 * The Training pane's state: the settings form, and runs of the whole pipeline (a new backbone first if asked, then
 * {@link ExperimentPipeline}: features, branches per mode, CPM, evaluation, a run folder in the workspace) started
 * from it, from the teaching demo, or at a first launch. While a run runs, its events feed the {@link RunMonitor}
 * and the task strip (one progress bar for the whole run, with the time left, and Cancel); when it is written, the
 * workspace shows it, so the Calibration and Analysis panes switch to it.
 *
 * <p>Settings changed in the form are saved in the workspace automatically. Use from the UI thread.
 */
public final class TrainingViewModel {

    /** What started a run. */
    public enum RunKind {
        /** Start, with the form's settings. */
        RUN,
        /** Run demo (F5): the demo's settings, every step shown. */
        DEMO,
        /** The first launch's automatic demo run, in the background. */
        FIRST_LAUNCH
    }

    private static final DateTimeFormatter BACKBONE_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final TaskExecutor executor;
    private final WorkspaceViewModel workspace;
    private final DataViewModel data;
    private final Notices notices;
    private final TrainingForm form = new TrainingForm();
    private final RunMonitor monitor = new RunMonitor();
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyObjectWrapper<RunKind> runKind = new ReadOnlyObjectWrapper<>(this, "runKind");
    private final ReadOnlyObjectWrapper<RunningTask> task = new ReadOnlyObjectWrapper<>(this, "task");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper shownRunSettings = new ReadOnlyStringWrapper(this, "shownRunSettings", "");
    private ExperimentConfig shownConfig;
    private final ObjectProperty<BranchTrainingMode> chartMode = new SimpleObjectProperty<>(this, "chartMode",
            BranchTrainingMode.BOOSTED);
    private BiConsumer<ExperimentRun, RunKind> onRunShown = (run, kind) -> { };
    private Consumer<RunKind> onPartialShown = kind -> { };
    private boolean installing;
    private ShippedRunReader shippedRuns = ShippedRunReader.WHEN_ASKED;
    private boolean bundledTried;
    private BundledRun toVerify;
    private boolean replaying;
    private Consumer<ReplayPresenter> replayPacer = ReplayPresenter::finishNow;
    private final ReadOnlyObjectWrapper<ReplayPresenter> replay = new ReadOnlyObjectWrapper<>(this, "replay");
    private boolean loadingForm;
    private boolean chartFollowsRun = true;

    /**
     * @param executor  runs the pipeline in the background
     * @param workspace where runs are written and settings saved
     * @param data      the open dataset, which runs train on
     * @param notices   where failures and results are told
     */
    public TrainingViewModel(TaskExecutor executor, WorkspaceViewModel workspace, DataViewModel data,
            Notices notices) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.data = Objects.requireNonNull(data, "data");
        this.notices = Objects.requireNonNull(notices, "notices");
        workspace.addOpenedListener(this::loadForm);
        workspace.documentProperty().addListener((obs, old, now) -> {
            if (now != null) {
                form.setDataset(now.datasetPath());
            }
        });
        form.addChangeListener(this::saveForm);
        form.addChangeListener(this::updateShownRunSettings);
        workspace.firstRunPendingProperty().addListener((obs, was, now) -> maybeStartFirstRun());
        data.datasetProperty().addListener((obs, old, now) -> {
            verifyBundled(now);
            maybeStartFirstRun();
        });
        data.errorProperty().addListener((obs, old, now) -> {
            if (!now.isEmpty() && workspace.firstRunPendingProperty().get()) {
                // The first launch's dataset could not be opened: there will be no automatic run.
                workspace.firstRunStarted();
            }
        });
        monitor.phaseProperty().addListener((obs, old, now) -> updateStatus());
        running.addListener((obs, old, now) -> updateStatus());
        workspace.shownRunProperty().addListener((obs, old, now) -> showStoredRun(now));
    }

    /**
     * Shows the curves, funnel and steps of a run the workspace shows (reopened, or picked in the runs list) from
     * its saved histories; not while a run trains, and not for the run just trained, whose events are shown already.
     */
    private void showStoredRun(RunEntry entry) {
        describeShownRun(entry);
        if (entry == null || !entry.readable() || running.get() || entry.id().equals(monitor.runId())) {
            return;
        }
        Path configFile = entry.folder().resolve(ExperimentRun.CONFIG);
        try {
            monitor.showStored(entry.metrics(), ExperimentConfig.read(configFile));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            monitor.log("Run " + entry.id() + " has no training curves to show: " + ErrorText.of(e));
            return;
        }
        chartFollowsRun = false;
        BranchTrainingMode mode = workspace.shownModeProperty().get();
        chartMode.set(mode != null && monitor.plan().modes().contains(mode) ? mode : monitor.plan().modes().get(0));
    }

    /**
     * @return how the shown run was trained where that differs from the form (which holds the next run's settings),
     *         in one sentence; empty when they agree or no run is shown
     */
    public ReadOnlyStringProperty shownRunSettingsProperty() {
        return shownRunSettings.getReadOnlyProperty();
    }

    /**
     * Puts the shown run's training settings (CPM, epochs, modes, branch with its layers, seed, calibration and
     * validation splits) into the form.
     */
    public void useShownRunSettings() {
        WorkspaceDocument document = workspace.documentProperty().get();
        if (shownConfig == null || document == null || running.get()) {
            return;
        }
        form.load(document.backbone(), shownConfig.withDataset(document.datasetPath().toString()),
                document.datasetPath());
        shownRunSettings.set("");
    }

    /** One truth per run: says when the form (the next run's settings) is not what the shown run was trained with. */
    private void describeShownRun(RunEntry entry) {
        shownConfig = null;
        shownRunSettings.set("");
        if (entry == null || !entry.readable()) {
            return;
        }
        try {
            shownConfig = ExperimentConfig.read(entry.folder().resolve(ExperimentRun.CONFIG));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return;
        }
        updateShownRunSettings();
    }

    private void updateShownRunSettings() {
        if (shownConfig == null) {
            return;
        }
        ExperimentConfig next;
        try {
            next = form.experimentForSaving(workspace.documentProperty().get().datasetPath());
        } catch (IllegalArgumentException | NullPointerException e) {
            return;
        }
        ExperimentConfig shown = shownConfig;
        boolean sameBranch = next.branchSpec().equals(shown.branchSpec());
        boolean sameCalibration = next.calibration().equals(shown.calibration());
        boolean sameValidation = next.readOptions().validationFraction() == shown.readOptions().validationFraction();
        boolean same = next.cpmSettings().equals(shown.cpmSettings()) && next.training().equals(shown.training())
                && next.seed() == shown.seed() && sameBranch && sameCalibration && sameValidation;
        shownRunSettings.set(same ? "" : "These are the next run's settings. The run shown in the panes was trained"
                + " with CPM m = " + DisplayText.margin(shown.cpmSettings().margin())
                + " (" + CpmFields.formName(shown.cpmSettings().marginForm()) + "), "
                + shown.training().epochs() + " epochs, " + String.join(" and ", shown.training().modes().stream()
                        .map(ExperimentConfig::modeName).toList()) + ", seed " + shown.seed()
                + (sameBranch ? "" : "; branches: " + shown.branchSpec().describe())
                + (sameCalibration ? "" : shown.calibration().fraction() == 0
                        ? "; one validation split for early stopping and CPM"
                        : "; CPM calibrating on " + DisplayText.wholePercent(shown.calibration().fraction())
                                + " of validation")
                + (sameValidation ? "" : "; " + DisplayText.wholePercent(shown.readOptions().validationFraction())
                        + " of train carved off as validation when the dataset has none") + ".");
    }

    /** @return the settings form */
    public TrainingForm form() {
        return form;
    }

    /** @return the live view of the current or last run */
    public RunMonitor monitor() {
        return monitor;
    }

    /** @return whether a run is under way */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** @return what started the current or last run, or {@code null} before the first */
    public ReadOnlyObjectProperty<RunKind> runKindProperty() {
        return runKind.getReadOnlyProperty();
    }

    /** @return the task of the run under way (its progress, time left and Cancel), or {@code null} */
    public ReadOnlyObjectProperty<RunningTask> taskProperty() {
        return task.getReadOnlyProperty();
    }

    /**
     * @return while a run is under way, one line on what it is and what it is doing ("Training the demo cascade:
     *         Extracting features (train)"); empty otherwise
     */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** @return the mode whose curves the charts show; follows the run until the user picks one */
    public ObjectProperty<BranchTrainingMode> chartModeProperty() {
        return chartMode;
    }

    /** Shows the curves of {@code mode} and keeps them shown while the run goes on to other modes. */
    public void showCurvesOf(BranchTrainingMode mode) {
        chartFollowsRun = false;
        chartMode.set(mode);
    }

    /**
     * @param listener told when a finished run's cascade is shown in the panes, with what started it (the
     *                 demo then picks its operating point and moves on to the Calibration pane)
     */
    public void setOnRunShown(BiConsumer<ExperimentRun, RunKind> listener) {
        onRunShown = Objects.requireNonNull(listener, "listener");
    }

    /**
     * @param listener told when the first finished mode of a run under way is shown in the panes (the boosted
     *                 cascade while the non-boosted baseline still trains), with what started the run
     */
    public void setOnPartialShown(Consumer<RunKind> listener) {
        onPartialShown = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts a run with the form's settings.
     *
     * @return whether it started; when not, a notice says why
     */
    public boolean start() {
        String problem = startProblem();
        if (problem != null) {
            notices.post(Notice.error("Cannot start training", problem));
            return false;
        }
        Dataset dataset = data.datasetProperty().get();
        BackboneSettings backbone = form.backboneSettings();
        NewBackboneSettings newBackbone = null;
        ExperimentConfig config;
        try {
            if (backbone.source() == BackboneSource.TRAIN_NEW) {
                newBackbone = form.newBackbone();
                newBackbone.spec(dataset);
                newBackbone.trainingConfig(dataset.channels());
            }
            Path file = backbone.source() == BackboneSource.FILE ? backbone.fileFor(dataset.root()) : null;
            config = form.experiment(datasetFolder(), file);
        } catch (IllegalArgumentException e) {
            notices.post(Notice.error("The settings are not valid", ErrorText.of(e)));
            return false;
        }
        List<String> vertices = config.exitPoints() != null ? config.exitPoints() : form.selectedExits();
        return launch(config, vertices, newBackbone, RunKind.RUN);
    }

    /**
     * Runs the teaching demo: the whole pipeline on the open dataset with its own backbone (or the form's backbone
     * file), boosted and non-boosted, every step captioned.
     *
     * @return whether it started; when not, a notice says why
     */
    public boolean runDemo() {
        RunEntry same = identicalDemoRun();
        if (same != null) {
            return replay(same);
        }
        return startDemo(RunKind.DEMO);
    }

    /**
     * Trains the teaching demo for real, even when an identical run exists (features and shared branches are
     * reused as in every run).
     *
     * @return whether it started; when not, a notice says why
     */
    public boolean trainDemoLive() {
        return startDemo(RunKind.DEMO);
    }

    /**
     * @param reader where a first launch reads the run shipped beside the sample: the app's reads it ahead while the
     *               window is built; the default reads it when asked
     */
    public void setShippedRunReader(ShippedRunReader reader) {
        shippedRuns = Objects.requireNonNull(reader, "reader");
    }

    /**
     * @param pacer takes a replay as it starts and moves it on (the app: one step per beat of
     *              {@link #REPLAY_STEP_MILLIS} while auto-play is on, and the presenter's keys); the default shows it
     *              all at once
     */
    public void setReplayPacer(Consumer<ReplayPresenter> pacer) {
        replayPacer = Objects.requireNonNull(pacer, "pacer");
    }

    /** @return the demo replay under way, which the presenter moves on, back, or lets play; {@code null} when none */
    public ReadOnlyObjectProperty<ReplayPresenter> replayProperty() {
        return replay.getReadOnlyProperty();
    }

    /** The time one replayed step (an epoch, a finished branch) stays on screen in the app. */
    public static final int REPLAY_STEP_MILLIS = 120;

    /**
     * A finished run of the demo's own settings on the same images and backbone: replaying it shows exactly what
     * training again would (branch training is deterministic for its seed), in seconds instead of minutes.
     */
    private RunEntry identicalDemoRun() {
        Dataset dataset = data.datasetProperty().get();
        if (running.get() || dataset == null || workspace.folderProperty().get() == null) {
            return null;
        }
        Path backbone = dataset.root().resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
        if (!Files.isRegularFile(backbone)) {
            return null;
        }
        ExperimentConfig wanted = DemoSettings.config(dataset.root(), backbone);
        String backboneFingerprint;
        String datasetFingerprint;
        try {
            backboneFingerprint = BackboneFile.readMetadata(backbone).fingerprint();
            datasetFingerprint = DatasetFingerprint.of(dataset);
        } catch (RuntimeException e) {
            return null;
        }
        List<RunEntry> runs = workspace.runs();
        for (int i = runs.size() - 1; i >= 0; i--) {
            RunEntry entry = runs.get(i);
            if (!entry.readable() || !entry.metrics().provenance().datasetFingerprint().equals(datasetFingerprint)
                    || !entry.metrics().provenance().backboneFingerprint().equals(backboneFingerprint)) {
                continue;
            }
            try {
                ExperimentConfig stored = ExperimentConfig.read(entry.folder().resolve(ExperimentRun.CONFIG));
                if (stored.withDataset(wanted.dataset()).withBackbone(wanted.backbone()).equals(wanted)) {
                    return entry;
                }
            } catch (IllegalArgumentException | UncheckedIOException e) {
                // Not a run we can compare: look further.
            }
        }
        return null;
    }

    /** Replays a finished demo run's steps, captions, curves and funnel, then shows it as the demo would. */
    private boolean replay(RunEntry entry) {
        Workspace where = workspace.folderProperty().get();
        ExperimentRun run;
        ReplayPresenter presenter;
        try {
            run = where.loadRun(entry.id());
            ExperimentRun loaded = run;
            presenter = new ReplayPresenter(() -> monitor.replayStages(entry.metrics(), loaded.config()), () -> {
                replaying = false;
                replay.set(null);
                running.set(false);
                monitor.conclude("Replayed run " + entry.id() + ".");
                workspace.runFinished(loaded, () -> onRunShown.accept(loaded, RunKind.DEMO));
            });
        } catch (RuntimeException e) {
            notices.post(Notice.error("Could not replay run " + entry.id(), ErrorText.of(e)
                    + " Training the demo instead."));
            return startDemo(RunKind.DEMO);
        }
        runKind.set(RunKind.DEMO);
        replaying = true;
        running.set(true);
        replay.set(presenter);
        monitor.log("Replaying run " + entry.id() + ": the demo's settings on these images with this backbone, so"
                + " training again would give the same networks. Shift+F5 trains anew; PageDown / PageUp step"
                + " through it, F6 pauses.");
        replayPacer.accept(presenter);
        return true;
    }

    /** Cancels the run under way; nothing is written, earlier runs stay as they were. */
    public void cancel() {
        RunningTask current = task.get();
        if (current != null) {
            current.cancel();
        }
    }

    /** @return why a run cannot start now, as a sentence, or {@code null} when it can */
    public String startProblem() {
        if (running.get()) {
            return "A run is under way; cancel it first.";
        }
        WorkspaceDocument document = workspace.documentProperty().get();
        if (workspace.folderProperty().get() == null || document == null) {
            return "No workspace is open: make or open one (Workspace menu).";
        }
        if (data.loadingProperty().get()) {
            return "The dataset is still opening.";
        }
        Dataset dataset = data.datasetProperty().get();
        if (dataset == null) {
            return "Open the workspace's dataset " + document.dataset() + " first (Data pane).";
        }
        if (!dataset.root().toAbsolutePath().normalize().equals(document.datasetPath())) {
            return "The workspace's dataset " + document.dataset() + " is not the one open in the Data pane ("
                    + dataset.root() + ").";
        }
        if (form.selectedModes().isEmpty()) {
            return "Tick at least one training mode (boosted, non-boosted or soft).";
        }
        BackboneSettings backbone = form.backboneSettings();
        if (backbone.source() != BackboneSource.TRAIN_NEW) {
            Path file = backbone.fileFor(document.datasetPath());
            if (file == null) {
                return "Choose a backbone file, or train a new backbone.";
            }
            if (!Files.isRegularFile(file)) {
                return file + " does not exist: choose a backbone file, or train a new backbone.";
            }
            if (form.selectedExits().isEmpty()) {
                return form.exitsNoteProperty().get().isEmpty() ? "Tick at least one exit."
                        : form.exitsNoteProperty().get();
            }
        }
        return null;
    }

    private boolean startDemo(RunKind kind) {
        if (running.get()) {
            notices.post(Notice.error("The demo cannot start", "A run is under way; cancel it first."));
            return false;
        }
        WorkspaceDocument document = workspace.documentProperty().get();
        Dataset dataset = data.datasetProperty().get();
        if (document == null || workspace.folderProperty().get() == null || dataset == null) {
            notices.post(Notice.error("The demo cannot start", startProblem()));
            return false;
        }
        Path own = dataset.root().resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
        Path chosen = form.backboneSettings().fileFor(dataset.root());
        Path backbone = Files.isRegularFile(own) ? own : chosen != null && Files.isRegularFile(chosen) ? chosen : null;
        if (backbone == null) {
            notices.post(Notice.error("The demo needs a trained backbone", dataset.name() + " has no "
                    + ExperimentPipeline.DEFAULT_BACKBONE_FILE + ". Choose a backbone file or train a new backbone in"
                    + " the settings, then press Start."));
            return false;
        }
        List<String> vertices;
        try {
            vertices = ExperimentPipeline.isOnnx(backbone) ? OnnxBackbone.load(backbone).exitPoints().vertices()
                    : BackboneFile.readMetadata(backbone).exitPoints().vertices();
        } catch (RuntimeException e) {
            notices.post(Notice.error("The demo cannot read its backbone", ErrorText.of(e)));
            return false;
        }
        return launch(DemoSettings.config(dataset.root(), backbone), vertices, null, kind);
    }

    private boolean launch(ExperimentConfig config, List<String> vertices, NewBackboneSettings newBackbone,
            RunKind kind) {
        Dataset dataset = data.datasetProperty().get();
        Workspace where = workspace.folderProperty().get();
        if (vertices.isEmpty()) {
            notices.post(Notice.error("Cannot start training", "The backbone offers no exit points."));
            return false;
        }
        RunPlan plan = new RunPlan(config.training().modes(), vertices, dataset.split(Split.TRAIN).size(),
                dataset.split(Split.VALID).size(), config.training().epochs(), config.cpmSettings(),
                newBackbone != null);
        monitor.begin(plan);
        chartFollowsRun = true;
        chartMode.set(plan.modes().get(0));
        runKind.set(kind);
        running.set(true);
        Executor ui = executor.uiThread();
        RunningTask started = executor.submit(taskName(kind, dataset), (progress, cancel) -> {
            RunProgress overall = new RunProgress(progress, plan);
            ProgressListener reports = report -> {
                overall.onProgress(report);
                ui.execute(() -> monitor.progress(report.message()));
            };
            BranchTrainingListener events = new BranchTrainingListener() {
                @Override
                public void onEpoch(BranchEpoch epoch) {
                    overall.onEpoch(epoch);
                    ui.execute(() -> epochArrived(epoch));
                }

                @Override
                public void onBranch(BranchOutcome outcome) {
                    overall.onBranch(outcome);
                    ui.execute(() -> monitor.branch(outcome));
                }
            };
            ExperimentConfig effective = config;
            if (newBackbone != null) {
                Path file = trainBackbone(dataset, newBackbone, where, overall, ui, cancel);
                effective = config.withBackbone(file.toString());
                ui.execute(() -> adoptBackbone(file));
            }
            ExperimentPipeline.ModeListener modes = (partial, mode) -> ui.execute(() -> modeReady(partial, mode,
                    kind));
            return where.pipeline().run(effective, dataset, reports, events, modes, cancel);
        }, TaskCallbacks.of(run -> {
            finished();
            monitor.finished(run);
            workspace.runFinished(run, () -> onRunShown.accept(run, kind));
        }, failure -> {
            finished();
            String why = ErrorText.of(failure);
            monitor.stopped("The run failed: " + why);
            notices.post(Notice.error("The run failed", why + " Nothing was saved; earlier runs are untouched."));
            if (kind == RunKind.FIRST_LAUNCH) {
                workspace.firstRunStarted();
            }
        }, () -> {
            finished();
            monitor.stopped("Cancelled: nothing was saved; earlier runs are untouched.");
        }));
        // A synchronous executor has finished the run already; only a running one can be cancelled.
        task.set(executor.runningTasks().contains(started) ? started : null);
        return true;
    }

    /** A mode is complete while the next trains: the panes show its cascade at once. */
    private void modeReady(ExperimentRun partial, BranchTrainingMode mode, RunKind kind) {
        if (!running.get()) {
            return;
        }
        String name = ExperimentConfig.modeName(mode);
        monitor.log("The " + name + " cascade is complete: the Calibration and Analysis panes show it while the"
                + " other modes train.");
        workspace.showPartial(partial, mode, "the run under way \u00b7 " + name, () -> onPartialShown.accept(kind));
    }

    private static String taskName(RunKind kind, Dataset dataset) {
        return switch (kind) {
            case RUN -> "Training on " + dataset.name();
            case DEMO -> "Demo on " + dataset.name();
            case FIRST_LAUNCH -> "Training the demo cascade on " + dataset.name();
        };
    }

    private void finished() {
        running.set(false);
        task.set(null);
    }

    private void epochArrived(BranchEpoch epoch) {
        monitor.epoch(epoch);
        if (chartFollowsRun && epoch.fold() < 0 && chartMode.get() != epoch.mode()) {
            chartMode.set(epoch.mode());
        }
    }

    /** Trains and saves a new backbone in the workspace's {@code backbones/} folder. Runs on the task's thread. */
    private Path trainBackbone(Dataset dataset, NewBackboneSettings settings, Workspace where,
            RunProgress overall, Executor ui, CancellationToken cancel) {
        String id = BACKBONE_ID.format(Instant.now());
        Path checkpoints = where.backbonesFolder().resolve("backbone-" + id + "-checkpoints");
        BackboneTrainer trainer = new BackboneTrainer(event -> {
            overall.onBackbone(event);
            ui.execute(() -> monitor.backboneEpoch(event));
        }, cancel);
        BackboneTrainingResult result = trainer.train(settings.spec(dataset), dataset,
                settings.trainingConfig(dataset.channels()), checkpoints);
        Path file = where.backbonesFolder().resolve("backbone-" + id + ".zip");
        return BackboneTrainingJob.measureAndSave(result, dataset, file,
                Map.of("trainedIn", "Exitbench workspace " + where.root()), ProgressListener.NONE, cancel).file();
    }

    /** The workspace uses the backbone just trained from now on, so the next run does not train another. */
    private void adoptBackbone(Path file) {
        form.backboneFileProperty().set(file.toString());
        form.backboneSourceProperty().set(BackboneSource.FILE);
        monitor.log("Saved the new backbone as " + file + "; the settings now use it.");
    }

    private void maybeStartFirstRun() {
        WorkspaceDocument document = workspace.documentProperty().get();
        if (!workspace.firstRunPendingProperty().get() || running.get() || installing || document == null) {
            return;
        }
        Dataset dataset = data.datasetProperty().get();
        Path folder = document.datasetPath();
        boolean datasetOpen = dataset != null && dataset.root().toAbsolutePath().normalize().equals(folder);
        // The shipped run needs only its own files and the backbone's recorded fingerprint to be shown, so it is
        // shown while the dataset is still being decoded (the longest step of a first launch); the images'
        // fingerprint is checked once they are decoded (verifyBundled).
        if (!bundledTried) {
            bundledTried = true;
            Path backbone = folder.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
            if (document.backbone().source() == BackboneSource.DATASET && Files.isRegularFile(backbone)
                    && Files.isDirectory(folder.resolve(BundledRun.FOLDER))) {
                openBundled(folder, backbone, workspace.folderProperty().get());
                return;
            }
        }
        if (datasetOpen) {
            trainFirstRun();
        }
    }

    private void trainFirstRun() {
        startDemo(RunKind.FIRST_LAUNCH);
        workspace.firstRunStarted();
    }

    /**
     * The first launch on a sample that ships a finished demo run: when it belongs to the sample's backbone
     * (fingerprint), its cascade is shown at once from where it is shipped, while it is copied into the workspace;
     * the copy then takes its place. Otherwise a first cascade is trained as without one. Whether it belongs to the
     * sample's images is checked when they are open ({@link #verifyBundled}).
     */
    private void openBundled(Path dataset, Path backbone, Workspace where) {
        installing = true;
        status.set("Opening the demo run shipped with the sample \u2026");
        executor.submit("Opening the sample's demo run", (progress, cancel) -> {
            progress.report("Checking that the demo run belongs to this backbone", 0, 1);
            Optional<BundledRun.Opened> opened = shippedRuns.open(dataset, backbone);
            RunCascadeSource prepared = opened.map(BundledRun.Opened::run).flatMap(shippedRuns::prepared)
                    .orElse(null);
            return new ShippedRun(opened, prepared);
        }, TaskCallbacks.of(shipped -> {
            Optional<BundledRun.Opened> opened = shipped.opened();
            status.set("");
            if (opened.isEmpty() || opened.get().run() == null) {
                installing = false;
                opened.flatMap(BundledRun.Opened::mismatch).ifPresent(why -> notices.post(Notice.info(
                        "Training a first cascade", why + " A new one is trained now.")));
                maybeStartFirstRun();
                return;
            }
            if (workspace.folderProperty().get() != where) {
                installing = false;
                return;
            }
            workspace.previewShippedRun(opened.get().run(), shipped.prepared(), null);
            installBundled(opened.get().bundled(), dataset, backbone, where);
        }, failure -> {
            installing = false;
            status.set("");
            notices.post(Notice.error("The demo run shipped with the dataset is unreadable", ErrorText.of(failure)
                    + " A first cascade is trained instead."));
            maybeStartFirstRun();
        }, () -> {
            installing = false;
            status.set("");
            workspace.firstRunStarted();
        }));
    }

    /** The shipped run as read, and its cascade if it was made ahead ({@link ShippedRunReader#prepared}), or null. */
    private record ShippedRun(Optional<BundledRun.Opened> opened, RunCascadeSource prepared) {
    }

    /** Copies the shipped run, shown already, into the workspace, and shows the copy in its place. */
    private void installBundled(BundledRun bundled, Path dataset, Path backbone, Workspace where) {
        executor.submit("Copying the sample's demo run into the workspace", (progress, cancel) ->
                bundled.install(where, dataset, backbone), TaskCallbacks.of(run -> {
                    installing = false;
                    if (workspace.folderProperty().get() != where) {
                        // Another workspace was opened meanwhile: the copy stays in the one it was made for.
                        return;
                    }
                    toVerify = bundled;
                    monitor.log("Showing run " + run.id() + ", shipped with the sample (trained in advance on these"
                            + " images with this backbone). Run demo (F5) walks through it step by step; Start trains"
                            + " a new one.");
                    workspace.readRunFinished(run, () -> onRunShown.accept(run, RunKind.FIRST_LAUNCH));
                    workspace.firstRunStarted();
                    verifyBundled(data.datasetProperty().get());
                }, failure -> {
                    installing = false;
                    notices.post(Notice.error("Could not copy the demo run shipped with the sample into the"
                            + " workspace", ErrorText.of(failure) + " A first cascade is trained instead."));
                    maybeStartFirstRun();
                }, () -> {
                    installing = false;
                    workspace.firstRunStarted();
                }));
    }

    /**
     * Checks, once the sample's images are decoded, that the shown shipped run was made on them; when not (the
     * sample was changed), a first cascade is trained on them instead.
     */
    private void verifyBundled(Dataset dataset) {
        BundledRun bundled = toVerify;
        if (bundled == null || dataset == null) {
            return;
        }
        toVerify = null;
        executor.submit("Checking the demo run against the sample's images", (progress, cancel) ->
                bundled.datasetMismatch(DatasetFingerprint.of(dataset)), TaskCallbacks.of(mismatch -> {
                    if (mismatch.isPresent()) {
                        notices.post(Notice.info("Training a first cascade", mismatch.get()
                                + " A new one is trained now."));
                        startDemo(RunKind.FIRST_LAUNCH);
                    }
                }, failure -> notices.post(Notice.error("Could not check the demo run against the sample's images",
                        ErrorText.of(failure))), () -> { }));
    }

    private void updateStatus() {
        if (!running.get()) {
            status.set("");
            return;
        }
        String what = switch (runKind.get()) {
            case RUN -> "Training branches";
            case DEMO -> replaying ? "Replaying the demo" : "Running the demo";
            case FIRST_LAUNCH -> "Training the first cascade (demo)";
        };
        status.set(what + ": " + monitor.phaseProperty().get());
    }

    private void loadForm(WorkspaceDocument document) {
        loadingForm = true;
        try {
            form.load(document.backbone(), workspace.experimentConfig(), document.datasetPath());
        } finally {
            loadingForm = false;
        }
    }

    private void saveForm() {
        if (loadingForm) {
            return;
        }
        workspace.updateDocument(d -> d.withBackbone(form.backboneSettings())
                .withExperiment(form.experimentForSaving(d.datasetPath())));
    }

    private Path datasetFolder() {
        return workspace.documentProperty().get().datasetPath();
    }
}
