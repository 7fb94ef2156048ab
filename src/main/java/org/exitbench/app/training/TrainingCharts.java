package org.exitbench.app.training;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.InvalidationListener;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Toggle;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.chart.ExitLegend;
import org.exitbench.app.chart.SeriesStyle;
import org.exitbench.app.theme.ExitPalette;
import org.exitbench.train.BranchTrainingMode;

/**
 * Loss and validation accuracy per epoch, one line per branch in its exit's colour (training loss solid, validation
 * loss dashed), for one training mode at a time, and the backbone's in grey when a new one was trained. Lines grow
 * as epochs finish.
 */
final class TrainingCharts {

    private final TrainingViewModel model;
    private final NumberAxis lossEpochs = new NumberAxis();
    private final NumberAxis lossAxis = new NumberAxis();
    private final NumberAxis accuracyEpochs = new NumberAxis();
    private final NumberAxis accuracyAxis = new NumberAxis();
    private final LineChart<Number, Number> loss = new LineChart<>(lossEpochs, lossAxis);
    private final LineChart<Number, Number> accuracy = new LineChart<>(accuracyEpochs, accuracyAxis);
    private final HBox modeToggles = new HBox();
    private final ToggleGroup modes = new ToggleGroup();
    private final FlowPane legend = new FlowPane(14, 4);
    private final VBox root;
    private final InvalidationListener redraw = o -> redraw();

