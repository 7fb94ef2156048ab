package org.exitbench.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.AlertQuestions;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.shell.MainWindow;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.theme.Theme;
import org.exitbench.app.workspace.DelayedSaves;

/**
 * The JavaFX application: one main window holding the Data, Training, Calibration and Analysis panes.
 *
 * <p>At start-up it opens the workspace or dataset named by the first program argument; else the most recent
 * workspace; else (a first launch) the bundled sample's default workspace in {@code ~/.exitbench/workspaces/},
 * with the sample {@code sample-data/fashion-mnist} relative to the working directory (where {@code mvn javafx:run}
 * runs), or where the system property {@value #SAMPLE_PROPERTY} points (set by the installed app's launcher). A
 * workspace without a run trains its first cascade at once, in the background.
 */
public final class ExitbenchApp extends Application {

    /** The system property that locates the bundled sample when the app is installed (see installers/). */
    static final String SAMPLE_PROPERTY = "exitbench.sample";

    /** The bundled sample: the system property's path, else relative to the working directory. */
    static final Path SAMPLE_DATA = Path.of(System.getProperty(SAMPLE_PROPERTY, "sample-data/fashion-mnist"));

    private final StartupClock clock = new StartupClock();
    /** Started with the JVM, before the toolkit ({@link #launchWith}); the instance is made by JavaFX. */
    private static volatile StartupWarmUp warmUp;

    private FxTaskExecutor executor;

    static void launchWith(String[] args) {
        // The classes the first operating point needs loaded, and the shipped run read, on another thread from the
        // start: on a busy machine the toolkit's own start takes seconds, and a second thread gets a second share of
        // the processors (measured at load 9: the shipped run was read 4.7 s after the JVM started instead of 12.4).
        warmUp = StartupWarmUp.start(SAMPLE_DATA);
        Application.launch(ExitbenchApp.class, args);
    }

    /**
     * @param args the program arguments
     * @return the workspace or dataset folder to open at start-up, or {@code null} for the most recent workspace
     *         (or the sample's on a first launch)
     */
    static Path startupArgument(List<String> args) {
        return args.isEmpty() || args.get(0).isBlank() ? null : Path.of(args.get(0));
    }

    /**
     * @param environment the process environment
     * @return the user's home folder: {@code $HOME} when set (so a fresh {@code HOME} gives a fresh start, as for
     *         any desktop program), else Java's {@code user.home}
     */
    static Path homeFolder(Map<String, String> environment) {
        String home = environment.get("HOME");
        if (home != null && !home.isBlank() && Files.isDirectory(Path.of(home))) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"));
    }

    @Override
    public void start(Stage stage) {
        // The window appears at once with a word on what is happening; building the panes (class loading, CSS)
        // takes seconds on a busy machine and would otherwise leave an empty window until it is done.
        stage.setTitle("Exitbench");
        stage.getIcons().setAll(Theme.icons());
        stage.setScene(MainWindow.splashScene("Opening the workbench \u2026"));
        stage.show();
        clock.mark("window shown");
        if (warmUp == null) {
            warmUp = StartupWarmUp.start(SAMPLE_DATA);
        }
        PauseTransition firstFrame = new PauseTransition(Duration.millis(50));
        firstFrame.setOnFinished(event -> open(stage));
        firstFrame.play();
    }

    private void open(Stage stage) {
        executor = new FxTaskExecutor();
        Workbench workbench = Workbench.createShellFirst(new Workbench.Services(executor, DatasetLoader.READERS,
                FolderChooser.DIALOG, FolderChooser.WORKSPACE_DIALOG, FileDialogs.SYSTEM, new PulseScheduler(),
                new AlertQuestions(() -> stage), new DelayedSaves(), homeFolder(System.getenv()), SAMPLE_DATA,
                warmUp));
        // The workspace opens before the shell is styled and laid out (seconds on a busy machine): the shipped run's
        // cascade is then prepared on other threads meanwhile, and shown in the frame after the shell's. Its dataset
        // starts decoding now too. The panes are built once the top bar shows the operating point: building and
        // styling them takes seconds on a busy machine, and the run being opened needs the JavaFX thread for its last
        // step.
        workbench.workspace().startUp(startupArgument(getParameters().getRaw()));
        MainWindow window = workbench.window();
        Scene scene = window.createScene();
        stage.titleProperty().bind(workbench.shell().windowTitleProperty());
        stage.setScene(scene);
        stage.sizeToScene();
        clock.mark("shell shown");
        clock.markWhen(workbench.data().datasetProperty(), dataset -> true, "dataset open");
        clock.markWhen(workbench.operatingPoint().resultProperty(), result -> !result.source().synthetic(),
                "first operating point in the top bar");
        // What the user sees: the frame that lays the top bar out with those numbers.
        clock.markWhen(workbench.operatingPoint().resultProperty(), result -> !result.source().synthetic(),
                () -> Workbench.afterTheNextLayout(window.node(), () -> clock.mark("first operating point drawn")));
        stage.setOnCloseRequest(event -> {
            if (!workbench.workspace().confirmClose()) {
                event.consume();
            }
        });
        // Runs made outside the app (exitbench run, exitbench sweep) in the open workspace appear when the user
        // comes back to the window.
        stage.focusedProperty().addListener((obs, was, focused) -> {
            if (focused) {
                workbench.workspace().refreshRunsIfChanged();
            }
        });
        workbench.buildPanesOnceTheOperatingPointIsShown(() -> clock.mark("panes built"));
    }

    @Override
    public void stop() {
        if (executor != null) {
            executor.close();
        }
    }
}
