package org.exitbench.app.chart;

import javafx.beans.property.IntegerProperty;
import javafx.scene.Node;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.cascade.CascadeResult;

/**
 * A row of toggle buttons, one per exit and one for the backbone head, each with its exit's colour swatch and
 * the number of images leaving there: how the gallery and the confusion matrix pick an exit. The selected
 * button and {@code exit} (0..K) follow each other.
 */
public final class ExitToggles {

    // A flow, not a box: in a narrow column or at projector-sized text the buttons wrap instead of running past it.
    private final FlowPane row = new FlowPane();
    private final ToggleGroup group = new ToggleGroup();
    private final String idPrefix;
    private final IntegerProperty exit;
    private int exitCount = -1;

    /**
     * @param id       the row's node id
     * @param idPrefix each button's id is this followed by its exit index
     * @param exit     the selected exit, 0..K
     */
    public ExitToggles(String id, String idPrefix, IntegerProperty exit) {
        this.idPrefix = idPrefix;
        this.exit = exit;
        row.setId(id);
        row.getStyleClass().add("segmented");
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                group.selectToggle(old);
            } else {
                exit.set((Integer) now.getUserData());
            }
        });
        exit.addListener((obs, old, now) -> select(now.intValue()));
    }

    /** @return the row of buttons */
    public Node node() {
        return row;
    }

    /**
     * Shows one button per exit of {@code result} and the backbone head, with the number of images leaving at
     * each; the buttons are rebuilt only when the number of exits changes.
     */
    public void show(CascadeResult result) {
        int exits = result.exitCount();
        if (exits != exitCount) {
            exitCount = exits;
            row.getChildren().clear();
            group.getToggles().clear();
            for (int e = 0; e <= exits; e++) {
                ToggleButton button = new ToggleButton(DisplayText.exitTitle(e, exits),
                        ExitLegend.swatch(e, exits));
                button.setId(idPrefix + e);
                button.setUserData(e);
                button.setToggleGroup(group);
                button.setMinWidth(Region.USE_PREF_SIZE);
                row.getChildren().add(button);
            }
            select(Math.min(exit.get(), exits));
        }
        for (int e = 0; e <= exits; e++) {
            ((ToggleButton) row.getChildren().get(e)).setText(DisplayText.exitTitle(e, exits) + " · "
                    + DisplayText.count(result.exitedCount(e)));
        }
    }

    /** Removes the buttons, as when there are no scores. */
    public void clear() {
        row.getChildren().clear();
        group.getToggles().clear();
        exitCount = -1;
    }

    private void select(int selected) {
        group.getToggles().stream().filter(t -> (Integer) t.getUserData() == selected).findFirst()
                .ifPresent(group::selectToggle);
    }
}