    TrainingCharts(TrainingViewModel model) {
        this.model = model;
        setUp(loss, lossEpochs, lossAxis, "trainingLossChart", "loss");
        // The charts are short at 1280 × 800: "accuracy %" was cut along the axis; the title names the measure.
        setUp(accuracy, accuracyEpochs, accuracyAxis, "trainingAccuracyChart", "%");
        modeToggles.getStyleClass().add("segmented");
        modeToggles.setId("chartModes");
        modes.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null && old != null) {
                modes.selectToggle(old);
            } else if (now != null && now.getUserData() != model.chartModeProperty().get()) {
                model.showCurvesOf((BranchTrainingMode) now.getUserData());
            }
        });
        Label title = new Label("Loss and validation accuracy per branch");
        title.setId("trainingChartsTitle");
        title.getStyleClass().add("panel-title");
        title.setMinWidth(0);
        // Wrapped rather than cut when the mode buttons beside it leave it little room (projector-sized text).
        title.setWrapText(true);
        title.setMinHeight(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(10, title, spacer, modeToggles);
        top.setAlignment(Pos.CENTER_LEFT);
        HBox charts = new HBox(8, loss, accuracy);
        HBox.setHgrow(loss, Priority.ALWAYS);
        HBox.setHgrow(accuracy, Priority.ALWAYS);
        VBox.setVgrow(charts, Priority.ALWAYS);
        legend.setAlignment(Pos.CENTER_LEFT);
        legend.getStyleClass().add("chart-legend-row");
        root = new VBox(4, top, charts, legend);
        root.getStyleClass().addAll("card", "training-charts");
        root.setId("trainingCharts");

        RunMonitor monitor = model.monitor();
        // The pane may be built after a run's curves are there (the app builds its panes once the first operating
        // point is shown): those curves' points are followed too.
        for (TrainingCurve existing : monitor.curves()) {
            existing.points().addListener(redraw);
        }
        monitor.curves().addListener((ListChangeListener<TrainingCurve>) change -> {
            while (change.next()) {
                for (TrainingCurve added : change.getAddedSubList()) {
                    added.points().addListener(redraw);
                }
            }
            redraw();
        });
        model.chartModeProperty().addListener(redraw);
        model.runningProperty().addListener(o -> showModes());
        showModes();
        redraw();
    }

    Node node() {
        return root;
    }

    /** One toggle per mode of the run, to pick whose curves are drawn. */
    private void showModes() {
        RunPlan plan = model.monitor().plan();
        List<BranchTrainingMode> planned = plan == null ? List.of() : plan.modes();
        List<ToggleButton> buttons = new ArrayList<>();
        modes.getToggles().clear();
        for (BranchTrainingMode mode : planned) {
            ToggleButton button = new ToggleButton(StepCaptions.modeTitle(mode));
            button.setId("chartMode-" + mode.name().toLowerCase(java.util.Locale.ROOT));
            button.setUserData(mode);
            button.setMinWidth(Region.USE_PREF_SIZE);
            button.setToggleGroup(modes);
            button.setSelected(mode == model.chartModeProperty().get());
            button.setTooltip(new Tooltip("Show the curves of the " + StepCaptions.modeTitle(mode).toLowerCase(
                    java.util.Locale.ROOT) + " branches"));
            buttons.add(button);
        }
        modeToggles.getChildren().setAll(buttons);
        modeToggles.setVisible(buttons.size() > 1);
    }

    private void redraw() {
        RunPlan plan = model.monitor().plan();
        // A stored run shown from its histories brings its own modes, without a run starting or ending.
        List<Object> toggled = modes.getToggles().stream().map(Toggle::getUserData).toList();
        if (plan != null && !toggled.equals(plan.modes())) {
            showModes();
        }
        BranchTrainingMode shown = model.chartModeProperty().get();
        for (var toggle : modes.getToggles()) {
            if (toggle.getUserData() == shown && !toggle.isSelected()) {
                toggle.setSelected(true);
            }
        }
        List<XYChart.Series<Number, Number>> lossSeries = new ArrayList<>();
        List<XYChart.Series<Number, Number>> accuracySeries = new ArrayList<>();
        List<String[]> styles = new ArrayList<>();
        List<String[]> accuracyStyles = new ArrayList<>();
        int exits = plan == null ? 1 : plan.exitCount();
        int maxEpoch = plan == null ? 1 : plan.epochs();
        boolean hasBackbone = false;
        for (TrainingCurve curve : model.monitor().curves()) {
            if (!curve.isBackbone() && curve.mode() != shown) {
                continue;
            }
            String ink = curve.isBackbone() ? ExitPalette.backboneHex() : ExitPalette.hexOfIndex(curve.exit(), exits);
            hasBackbone |= curve.isBackbone();
            XYChart.Series<Number, Number> train = new XYChart.Series<>();
            XYChart.Series<Number, Number> valid = new XYChart.Series<>();
            XYChart.Series<Number, Number> acc = new XYChart.Series<>();
            for (CurvePoint p : curve.points()) {
                maxEpoch = Math.max(maxEpoch, p.epoch());
                train.getData().add(new XYChart.Data<>(p.epoch(), p.trainLoss()));
                if (!Double.isNaN(p.validLoss())) {
                    valid.getData().add(new XYChart.Data<>(p.epoch(), p.validLoss()));
                }
                acc.getData().add(new XYChart.Data<>(p.epoch(), 100 * p.validAccuracy()));
            }
            lossSeries.add(train);
            styles.add(new String[] {ink, "solid"});
            if (!valid.getData().isEmpty()) {
                lossSeries.add(valid);
                styles.add(new String[] {ink, "dashed"});
            }
            accuracySeries.add(acc);
            accuracyStyles.add(new String[] {ink, "solid"});
        }
        loss.getData().setAll(lossSeries);
        accuracy.getData().setAll(accuracySeries);
        for (int i = 0; i < lossSeries.size(); i++) {
            SeriesStyle.line(lossSeries.get(i), styles.get(i)[0], styles.get(i)[1].equals("dashed"), 2);
        }
        for (int i = 0; i < accuracySeries.size(); i++) {
            SeriesStyle.line(accuracySeries.get(i), accuracyStyles.get(i)[0], false, 2);
        }
        fitEpochs(lossEpochs, maxEpoch);
        fitEpochs(accuracyEpochs, maxEpoch);
        // Without points an auto-ranging axis shows 0..110; a percentage axis says 0..100 until there are some.
        boolean noAccuracy = accuracySeries.stream().allMatch(series -> series.getData().isEmpty());
        accuracyAxis.setAutoRanging(!noAccuracy);
        if (noAccuracy) {
            accuracyAxis.setLowerBound(0);
            accuracyAxis.setUpperBound(100);
            accuracyAxis.setTickUnit(20);
        }
        legend(plan, hasBackbone);
    }

    private void legend(RunPlan plan, boolean hasBackbone) {
        List<Node> items = new ArrayList<>();
        if (plan != null) {
            for (int k = 0; k < plan.exitCount(); k++) {
                Label item = new Label("exit " + (k + 1) + " · " + plan.vertices().get(k),
                        ExitLegend.swatch(k, plan.exitCount()));
                item.getStyleClass().add("legend-item");
                item.setMinWidth(Region.USE_PREF_SIZE);
                items.add(item);
            }
        }
        if (hasBackbone) {
            Label item = new Label("backbone", ExitLegend.swatch(plan == null ? 1 : plan.exitCount(),
                    plan == null ? 1 : plan.exitCount()));
            item.getStyleClass().add("legend-item");
            items.add(item);
        }
        items.add(SeriesStyle.legendItem("training loss", "#5b6675", false));
        items.add(SeriesStyle.legendItem("validation loss", "#5b6675", true));
        if (plan == null) {
            Label empty = new Label("Curves appear here as branches train.");
            empty.getStyleClass().add("muted");
            items.add(0, empty);
        }
        legend.getChildren().setAll(items);
    }

    private static void setUp(LineChart<Number, Number> chart, NumberAxis epochs, NumberAxis values, String id,
            String valueLabel) {
        chart.setId(id);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(false);
        chart.getStyleClass().add("training-chart");
        chart.setMinSize(160, 140);
        chart.setPrefSize(300, 200);
        epochs.setLabel("epoch");
        epochs.setAutoRanging(false);
        epochs.setMinorTickVisible(false);
        values.setLabel(valueLabel);
        values.setForceZeroInRange(false);
        fitEpochs(epochs, 1);
    }

    /** Epochs 1..n on whole-number ticks, fixed for the run so the chart does not jump as epochs arrive. */
    private static void fitEpochs(NumberAxis axis, int epochs) {
        int upper = Math.max(2, epochs);
        axis.setLowerBound(1);
        axis.setUpperBound(upper);
        axis.setTickUnit(upper <= 12 ? 1 : upper <= 30 ? 2 : Math.ceil(upper / 10.0));
    }
}
