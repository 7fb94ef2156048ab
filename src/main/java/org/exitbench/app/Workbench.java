package org.exitbench.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.PauseTransition;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import javafx.util.Duration;
import org.exitbench.app.analysis.AnalysisView;
import org.exitbench.app.analysis.AnalysisViewModel;
import org.exitbench.app.analysis.SpeedupView;
import org.exitbench.app.analysis.SpeedupViewModel;
import org.exitbench.app.analysis.TryImageActions;
import org.exitbench.app.analysis.TryImageViewModel;
import org.exitbench.app.calibration.CalibrationView;
import org.exitbench.app.calibration.CalibrationViewModel;
import org.exitbench.app.chart.OperatingPointSummaryView;
import org.exitbench.app.data.DataView;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.AlertQuestions;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.io.Notices;
import org.exitbench.app.io.Questions;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DemoSourceBinding;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.ReferenceCurvesModel;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.shell.MainWindow;
import org.exitbench.app.shell.NoticeToasts;
import org.exitbench.app.shell.PaneStatus;
import org.exitbench.app.shell.ShellViewModel;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.sweep.SweepActions;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.app.training.DemoSettings;
import org.exitbench.app.training.ReplayPresenter;
import org.exitbench.app.training.ShippedRunReader;
import org.exitbench.app.training.TrainingView;
import org.exitbench.app.training.TrainingViewModel;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.WorkspaceMenu;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.RunEntry;

/**
 * The app's view-models and main window, wired together. The workspace opens its dataset in the Data pane and shows
 * one of its runs through the shared operating point, which the Calibration and Analysis panes and the top bar's
 * summary all read; the Training pane writes new runs into the workspace, and the panes switch to each new run.
 * While there is no real cascade and none is being made, the open dataset gets synthetic demo scores, labelled as
 * such everywhere. The app builds one at start-up; tests and the full-path benchmark build theirs with their own
 * services.
 *
 * @param data           the Data pane's state
 * @param shell          the window's state
 * @param operatingPoint the shared operating point
 * @param curves         the reference curves of the charts
 * @param calibration    the Calibration pane's state
 * @param analysis       the Analysis pane's state
 * @param workspace      the open workspace and its runs
 * @param training       the Training pane's state
 * @param notices        where short messages for the user are posted
 * @param window         the main window, every pane installed
 */
