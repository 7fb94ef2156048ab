package org.exitbench.app;

import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.shell.MainWindow;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.app.theme.Theme;

/**
 * The JavaFX application: one main window holding the Data, Training, Calibration and Analysis panes.
 *
 * <p>At start-up it opens the dataset named by the first program argument, or else the bundled sample
 * {@code sample-data/fashion-mnist} relative to the working directory (where {@code mvn javafx:run} runs), or
 * where the system property {@value #SAMPLE_PROPERTY} points (set by the installed app's launcher).
 */
public final class ExitbenchApp extends Application {

    /** The system property that locates the bundled sample when the app is installed (see installers/). */
    static final String SAMPLE_PROPERTY = "exitbench.sample";

    /** The bundled sample: the system property's path, else relative to the working directory. */
    static final Path SAMPLE_DATA = Path.of(System.getProperty(SAMPLE_PROPERTY, "sample-data/fashion-mnist"));

    private FxTaskExecutor executor;

    static void launchWith(String[] args) {
        Application.launch(ExitbenchApp.class, args);
    }

    /**
     * @param args the program arguments
     * @return the dataset to open at start-up: the first argument, or the bundled sample
     */
    static Path initialDataset(List<String> args) {
        return args.isEmpty() ? SAMPLE_DATA : Path.of(args.get(0));
    }

    @Override
    public void start(Stage stage) {
        executor = new FxTaskExecutor();
        Workbench workbench = Workbench.create(executor, DatasetLoader.READERS, FolderChooser.DIALOG,
                FileDialogs.SYSTEM, new PulseScheduler());
        MainWindow window = workbench.window();
        Scene scene = window.createScene();
        stage.titleProperty().bind(workbench.shell().windowTitleProperty());
        stage.getIcons().setAll(Theme.icons());
        stage.setScene(scene);
        stage.show();
        workbench.data().open(initialDataset(getParameters().getRaw()));
    }

    @Override
    public void stop() {
        if (executor != null) {
            executor.close();
        }
    }
}
