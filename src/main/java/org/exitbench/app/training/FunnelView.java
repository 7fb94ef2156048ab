package org.exitbench.app.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.chart.ExitLegend;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.theme.ExitPalette;
import org.exitbench.app.theme.SideBySide;
import org.exitbench.train.BranchTrainingMode;

/**
 * The survivors funnel, one column per training mode: for each exit, a bar of the training images and one of the
 * validation images that reach it (as wide as their share of the split), the part the exit takes in its colour and
 * the part it passes on pale; under the last exit, what reaches the backbone's head. It fills up as branches finish.
 */
final class FunnelView {

    private final RunMonitor monitor;
    // Boosted and non-boosted side by side, one under the other when large text leaves them too little room.
    private final SideBySide columns = new SideBySide(18);
    private final VBox root;

    FunnelView(RunMonitor monitor) {
        this.monitor = monitor;
        Label title = new Label("Survivors funnel: images reaching each exit");
        title.getStyleClass().add("panel-title");
        title.setWrapText(true);
        title.setMinHeight(Region.USE_PREF_SIZE);
        Label key = new Label("upper bar training, lower bar validation · solid: taken at the exit · pale: passed on");
        key.getStyleClass().add("muted");
        key.setWrapText(true);
        columns.setId("survivorsFunnel");
        root = new VBox(6, title, key, columns);
        root.getStyleClass().addAll("card", "funnel-card");
        // The charts above give way when the pane is short; the funnel's numbers are always read in full.
        root.setMinHeight(Region.USE_PREF_SIZE);
        monitor.funnel().addListener((ListChangeListener<FunnelRow>) change -> rebuild());
        rebuild();
    }

    Node node() {
        return root;
    }

    private void rebuild() {
        Map<BranchTrainingMode, List<FunnelRow>> byMode = new LinkedHashMap<>();
        for (FunnelRow row : monitor.funnel()) {
            byMode.computeIfAbsent(row.mode(), m -> new ArrayList<>()).add(row);
        }
        List<Node> built = new ArrayList<>();
        for (Map.Entry<BranchTrainingMode, List<FunnelRow>> entry : byMode.entrySet()) {
            built.add(column(entry.getKey(), entry.getValue()));
        }
        if (built.isEmpty()) {
            Label empty = new Label("Start a run (or Run demo, F5) to see how many images each exit takes and how"
                    + " many it leaves for the next.");
            empty.getStyleClass().add("muted");
            empty.setWrapText(true);
            built.add(empty);
        }
        columns.setColumns(built);
    }

