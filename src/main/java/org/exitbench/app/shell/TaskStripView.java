package org.exitbench.app.shell;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.task.RunningTask;

/** The bottom strip of the main window: one line per running task, with progress, time left and Cancel. */
final class TaskStripView {

    private final ObservableList<RunningTask> tasks;
    private final VBox root = new VBox(4);
    private final Label idle = new Label("No background jobs");

    /** @param tasks the tasks to show, as the task executor lists them */
    TaskStripView(ObservableList<RunningTask> tasks) {
        this.tasks = tasks;
        root.setId("taskStrip");
        root.getStyleClass().add("task-strip");
        idle.getStyleClass().add("muted");
        tasks.addListener((ListChangeListener<RunningTask>) change -> rebuild());
        rebuild();
    }

    Node node() {
        return root;
    }

    private void rebuild() {
        if (tasks.isEmpty()) {
            root.getChildren().setAll(idle);
            return;
        }
        root.getChildren().clear();
        for (RunningTask task : tasks) {
            root.getChildren().add(row(task));
        }
    }

    private static Node row(RunningTask task) {
        Label name = new Label(task.name());
        name.getStyleClass().add("task-name");
        Label message = new Label();
        message.textProperty().bind(task.messageProperty());
        message.getStyleClass().add("muted");
        message.setMaxWidth(Double.MAX_VALUE);
        // The step's full message (epoch, losses) when the strip has no room for all of it.
        Tooltip full = new Tooltip();
        full.textProperty().bind(task.messageProperty());
        message.setTooltip(full);
        HBox.setHgrow(message, Priority.ALWAYS);
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(task.progressProperty());
        bar.setPrefWidth(260);
        Label eta = new Label();
        eta.textProperty().bind(task.etaProperty());
        eta.getStyleClass().add("task-eta");
        Button cancel = new Button("Cancel");
        cancel.getStyleClass().add("task-cancel");
        cancel.disableProperty().bind(task.cancellingProperty());
        cancel.setOnAction(event -> task.cancel());
        // The message gives way first: the name, the bar, the time left and Cancel always show in full.
        message.setMinWidth(0);
        for (Label fixed : new Label[] {name, eta}) {
            fixed.setMinWidth(Region.USE_PREF_SIZE);
        }
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        bar.setMinWidth(120);
        HBox row = new HBox(12, name, message, bar, eta, cancel);
        row.getStyleClass().add("task-row");
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }
}
