package org.exitbench.app.sweep;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableIntegerValue;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.io.Notices;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;

/** The Analysis pane's "Sweeps…" button, which opens the sweep window on the open workspace. */
public final class SweepActions {

    /** The folder of a workspace that holds its sweeps, one folder per definition. */
    public static final String SWEEPS = Workspace.SWEEPS_FOLDER;

    private SweepActions() {
    }

    /**
     * @param executor  runs sweeps and reads sweep folders
     * @param notices   where a sweep's end is announced
     * @param workspace the open workspace: its dataset, backbone, feature cache and {@code sweeps/} folder
     * @param files     asks for a definition file
     * @param fontSize  the root font size, followed by the sweep window
     * @return the button; the window and its state are made on the first press and kept
     */
    public static Button button(TaskExecutor executor, Notices notices, WorkspaceViewModel workspace,
                                FileDialogs files, ObservableIntegerValue fontSize) {
        Button button = new Button("Sweeps\u2026");
        button.setId("analysisSweeps");
        button.setTooltip(new Tooltip("Train a grid of configurations boosted and non-boosted over several seeds "
                + "and compare them with paired statistics (resumable)"));
        SweepView[] view = new SweepView[1];
        button.setOnAction(event -> {
            if (view[0] == null) {
                SweepViewModel model = new SweepViewModel(executor, notices);
                model.targetProperty().bind(Bindings.createObjectBinding(() -> target(
                        workspace.folderProperty().get(), workspace.documentProperty().get()),
                        workspace.folderProperty(), workspace.documentProperty()));
                view[0] = new SweepView(model, files, FolderChooser.titled("Open a sweep folder"));
            }
            view[0].show(button.getScene().getWindow(), fontSize);
        });
        return button;
    }

    /** @return where a sweep of the open workspace runs, or null without one */
    static SweepTarget target(Workspace folder, WorkspaceDocument document) {
        if (folder == null || document == null) {
            return null;
        }
        // A backbone to be trained has no file yet: the sweep then uses the dataset's own (null).
        return new SweepTarget(folder, folder.root().resolve(SWEEPS), document.datasetPath(),
                document.backbone().fileFor(document.datasetPath()));
    }
}