    private Node column(BranchTrainingMode mode, List<FunnelRow> rows) {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(3);
        grid.setId("funnel-" + mode.name().toLowerCase(java.util.Locale.ROOT));
        ColumnConstraints name = new ColumnConstraints();
        name.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints bars = new ColumnConstraints();
        bars.setHgrow(Priority.ALWAYS);
        bars.setMinWidth(80);
        ColumnConstraints numbers = new ColumnConstraints();
        numbers.setMinWidth(Region.USE_PREF_SIZE);
        grid.getColumnConstraints().setAll(name, bars, numbers);
        int exits = rows.size();
        int line = 0;
        FunnelRow last = null;
        for (FunnelRow row : rows) {
            Label label = new Label("Exit " + (row.exit() + 1), ExitLegend.swatch(row.exit(), exits));
            label.getStyleClass().add("legend-item");
            Tooltip.install(label, new Tooltip(row.vertex() + stateText(row)));
            String ink = ExitPalette.hexOfIndex(row.exit(), exits);
            FunnelBar train = new FunnelBar(ink, row.trainReaching(), row.trainExited(), row.trainTotal());
            FunnelBar valid = new FunnelBar(ink, row.validReaching(), row.validExited(), row.validTotal());
            VBox pair = new VBox(2, train, valid);
            pair.setAlignment(Pos.CENTER_LEFT);
            Label counts = new Label(counts(row));
            counts.getStyleClass().add("funnel-numbers");
            grid.addRow(line++, label, pair, counts);
            last = row;
        }
        if (last != null && last.state() == FunnelRow.State.DONE) {
            int trainLeft = last.trainReaching() - last.trainExited();
            int validLeft = last.validReaching() - last.validExited();
            Label label = new Label("Head", ExitLegend.swatch(exits, exits));
            label.getStyleClass().add("legend-item");
            String ink = ExitPalette.backboneHex();
            VBox pair = new VBox(2, new FunnelBar(ink, trainLeft, trainLeft, last.trainTotal()),
                    new FunnelBar(ink, validLeft, validLeft, last.validTotal()));
            Label counts = new Label(DisplayText.count(trainLeft) + " train\n" + DisplayText.count(validLeft)
                    + " valid");
            counts.getStyleClass().add("funnel-numbers");
            grid.addRow(line, label, pair, counts);
        }
        Label title = new Label(StepCaptions.modeTitle(mode) + (mode == BranchTrainingMode.BOOSTED
                ? " · each branch learns from the survivors" : mode == BranchTrainingMode.NON_BOOSTED
                ? " · each branch learns from all images" : " · all images, weighted by survival"));
        title.getStyleClass().add("funnel-mode");
        // Two columns side by side leave the title little room: it wraps rather than losing its point.
        title.setWrapText(true);
        title.setMinHeight(Region.USE_PREF_SIZE);
        VBox column = new VBox(4, title, grid);
        // Its minimum is what its rows need (they grow with the text): below that the columns stack.
        return column;
    }

    private static String counts(FunnelRow row) {
        return switch (row.state()) {
            case WAITING -> "waiting";
            case TRAINING -> "training on\n" + DisplayText.count(row.trainedOn());
            case SKIPPED -> "skipped";
            case DONE -> DisplayText.count(row.trainExited()) + " of " + DisplayText.count(row.trainReaching())
                    + "\n" + DisplayText.count(row.validExited()) + " of " + DisplayText.count(row.validReaching());
        };
    }

    private static String stateText(FunnelRow row) {
        return switch (row.state()) {
            case WAITING -> ": not reached yet";
            case TRAINING -> ": training on " + DisplayText.count(row.trainedOn()) + " images";
            case SKIPPED -> ": skipped: " + row.skipReason();
            case DONE -> ": learned from " + DisplayText.count(row.trainedOn()) + " training images; takes "
                    + DisplayText.count(row.trainExited()) + " of the " + DisplayText.count(row.trainReaching())
                    + " training and " + DisplayText.count(row.validExited()) + " of the "
                    + DisplayText.count(row.validReaching()) + " validation images reaching it";
        };
    }

    /** A bar as wide as the images reaching an exit, the part it takes solid and the rest pale. */
    private static final class FunnelBar extends Region {

        private final Region reaching = new Region();
        private final Region taken = new Region();
        private final double reachShare;
        private final double takenShare;

        FunnelBar(String ink, int reach, int exited, int total) {
            getStyleClass().add("funnel-bar");
            reaching.setStyle("-fx-background-color: " + ink + "; -fx-opacity: 0.28;");
            taken.setStyle("-fx-background-color: " + ink + ";");
            getChildren().addAll(reaching, taken);
            reachShare = reach < 0 || total <= 0 ? 0 : Math.min(1, (double) reach / total);
            takenShare = exited < 0 || total <= 0 ? 0 : Math.min(1, (double) exited / total);
        }

        @Override
        protected void layoutChildren() {
            double width = getWidth() - snappedLeftInset() - snappedRightInset();
            double height = getHeight() - snappedTopInset() - snappedBottomInset();
            reaching.resizeRelocate(snappedLeftInset(), snappedTopInset(), snapSizeX(width * reachShare), height);
            taken.resizeRelocate(snappedLeftInset(), snappedTopInset(), snapSizeX(width * takenShare), height);
        }

        @Override
        protected double computePrefWidth(double height) {
            return 160;
        }

        @Override
        protected double computePrefHeight(double width) {
            return 9;
        }
    }
}
