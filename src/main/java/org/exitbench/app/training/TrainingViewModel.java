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
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
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
    private final ObjectProperty<BranchTrainingMode> chartMode = new SimpleObjectProperty<>(this, "chartMode",
            BranchTrainingMode.BOOSTED);
    private BiConsumer<ExperimentRun, RunKind> onRunShown = (run, kind) -> { };
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
        workspace.firstRunPendingProperty().addListener((obs, was, now) -> maybeStartFirstRun());
        data.datasetProperty().addListener((obs, old, now) -> maybeStartFirstRun());
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
        return startDemo(RunKind.DEMO);
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
            return where.pipeline().run(effective, dataset, reports, events, cancel);
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
        Dataset dataset = data.datasetProperty().get();
        if (!workspace.firstRunPendingProperty().get() || running.get() || document == null || dataset == null
                || !dataset.root().toAbsolutePath().normalize().equals(document.datasetPath())) {
            return;
        }
        startDemo(RunKind.FIRST_LAUNCH);
        workspace.firstRunStarted();
    }

    private void updateStatus() {
        if (!running.get()) {
            status.set("");
            return;
        }
        String what = switch (runKind.get()) {
            case RUN -> "Training branches";
            case DEMO -> "Running the demo";
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
