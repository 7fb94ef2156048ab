package org.exitbench.app.analysis;

import java.util.List;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.exitbench.app.chart.ExitToggles;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.theme.ExitPalette;

/**
 * The confusion matrix of the test images leaving at one exit (chosen with toggles in the exit colours): rows
 * are the ground truth, columns the answer, each cell tinted in the exit's colour by its share of the row.
 * Clicking a cell shows exactly those images in the gallery.
 */
final class ConfusionMatrixView {

    /** A cell dark enough to need light text. */
    private static final PseudoClass STRONG = PseudoClass.getPseudoClass("strong");

    private final AnalysisViewModel model;
    private final VBox root = new VBox(6);
    private final ExitToggles exitToggles;
    private final GridPane grid = new GridPane();
    private final Tooltip caption = new Tooltip();
    private MatrixCell[][] cells = new MatrixCell[0][0];
    private Object shownSource;

    ConfusionMatrixView(AnalysisViewModel model) {
        this.model = model;
        root.setId("confusionMatrix");
        root.getStyleClass().add("confusion-matrix");
        exitToggles = new ExitToggles("confusionExits", "confusionExit-", model.confusionExitProperty());
        grid.getStyleClass().add("confusion-grid");
        grid.setHgap(2);
        grid.setVgap(2);
        Tooltip.install(grid, caption);
        root.getChildren().addAll(exitToggles.node(), grid);
        model.confusionExitProperty().addListener((obs, old, now) -> show(model.operatingPoint()
                .resultProperty().get()));
    }

    Node node() {
        return root;
    }

    void show(OperatingPointResult result) {
        if (result == null) {
            exitToggles.clear();
            grid.getChildren().clear();
            caption.setText("");
            shownSource = null;
            return;
        }
        int exits = result.source().exitCount();
        List<String> names = result.source().classNames();
        if (result.source() != shownSource) {
            shownSource = result.source();
            build(exits, names);
        }
        int exit = Math.min(model.confusionExitProperty().get(), exits);
        exitToggles.show(result.test());
        int[][] matrix = result.test().confusionMatrix(exit);
        Color tint = ExitPalette.colorOfIndex(exit, exits);
        for (int t = 0; t < names.size(); t++) {
            int rowTotal = 0;
            for (int n : matrix[t]) {
                rowTotal += n;
            }
            for (int p = 0; p < names.size(); p++) {
                int n = matrix[t][p];
                double share = rowTotal == 0 ? 0 : (double) n / rowTotal;
                cells[t][p].show(n, tint, share);
            }
        }
        grid.setStyle("-fx-border-color: " + ExitPalette.hexOfIndex(exit, exits) + " transparent transparent"
                + " transparent; -fx-border-width: 3 0 0 0;");
        caption.setText("Test images that left at " + DisplayText.exitName(exit, exits) + ": rows are the true"
                + " class, columns the answer.\nClick a cell to show its images in the gallery.");
    }

    private void build(int exits, List<String> names) {
        grid.getChildren().clear();
        int classes = names.size();
        cells = new MatrixCell[classes][classes];
        Label corner = new Label("true ↓  answer →");
        corner.getStyleClass().add("confusion-corner");
        corner.setMinWidth(Region.USE_PREF_SIZE);
        grid.add(corner, 0, 0);
        for (int p = 0; p < classes; p++) {
            Label header = new Label(names.get(p));
            header.getStyleClass().add("confusion-header");
            Group rotated = new Group(header);
            header.setRotate(-60);
            VBox holder = new VBox(rotated);
            holder.setAlignment(Pos.BOTTOM_CENTER);
            grid.add(holder, p + 1, 0);
        }
        for (int t = 0; t < classes; t++) {
            Label header = new Label(names.get(t));
            header.getStyleClass().add("confusion-header");
            header.setMinWidth(Region.USE_PREF_SIZE);
            grid.add(header, 0, t + 1);
            for (int p = 0; p < classes; p++) {
                MatrixCell cell = new MatrixCell(t, p, names, exits);
                cells[t][p] = cell;
                grid.add(cell, p + 1, t + 1);
            }
        }
    }

    /**
     * One cell: a count on a rectangle tinted in the exit's colour. A shape's fill set from code needs no CSS pass,
     * unlike a control's inline style, so a hundred cells can follow a slider in every frame.
     */
    private final class MatrixCell extends StackPane {

        private final Rectangle fill = new Rectangle();
        private final Label count = new Label();
        private final Tooltip tooltip = new Tooltip();
        private int shownCount = -1;

        MatrixCell(int trueClass, int answer, List<String> names, int exits) {
            setId("confusion-" + trueClass + "-" + answer);
            getStyleClass().add("confusion-cell");
            if (trueClass == answer) {
                getStyleClass().add("diagonal");
            }
            fill.setManaged(false);
            fill.widthProperty().bind(widthProperty());
            fill.heightProperty().bind(heightProperty());
            fill.setFill(Color.TRANSPARENT);
            getChildren().addAll(fill, count);
            tooltip.setOnShowing(event -> {
                int exit = Math.min(model.confusionExitProperty().get(), exits);
                tooltip.setText(shownCount + " test images of " + names.get(trueClass) + " left at "
                        + DisplayText.exitName(exit, exits) + " answered " + names.get(answer)
                        + (shownCount == 0 ? "" : "\nClick to show them in the gallery."));
            });
            Tooltip.install(this, tooltip);
            setOnMouseClicked(event -> model.showConfusionCell(Math.min(model.confusionExitProperty().get(), exits),
                    trueClass, answer));
        }

        void show(int n, Color tint, double share) {
            shownCount = n;
            count.setText(n == 0 ? "" : String.valueOf(n));
            fill.setFill(n == 0 ? Color.TRANSPARENT : tint.deriveColor(0, 1, 1, 0.12 + 0.88 * share));
            pseudoClassStateChanged(STRONG, share > 0.55);
        }
    }
}
