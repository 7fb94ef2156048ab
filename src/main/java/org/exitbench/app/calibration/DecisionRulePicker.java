package org.exitbench.app.calibration;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import org.exitbench.experiment.ExitRuleStudy.Kind;
import org.exitbench.experiment.ExitRuleStudy.RuleChoice;

/**
 * The exit decision rule picker of the Calibration pane: a rule list, the running fit's progress with a Cancel
 * button, and what the last fit did. A wrapping row of its own, so it reflows at large text without touching the
 * pane's other rows.
 */
final class DecisionRulePicker {

    private final FlowPane root = new FlowPane(8, 4);

    DecisionRulePicker(DecisionRuleModel model) {
        root.setId("decisionRulePicker");
        root.getStyleClass().add("settings-bar");
        root.setAlignment(Pos.CENTER_LEFT);
        Label key = new Label("Exit rule");
        key.getStyleClass().add("setting-key");
        key.setMinWidth(Region.USE_PREF_SIZE);
        ComboBox<RuleChoice> rules = new ComboBox<>();
        rules.setId("decisionRule");
        rules.getItems().setAll(DecisionRuleModel.choices());
        rules.setCellFactory(list -> new RuleCell(model));
        rules.setButtonCell(new RuleCell(model));
        rules.setValue(model.ruleProperty().get());
        rules.setTooltip(new Tooltip("The score the exit thresholds apply to. Max-softmax and entropy are the"
                + " branches' own; temperature, the learned head (MLP) and the logistic head are fitted on the"
                + " validation split; +agreement fires an exit only when its answer equals the previous exit's."
                + " Picking one fits it in the background and re-calibrates the thresholds by CPM."));
        model.ruleProperty().addListener((obs, old, now) -> rules.setValue(now));
        rules.setOnAction(event -> {
            RuleChoice picked = rules.getValue();
            if (picked != null && !picked.equals(model.ruleProperty().get())) {
                model.choose(picked);
            }
        });
        ProgressIndicator progress = new ProgressIndicator();
        progress.setId("decisionRuleProgress");
        progress.setPrefSize(18, 18);
        progress.visibleProperty().bind(model.fittingProperty());
        progress.managedProperty().bind(model.fittingProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelDecisionRule");
        cancel.setTooltip(new Tooltip("Stop fitting; the current rule stays"));
        cancel.visibleProperty().bind(model.fittingProperty());
        cancel.managedProperty().bind(model.fittingProperty());
        cancel.setOnAction(event -> model.cancel());
        Label status = new Label();
        status.setId("decisionRuleStatus");
        status.getStyleClass().add("muted");
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        java.util.function.Consumer<org.exitbench.app.task.RunningTask> follow = task -> {
            // The running fit's own messages while it runs, the model's verdict after.
            if (task != null) {
                progress.progressProperty().bind(task.progressProperty());
                status.textProperty().bind(task.messageProperty());
            } else {
                progress.progressProperty().unbind();
                status.textProperty().bind(model.statusProperty());
            }
        };
        model.taskProperty().addListener((obs, old, task) -> follow.accept(task));
        follow.accept(model.taskProperty().get());
        root.getChildren().addAll(key, rules, progress, cancel, status);
    }

    Node node() {
        return root;
    }

    /** A rule's name; rules that need softmax outputs are greyed out for sources without them (synthetic). */
    private static final class RuleCell extends ListCell<RuleChoice> {

        private final DecisionRuleModel model;

        RuleCell(DecisionRuleModel model) {
            this.model = model;
        }

        @Override
        protected void updateItem(RuleChoice item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(null);
                setDisable(false);
                return;
            }
            setText(item.label());
            boolean simple = (item.kind() == Kind.MAX_SOFTMAX || item.kind() == Kind.ENTROPY) && !item.agreement();
            setDisable(!simple && !model.fittableProperty().get());
        }
    }
}
