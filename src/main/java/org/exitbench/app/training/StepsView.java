package org.exitbench.app.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The steps of a run as a row of chips (done, under way, to come) joined by arrows, and under them the caption of
 * the step under way in large type: what the teaching demo reads out.
 */
final class StepsView {

    private final RunMonitor monitor;
    private final FlowPane chips = new FlowPane(4, 4);
    private final Label caption = new Label();
    // Beside the chips rather than among them: a flow pane gives a label its one-line width, so it would not wrap.
    private final Label idle = new Label("Features \u2192 branch 1 \u2192 calibrate \u2192 survivors \u2192 branch 2"
            + " \u2026: press Run demo (F5) to watch a cascade being built step by step, or set up a run on the left"
            + " and press Start.");
    private final VBox root;

    StepsView(RunMonitor monitor) {
        this.monitor = monitor;
        chips.setId("pipelineSteps");
        chips.setAlignment(Pos.CENTER_LEFT);
        caption.setId("stepCaption");
        caption.getStyleClass().add("step-caption");
        caption.setWrapText(true);
        caption.setMinHeight(Region.USE_PREF_SIZE);
        caption.textProperty().bind(monitor.captionProperty());
        idle.getStyleClass().add("muted");
        idle.setWrapText(true);
        idle.setMinHeight(Region.USE_PREF_SIZE);
        idle.managedProperty().bind(idle.visibleProperty());
        root = new VBox(8, chips, idle, caption);
        root.getStyleClass().addAll("card", "steps-card");
        monitor.steps().addListener((ListChangeListener<PipelineStep>) change -> rebuild());
        rebuild();
    }

    Node node() {
        return root;
    }

    private void rebuild() {
        List<Node> built = new ArrayList<>();
        List<PipelineStep> steps = monitor.steps();
        for (int i = 0; i < steps.size(); i++) {
            PipelineStep step = steps.get(i);
            if (i > 0) {
                Label arrow = new Label("\u2192");
                arrow.getStyleClass().add("step-arrow");
                built.add(arrow);
            }
            Label chip = new Label((step.state() == PipelineStep.State.DONE ? "\u2713 " : "") + step.title());
            chip.getStyleClass().addAll("step-chip", "step-" + step.state().name().toLowerCase(Locale.ROOT));
            chip.setMinWidth(Region.USE_PREF_SIZE);
            Tooltip tip = new Tooltip(step.caption());
            tip.setWrapText(true);
            tip.setMaxWidth(420);
            chip.setTooltip(tip);
            built.add(chip);
        }
        idle.setVisible(steps.isEmpty());
        chips.getChildren().setAll(built);
    }
}
