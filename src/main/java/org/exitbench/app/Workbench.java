package org.exitbench.app;

import org.exitbench.app.analysis.AnalysisView;
import org.exitbench.app.analysis.AnalysisViewModel;
import org.exitbench.app.calibration.CalibrationView;
import org.exitbench.app.calibration.CalibrationViewModel;
import org.exitbench.app.data.DataView;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.DemoSourceBinding;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointSummaryView;
import org.exitbench.app.operatingpoint.ReferenceCurvesModel;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.shell.MainWindow;
import org.exitbench.app.shell.ShellViewModel;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.TaskExecutor;

/**
 * The app's view-models and main window, wired together: the Data pane's dataset feeds synthetic demo scores to
 * the shared operating point until a trained run replaces them (a run's source goes to {@link #operatingPoint()}
 * the same way); the Calibration and Analysis panes and the top bar's summary all read that one operating point.
 * The app builds one at start-up; tests and the full-path benchmark build theirs with their own executor,
 * dialogs and scheduler.
 *
 * @param data          the Data pane's state
 * @param shell         the window's state
 * @param operatingPoint the shared operating point
 * @param curves        the reference curves of the charts
 * @param calibration   the Calibration pane's state
 * @param analysis      the Analysis pane's state
 * @param window        the main window, every pane installed
 */
public record Workbench(DataViewModel data, ShellViewModel shell, OperatingPointModel operatingPoint,
        ReferenceCurvesModel curves, CalibrationViewModel calibration, AnalysisViewModel analysis,
        MainWindow window) {

    /**
     * Builds the view-models and the window. Call on the JavaFX application thread.
     *
     * @param executor  runs long work (dataset reading, demo scores, curves)
     * @param loader    reads datasets
     * @param folders   asks for a dataset folder
     * @param files     asks where to save and what to load
     * @param scheduler when a threshold change is evaluated ({@code PulseScheduler} in the app)
     */
    public static Workbench create(TaskExecutor executor, DatasetLoader loader, FolderChooser folders,
            FileDialogs files, UpdateScheduler scheduler) {
        DataViewModel data = new DataViewModel(executor, loader);
        ShellViewModel shell = new ShellViewModel(data);
        OperatingPointModel point = new OperatingPointModel(scheduler);
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);
        // Until trained branches exist (the Training pane will set a run's source on the same operating point),
        // the open dataset gets synthetic demo scores, labelled as such everywhere.
        new DemoSourceBinding(data.datasetProperty(), point, executor);
        shell.followOperatingPoint(point.sourceProperty());
        CalibrationViewModel calibration = new CalibrationViewModel(point);
        AnalysisViewModel analysis = new AnalysisViewModel(point);
        MainWindow window = new MainWindow(shell, new DataView(data, folders), executor.runningTasks());
        window.installPane(WorkbenchPane.CALIBRATION, new CalibrationView(calibration, curves, files).node());
        window.installPane(WorkbenchPane.ANALYSIS, new AnalysisView(analysis, curves, files).node());
        window.showOperatingPoint(new OperatingPointSummaryView(point).node());
        return new Workbench(data, shell, point, curves, calibration, analysis, window);
    }
}
