package org.exitbench.app.chart;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.theme.ExitPalette;

/** A legend of exit colours: a swatch and a name per exit, the backbone head last; optionally with a value each. */
public final class ExitLegend extends FlowPane {

    public ExitLegend() {
        super(14, 4);
        getStyleClass().add("exit-legend");
        setAlignment(Pos.CENTER_LEFT);
    }

    /**
     * @param exitCount K
     * @param values    a text per exit shown after its name (K + 1 entries), or {@code null} for names only
     */
    public void show(int exitCount, String[] values) {
        if (getChildren().size() != exitCount + 1) {
            getChildren().clear();
            for (int e = 0; e <= exitCount; e++) {
                Label label = new Label(DisplayText.exitTitle(e, exitCount), swatch(e, exitCount));
                label.getStyleClass().add("legend-item");
                label.setMinWidth(Region.USE_PREF_SIZE);
                getChildren().add(label);
            }
        }
        for (int e = 0; e <= exitCount; e++) {
            Label label = (Label) getChildren().get(e);
            String name = DisplayText.exitTitle(e, exitCount);
            label.setText(values == null ? name : name + "  " + values[e]);
        }
    }

    /**
     * @param exit      0..K, K being the backbone head
     * @param exitCount K
     * @return a small square in the exit's colour, for legends, buttons and labels
     */
    public static Region swatch(int exit, int exitCount) {
        Region swatch = new Region();
        swatch.getStyleClass().add("legend-swatch");
        swatch.setStyle("-fx-background-color: " + ExitPalette.hexOfIndex(exit, exitCount) + ";");
        return swatch;
    }
}