public record Workbench(DataViewModel data, ShellViewModel shell, OperatingPointModel operatingPoint,
        ReferenceCurvesModel curves, CalibrationViewModel calibration, AnalysisViewModel analysis,
        WorkspaceViewModel workspace, TrainingViewModel training, Notices notices, MainWindow window) {

    /** Runs the teaching demo: F5. */
    public static final KeyCombination RUN_DEMO = new KeyCodeCombination(KeyCode.F5);
    /** Trains the teaching demo anew instead of replaying an identical run: Shift+F5. */
    public static final KeyCombination TRAIN_LIVE = new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN);
    /** Shows the next stage of a demo replay: PageDown (a presentation clicker's "next"). */
    public static final KeyCombination REPLAY_NEXT = new KeyCodeCombination(KeyCode.PAGE_DOWN);
    /** Goes back one stage of a demo replay: PageUp. */
    public static final KeyCombination REPLAY_BACK = new KeyCodeCombination(KeyCode.PAGE_UP);
    /** Pauses or resumes a demo replay's auto-play: F6. */
    public static final KeyCombination REPLAY_PAUSE = new KeyCodeCombination(KeyCode.F6);
    /** How long after the first operating point is shown the panes start to be built: a frame or two. */
    private static final double PANES_AFTER_MILLIS = 60;
    /** Starts training with the form's settings: Ctrl+Enter. */
    public static final KeyCombination START = new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN);

    /**
     * What the workbench needs from outside: where work runs, how it asks the user things, where files go.
     *
     * @param executor         runs long work (dataset reading, runs, demo scores, curves)
     * @param loader           reads datasets
     * @param datasetFolders   asks for a dataset folder
     * @param workspaceFolders asks for a workspace folder
     * @param files            asks where to save and what to load
     * @param scheduler        when a threshold change is evaluated ({@code PulseScheduler} in the app)
     * @param questions        asks before something is lost; shows errors that need acknowledging
     * @param saves            when automatic saves of the workspace run
     * @param home             the user's home folder ({@code ~/.exitbench} holds preferences and default workspaces)
     * @param sample           the bundled sample dataset
     * @param shippedRuns      where a first launch reads the run shipped beside the sample (the app's was started
     *                         ahead, while the window is built)
     */
    public record Services(TaskExecutor executor, DatasetLoader loader, FolderChooser datasetFolders,
            FolderChooser workspaceFolders, FileDialogs files, UpdateScheduler scheduler, Questions questions,
            SaveScheduler saves, Path home, Path sample, ShippedRunReader shippedRuns) {

        /** As the canonical constructor, the shipped run read when it is asked for. */
        public Services(TaskExecutor executor, DatasetLoader loader, FolderChooser datasetFolders,
                FolderChooser workspaceFolders, FileDialogs files, UpdateScheduler scheduler, Questions questions,
                SaveScheduler saves, Path home, Path sample) {
            this(executor, loader, datasetFolders, workspaceFolders, files, scheduler, questions, saves, home, sample,
                    ShippedRunReader.WHEN_ASKED);
        }

        public Services {
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(loader, "loader");
            Objects.requireNonNull(datasetFolders, "datasetFolders");
            Objects.requireNonNull(workspaceFolders, "workspaceFolders");
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(questions, "questions");
            Objects.requireNonNull(saves, "saves");
            Objects.requireNonNull(home, "home");
            Objects.requireNonNull(sample, "sample");
            Objects.requireNonNull(shippedRuns, "shippedRuns");
        }
    }

    /**
     * Builds a workbench without opening a workspace (nothing is read or written until
     * {@link WorkspaceViewModel#startUp} or an open): for tests and benchmarks that feed the panes themselves.
     * Questions are asked in dialogs; the home folder is the user's.
     *
     * @param executor  runs long work (dataset reading, demo scores, curves)
     * @param loader    reads datasets
     * @param folders   asks for a dataset folder
     * @param files     asks where to save and what to load
     * @param scheduler when a threshold change is evaluated ({@code PulseScheduler} in the app)
     */
    public static Workbench create(TaskExecutor executor, DatasetLoader loader, FolderChooser folders,
            FileDialogs files, UpdateScheduler scheduler) {
        Window[] owner = new Window[1];
        Workbench workbench = create(new Services(executor, loader, folders, FolderChooser.WORKSPACE_DIALOG, files,
                scheduler, new AlertQuestions(() -> owner[0]), SaveScheduler.IMMEDIATE,
                Path.of(System.getProperty("user.home")), ExitbenchApp.SAMPLE_DATA));
        workbench.window().node().sceneProperty().addListener((obs, old, scene) ->
                owner[0] = scene == null ? null : scene.getWindow());
        return workbench;
    }

    /**
     * Builds the view-models and the window, every pane built. Call on the JavaFX application thread.
     *
     * @param services what the workbench needs from outside
     */
    public static Workbench create(Services services) {
        Workbench workbench = createShellFirst(services);
        workbench.window().buildWaitingPanes();
        return workbench;
    }

    /**
     * Builds the view-models and the window's shell: the top bar (with the operating-point summary), the navigation
     * and the task strip. The four panes wait as placeholders until {@link MainWindow#buildWaitingPanes} or until
     * the user selects one: the app builds them once the first operating point is on screen, so that building and
     * styling them (seconds on a busy machine) does not delay it. Every view shows the state its view-model has
     * when it is built. Call on the JavaFX application thread.
     *
     * @param services what the workbench needs from outside
     */
    public static Workbench createShellFirst(Services services) {
        TaskExecutor executor = services.executor();
        Notices notices = new Notices();
        DataViewModel data = new DataViewModel(executor, services.loader());
        ShellViewModel shell = new ShellViewModel(data);
        OperatingPointModel point = new OperatingPointModel(services.scheduler());
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);
        WorkspaceViewModel workspace = new WorkspaceViewModel(executor, data, point, services.questions(), notices,
                services.saves(), services.home(), services.sample());
        TrainingViewModel training = new TrainingViewModel(executor, workspace, data, notices);
        training.setShippedRunReader(services.shippedRuns());
        // Synthetic demo scores only while no real cascade is shown, being opened or being trained; the panes say
        // what is under way meanwhile.
        BooleanBinding demoAllowed = workspace.shownRunProperty().isNull()
                .and(workspace.openingRunProperty().not())
                .and(workspace.firstRunPendingProperty().not())
                .and(training.runningProperty().not());
        new DemoSourceBinding(data.datasetProperty(), demoAllowed, point, executor);
        point.preparingProperty().bind(Bindings.createStringBinding(() -> {
            if (!training.statusProperty().get().isEmpty()) {
                return training.statusProperty().get();
            }
            if (workspace.firstRunPendingProperty().get()) {
                return "Preparing the first cascade: opening the dataset " + (data.datasetProperty().get() == null
                        ? "" : data.datasetProperty().get().name() + " ") + "…";
            }
            return workspace.openingRunProperty().get() ? "Opening the run …" : "";
        }, training.statusProperty(), workspace.firstRunPendingProperty(), workspace.openingRunProperty(),
                data.datasetProperty()));
        shell.followOperatingPoint(point.sourceProperty());
        shell.workspaceNameProperty().bind(workspace.nameProperty());
        shell.backboneLabelProperty().bind(workspace.backboneLabelProperty());
        shell.statusProperty(WorkbenchPane.TRAINING).bind(Bindings.createObjectBinding(() ->
                workspace.runs().isEmpty() ? PaneStatus.EMPTY : PaneStatus.READY, workspace.runs()));
        CalibrationViewModel calibration = new CalibrationViewModel(point, executor);
        AnalysisViewModel analysis = new AnalysisViewModel(point);

        MainWindow window = new MainWindow(shell, () -> new DataView(data, services.datasetFolders()),
                executor.runningTasks());
        window.installPaneLater(WorkbenchPane.TRAINING, () -> new TrainingView(training, workspace, services.files())
                .node());
        window.installPaneLater(WorkbenchPane.CALIBRATION, () -> new CalibrationView(calibration, curves,
                services.files()).node());
        SpeedupViewModel speedup = new SpeedupViewModel(point, executor, notices, data.datasetProperty()::get);
        speedup.targetProperty().bind(Bindings.createObjectBinding(() -> {
            RunEntry run = workspace.shownRunProperty().get();
            BranchTrainingMode mode = workspace.shownModeProperty().get();
            return run == null || mode == null ? null : new SpeedupViewModel.Target(run.folder(), mode);
        }, workspace.shownRunProperty(), workspace.shownModeProperty()));
        // Try your own image (issue 18): through the shown run's cascade, at the shared thresholds. An image dropped
        // or pasted before the Analysis pane is built selects it, which builds it.
        TryImageViewModel tryImage = new TryImageViewModel(point, executor, notices, data.datasetProperty()::get,
                calibration.decisionRules()::appliedRule);
        tryImage.targetProperty().bind(speedup.targetProperty());
        Runnable showAnalysis = () -> shell.select(WorkbenchPane.ANALYSIS);
        TryImageActions.acceptDrops(window.node(), tryImage, showAnalysis);
        window.addShortcut(TryImageActions.PASTE, () -> TryImageActions.paste(window.node().getScene(), tryImage,
                showAnalysis));
        window.installPaneLater(WorkbenchPane.ANALYSIS, () -> {
            AnalysisView analysisView = new AnalysisView(analysis, curves, services.files());
            analysisView.addAction(SweepActions.button(executor, notices, workspace, services.files(),
                    shell.fontSizeProperty()));
            analysisView.speedupSlot().getChildren().add(new SpeedupView(speedup).node());
            TryImageActions.attach(analysisView, tryImage, services.files(),
                    FolderChooser.titled("Choose a folder of images to try"), showAnalysis);
            return analysisView.node();
        });
        window.showOperatingPoint(new OperatingPointSummaryView(point).node());

        WorkspaceMenu menu = new WorkspaceMenu(workspace, services.workspaceFolders());
        window.setWorkspaceControl(menu.node());
        Runnable runDemo = () -> {
            shell.select(WorkbenchPane.TRAINING);
            training.runDemo();
        };
        Button demo = new Button("\u25b6 Run demo");
        demo.setId("topRunDemo");
        demo.getStyleClass().add("demo-button");
        demo.setMinWidth(Region.USE_PREF_SIZE);
        demo.setTooltip(new Tooltip("Build a cascade step by step on the open dataset, with a caption for every step;"
                + " a finished identical run is replayed in seconds (F5); Shift+F5 trains it anew"));
        demo.disableProperty().bind(training.runningProperty());
        demo.setOnAction(event -> runDemo.run());
        window.addTopBarAction(demo);
        // Training the demo anew is a keyboard shortcut, not a third top-bar button: at projector-sized text the
        // bar must stay one row of actions (WorkbenchPanesTest).
        Runnable trainLive = () -> {
            shell.select(WorkbenchPane.TRAINING);
            training.trainDemoLive();
        };
        window.addShortcut(RUN_DEMO, runDemo);
        window.addShortcut(TRAIN_LIVE, trainLive);
        // A replay plays one step (an epoch, a finished branch) per beat while auto-play is on: about 12 s for the
        // shipped demo run; the presenter steps through it with PageDown / PageUp (what presentation clickers send)
        // and pauses or resumes the auto-play with F6.
        training.setReplayPacer(presenter -> {
            Timeline beats = new Timeline(new KeyFrame(Duration.millis(TrainingViewModel.REPLAY_STEP_MILLIS),
                    event -> presenter.tick()));
            beats.setCycleCount(Animation.INDEFINITE);
            presenter.activeProperty().addListener((obs, was, now) -> {
                if (!now) {
                    beats.stop();
                }
            });
            beats.play();
        });
        window.addShortcut(REPLAY_NEXT, () -> withReplay(training, ReplayPresenter::next));
        window.addShortcut(REPLAY_BACK, () -> withReplay(training, ReplayPresenter::back));
        window.addShortcut(REPLAY_PAUSE, () -> withReplay(training, p -> p.autoProperty().set(!p.autoProperty()
                .get())));
        window.addShortcut(START, training::start);
        window.addShortcut(WorkspaceMenu.NEW, menu::promptNew);
        window.addShortcut(WorkspaceMenu.OPEN, menu::promptOpen);
        window.addShortcut(WorkspaceMenu.SAVE, workspace::save);
        NoticeToasts.show(notices, () -> window.node().getScene() == null ? null
                : window.node().getScene().getWindow());

        training.setOnRunShown((run, kind) -> {
            if (kind != TrainingViewModel.RunKind.RUN) {
                pickDemoPoint(run, kind, shell, calibration, workspace, training);
            }
        });
        // The demo's first mode is shown while the baseline trains: at the demo's operating point right away.
        training.setOnPartialShown(kind -> {
            if (kind != TrainingViewModel.RunKind.RUN) {
                calibration.budgetPointsProperty().set(DemoSettings.ACCURACY_BUDGET_POINTS);
                calibration.findMarginWithinBudget(() -> { });
            }
        });
        return new Workbench(data, shell, point, curves, calibration, analysis, workspace, training, notices, window);
    }

    /**
     * Builds the waiting panes ({@link #createShellFirst}) once the top bar shows the operating point of the run
     * being opened, or at once when none is coming (no run to show, none being installed, or opening it failed).
     * A first cascade trained from scratch takes minutes: the panes do not wait for it.
     *
     * @param done runs once every pane is built
     */
    public void buildPanesOnceTheOperatingPointIsShown(Runnable done) {
        // After the frame that lays out the operating point: a pane built earlier (a pause alone was not enough:
        // when the result's listeners take longer than the pause, it ends in that very frame) is styled and laid
        // out in that frame, and on a busy machine the top bar then showed its numbers seconds late.
        whenTheFirstOperatingPointIsSettled(() -> afterTheNextLayout(window.node(), () -> {
            PauseTransition drawn = new PauseTransition(Duration.millis(PANES_AFTER_MILLIS));
            drawn.setOnFinished(event -> window.buildWaitingPanes(done));
            drawn.play();
        }));
    }

    /**
     * Runs {@code action} once the next frame of {@code node}'s scene has been styled and laid out (what it shows
     * then is what is drawn), after that frame; at once when the node is in no scene.
     */
    static void afterTheNextLayout(Node node, Runnable action) {
        Scene scene = node.getScene();
        if (scene == null) {
            action.run();
            return;
        }
        boolean[] ran = new boolean[1];
        Runnable[] once = new Runnable[1];
        // Removed after the frame, not while the scene runs its listeners.
        once[0] = () -> Platform.runLater(() -> {
            scene.removePostLayoutPulseListener(once[0]);
            if (!ran[0]) {
                ran[0] = true;
                action.run();
            }
        });
        scene.addPostLayoutPulseListener(once[0]);
        Platform.requestNextPulse();
    }

    /**
     * Runs {@code action} once, when the operating point of the run being opened at start-up is shown, or as soon as
     * none is coming (no run to show, none being installed, or opening it failed): what a first launch may put off
     * until then (building the panes, decoding the sample's images) stops competing with it for the processors.
     *
     * @param action runs on the JavaFX thread, at once when that moment has passed already
     */
    public void whenTheFirstOperatingPointIsSettled(Runnable action) {
        List<Observable> watched = List.of(workspace.openingRunProperty(), workspace.firstRunPendingProperty(),
                operatingPoint.sourceProperty(), operatingPoint.resultProperty());
        InvalidationListener check = new InvalidationListener() {
            private boolean started;

            @Override
            public void invalidated(Observable observable) {
                if (shown()) {
                    start();
                } else if (!coming()) {
                    // A run's opening ends a moment before its cascade reaches the operating point (in the same
                    // callback): look again once that callback is over.
                    Platform.runLater(() -> {
                        if (shown() || !coming()) {
                            start();
                        }
                    });
                }
            }

            private boolean shown() {
                OperatingPointResult result = operatingPoint.resultProperty().get();
                return result != null && !result.source().synthetic();
            }

            private boolean coming() {
                CascadeSource source = operatingPoint.sourceProperty().get();
                return workspace.openingRunProperty().get() || workspace.firstRunPendingProperty().get()
                        || source != null && !source.synthetic();
            }

            private void start() {
                if (!started) {
                    started = true;
                    watched.forEach(w -> w.removeListener(this));
                    action.run();
                }
            }
        };
        watched.forEach(w -> w.addListener(check));
        check.invalidated(null);
    }

    /** Acts on the demo replay under way, if any. */
    private static void withReplay(TrainingViewModel training, Consumer<ReplayPresenter> action) {
        ReplayPresenter presenter = training.replayProperty().get();
        if (presenter != null) {
            action.accept(presenter);
        }
    }

    /**
     * The demo's operating point: the accuracy budget's margin on the validation split, kept as the run's saved
     * thresholds; the explicit demo then moves on to the Calibration pane.
     */
    private static void pickDemoPoint(ExperimentRun run, TrainingViewModel.RunKind kind, ShellViewModel shell,
            CalibrationViewModel calibration, WorkspaceViewModel workspace, TrainingViewModel training) {
        calibration.budgetPointsProperty().set(DemoSettings.ACCURACY_BUDGET_POINTS);
        calibration.findMarginWithinBudget(() -> {
            workspace.keepCurrentThresholds();
            training.monitor().conclude("Run " + run.id() + ": " + calibration.messageProperty().get()
                    + " The demo picks this point rather than the paper's because it keeps the accuracy close to"
                    + " the backbone's on this small sample.");
            if (kind == TrainingViewModel.RunKind.DEMO) {
                shell.select(WorkbenchPane.CALIBRATION);
            }
        });
    }
}
