package org.exitbench.app.training;

import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.RunEntry;

/**
 * The runs of the workspace, newest first, each with its modes' test accuracy and compute saved; the one the
 * panes show is marked. Show (or a double click) puts a run's cascade in the panes, in the mode chosen; Delete asks
 * first.
 */
final class RunsView {

    private static final PseudoClass SHOWN = PseudoClass.getPseudoClass("shown");

    private final WorkspaceViewModel workspace;
    private final ListView<RunEntry> list = new ListView<>();
    private final ChoiceBox<BranchTrainingMode> mode = new ChoiceBox<>();
    private final VBox root;

    RunsView(WorkspaceViewModel workspace) {
        this.workspace = workspace;
        list.setId("runsList");
        list.setItems(new javafx.collections.transformation.SortedList<>(workspace.runs(),
                (a, b) -> b.id().compareTo(a.id())));
        list.setCellFactory(view -> new RunCell());
        list.setPlaceholder(new Label("No runs yet: press Start, or Run demo (F5)."));
        list.setOnMouseClicked(event -> {
            if (event.getButton() == MouseButton.PRIMARY && event.getClickCount() == 2) {
                showSelected();
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            mode.getItems().setAll(now == null ? java.util.List.of() : now.modes());
            BranchTrainingMode shownMode = workspace.shownModeProperty().get();
            mode.setValue(now != null && now.modes().contains(shownMode) ? shownMode
                    : now == null || now.modes().isEmpty() ? null : now.modes().get(0));
        });
        mode.setId("runMode");
        mode.setConverter(DisplayText.choiceNames(ExperimentConfig::modeName));
        mode.setTooltip(new Tooltip("The training mode whose cascade the thresholds act on; another mode of the same"
                + " run is drawn as the reference curves"));
        Button show = new Button("Show");
        show.setId("showRun");
        show.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        show.setOnAction(event -> showSelected());
        show.setTooltip(new Tooltip("Show this run's cascade in the Calibration and Analysis panes"));
        Button delete = new Button("Delete\u2026");
        delete.setId("deleteRun");
        delete.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        delete.setOnAction(event -> {
            RunEntry selected = list.getSelectionModel().getSelectedItem();
            if (selected != null) {
                workspace.deleteRun(selected);
            }
        });
        delete.setTooltip(new Tooltip("Delete this run from the workspace (asks first)"));
        HBox actions = new HBox(8, new Label("mode"), mode, show, delete);
        actions.setAlignment(Pos.CENTER_LEFT);
        Label shown = new Label();
        shown.getStyleClass().add("muted");
        shown.setWrapText(true);
        shown.textProperty().bind(Bindings.createStringBinding(() -> {
            RunEntry run = workspace.shownRunProperty().get();
            BranchTrainingMode mode = workspace.shownModeProperty().get();
            return run == null ? "No run shown." : "Shown: run " + run.id() + (mode == null ? ""
                    : " (" + ExperimentConfig.modeName(mode) + ")") + ". The top bar, Calibration and Analysis show"
                    + " it at the thresholds in use now (the demo picks the point within its accuracy budget), the"
                    + " list each run at the thresholds it was trained with.";
        }, workspace.shownRunProperty(), workspace.shownModeProperty()));
        root = new VBox(8, list, actions, shown);
        root.getStyleClass().add("runs-view");
        workspace.shownRunProperty().addListener((obs, old, now) -> list.refresh());
    }

    Node node() {
        return root;
    }

    private void showSelected() {
        RunEntry selected = list.getSelectionModel().getSelectedItem();
        if (selected != null) {
            workspace.showRun(selected, mode.getValue());
        }
    }

    private final class RunCell extends ListCell<RunEntry> {
        private final Label id = new Label();
        private final Label summary = new Label();
        private final VBox box = new VBox(2, id, summary);

        RunCell() {
            id.getStyleClass().add("run-id");
            summary.getStyleClass().add("muted");
            summary.setWrapText(true);
            summary.setMaxWidth(360);
        }

        @Override
        protected void updateItem(RunEntry item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                pseudoClassStateChanged(SHOWN, false);
                return;
            }
            RunEntry shownRun = workspace.shownRunProperty().get();
            boolean isShown = shownRun != null && shownRun.id().equals(item.id());
            id.setText(item.id() + (isShown ? "  \u25cf shown" : ""));
            summary.setText("as trained, at its own CPM thresholds: " + item.summary());
            pseudoClassStateChanged(SHOWN, isShown);
            setGraphic(box);
        }
    }
}
