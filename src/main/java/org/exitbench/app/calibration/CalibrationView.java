package org.exitbench.app.calibration;

import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.exitbench.app.chart.AccuracyComputeChart;
import org.exitbench.app.chart.ExitLegend;
import org.exitbench.app.chart.StackedRateBar;
import org.exitbench.app.form.CpmFields;
import org.exitbench.app.io.ExportActions;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.CascadePaneParts;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DemoSourceBinding;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.ReferenceCurves;
import org.exitbench.app.operatingpoint.ReferenceCurvesModel;
import org.exitbench.app.operatingpoint.RefreshWhenShown;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.app.theme.DividerPositions;
import org.exitbench.app.theme.ExitPalette;
import org.exitbench.app.theme.SpinnerWidth;
import org.exitbench.app.theme.Theme;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.data.Split;

/**
 * The Calibration pane. Top: CPM's margin m and its form, the anchor source, the minimum support, "Reset to
 * CPM", undo / redo, load / save. Centre: one row per class and one column per exit, each cell a threshold
 * slider with the exit's precision against the bar and the images it takes. Right: the totals and the
 * accuracy-vs-compute chart, all on the validation split, moving as thresholds move.
 *
 * <p>Shortcuts while the pane is shown: Ctrl+Z undo, Ctrl+Y (or Ctrl+Shift+Z) redo.
 */
public final class CalibrationView {

    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    /** Room for the grid's vertical scroll bar and the divider, in pixels. */
    private static final double SCROLL_BAR_ROOM = 24;
    /** The least width, in ems, the totals and chart keep when the divider makes room for the grid. */
    private static final double SIDE_MIN_EM = 22;
    /** The grid's share of the split: beside the totals and chart, and above them when stacked. */
    private static final double SIDE_BY_SIDE_GRID_SHARE = 0.58;
    private static final double STACKED_GRID_SHARE = 0.55;

    private final CalibrationViewModel model;
    private final FileDialogs dialogs;
    private final ExportActions exports;
    private final VBox root = new VBox();
    private final GridPane grid = new GridPane();
    private final List<ThresholdCell> cells = new ArrayList<>();
    private final List<Label> exitHeaders = new ArrayList<>();
    private final AccuracyComputeChart chart = new AccuracyComputeChart("calibrationChart", "validation");
    private final Label sourceLabel = new Label();
    private final Label totalsCaption = new Label();
    private final Label accuracy = new Label();
    private final Label drop = new Label();
    private final Label backbone = new Label();
    private final Label reduction = new Label();
    private final StackedRateBar exitBar = new StackedRateBar();
    private final ExitLegend legend = new ExitLegend();
    private final Label warnings = new Label();
    private CascadeSource shownSource;
    /** The grid width the divider was last moved for, with the split's width then. */
    private double fittedGrid = -1;
    private double fittedSplit = -1;

    /**
     * @param model   the pane's state
     * @param curves  the reference curves of the chart
     * @param dialogs asks where to save and what to load
     */
    public CalibrationView(CalibrationViewModel model, ReferenceCurvesModel curves, FileDialogs dialogs) {
        this.model = model;
        this.dialogs = dialogs;
        this.exports = new ExportActions(dialogs);
        root.getStyleClass().addAll("pane-root", "calibration-pane");
        root.setId("calibrationPane");
        Node banner = CascadePaneParts.syntheticBanner(model.operatingPoint(), "calibrationSyntheticBanner",
                "Synthetic demo scores: generated for this dataset's images, not produced by trained branches."
                        + " They show how the workbench behaves; they say nothing about a model. The demo starts at"
                        + " m = " + DemoSourceBinding.DEMO_MARGIN + "; at the paper's 0.20 nearly every synthetic"
                        + " image leaves at exit 1.");
        root.getChildren().addAll(header(), settingsBar(), new DecisionRulePicker(model.decisionRules()).node(),
                banner, messageLine(),
                CascadePaneParts.body(model.operatingPoint(), "calibrationPlaceholder", content()));

        RefreshWhenShown refresh = new RefreshWhenShown(root,
                () -> show(model.operatingPoint().resultProperty().get()));
        model.operatingPoint().resultProperty().addListener((obs, old, now) -> refresh.request());
        curves.curvesProperty().addListener((obs, old, now) -> showCurves(now));
        refresh.request();
        showCurves(curves.curvesProperty().get());
        root.sceneProperty().addListener((obs, old, scene) -> installShortcuts(scene));
    }

    /** @return the pane's root node */
    public Node node() {
        return root;
    }

    private Node header() {
        sourceLabel.setId("calibrationSource");
        HBox titles = Theme.paneTitles("Calibration", sourceLabel);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);

        Button undo = new Button("Undo");
        undo.setId("undoButton");
        undo.disableProperty().bind(model.history().canUndoProperty().not());
        undo.setOnAction(event -> model.undo());
        Tooltip undoTip = new Tooltip();
        undoTip.textProperty().bind(Bindings.concat("Undo ", model.history().undoActionProperty(), " (Ctrl+Z)"));
        undo.setTooltip(undoTip);
        Button redo = new Button("Redo");
        redo.setId("redoButton");
        redo.disableProperty().bind(model.history().canRedoProperty().not());
        redo.setOnAction(event -> model.redo());
        Tooltip redoTip = new Tooltip();
        redoTip.textProperty().bind(Bindings.concat("Redo ", model.history().redoActionProperty(), " (Ctrl+Y)"));
        redo.setTooltip(redoTip);
        Button load = new Button("Load…");
        load.setId("loadThresholds");
        load.setTooltip(new Tooltip("Load thresholds from a JSON file (undoable)"));
        load.setOnAction(event -> dialogs.open(window(), "Load thresholds", FileDialogs.Kind.JSON)
                .ifPresent(model::load));
        Button save = new Button("Save…");
        save.setId("saveThresholds");
        save.setTooltip(new Tooltip("Save the current thresholds as JSON"));
        save.setOnAction(event -> dialogs.save(window(), "Save thresholds", FileDialogs.Kind.JSON, "thresholds")
                .ifPresent(model::save));
        Button csv = new Button("CSV");
        csv.setId("exportThresholdTable");
        csv.setTooltip(new Tooltip("Export the threshold table (validation split) as CSV"));
        csv.setOnAction(event -> exports.csv(root, model::tableCsv, "the threshold table", "thresholds-table"));
        HBox actions = new HBox(6, undo, redo, load, save, csv);
        actions.getChildren().forEach(n -> ((Region) n).setMinWidth(Region.USE_PREF_SIZE));
        actions.disableProperty().bind(model.operatingPoint().sourceProperty().isNull());
        HBox top = new HBox(12, titles, spacer, actions);
        top.setAlignment(Pos.CENTER_LEFT);
        return top;
    }

    private Node settingsBar() {
        Label marginKey = new Label("Margin m");
        marginKey.getStyleClass().add("setting-key");
        // Negative margins reach the low-loss operating points (a bar above the backbone's own precision).
        Slider margin = new Slider(-0.1, 0.5, CpmSettings.DEFAULT_MARGIN);
        margin.setId("marginSlider");
        margin.setMajorTickUnit(0.1);
        margin.setMinorTickCount(1);
        margin.setShowTickMarks(true);
        margin.setBlockIncrement(0.01);
        margin.setPrefWidth(180);
        MarginSteps.link(margin.valueProperty(), model.marginProperty());
        Label marginValue = new Label();
        marginValue.setId("marginValue");
        marginValue.getStyleClass().add("setting-value");
        marginValue.textProperty().bind(Bindings.createStringBinding(
                () -> DisplayText.margin(model.marginProperty().get()), model.marginProperty()));
        marginValue.setMinWidth(Region.USE_PREF_SIZE);
        Tooltip.install(margin, new Tooltip("CPM's margin m: how far below the backbone's own precision on a class"
                + " an exit may go (0.20 is the canonical value of CalexNet's README)."));

        ChoiceBox<MarginForm> form = new ChoiceBox<>();
        form.setId("marginForm");
        form.getItems().setAll(MarginForm.values());
        form.setConverter(DisplayText.choiceNames(CpmFields::formName));
        form.valueProperty().bindBidirectional(model.marginFormProperty());
        form.setTooltip(new Tooltip("The papers name the margin but not its form; both readings are offered"
                + " (our reconstruction)."));

        ChoiceBox<AnchorSource> anchor = new ChoiceBox<>();
        anchor.setId("anchorSource");
        anchor.getItems().setAll(AnchorSource.values());
        anchor.setConverter(DisplayText.choiceNames(a -> a == AnchorSource.FULL_VALIDATION ? "anchor: full validation"
                : "anchor: survivors of each exit"));
        anchor.valueProperty().bindBidirectional(model.anchorSourceProperty());
        anchor.setTooltip(new Tooltip("Where the backbone's per-class precision, the anchor, is measured: on the"
                + " whole validation split (BTS-EE, our reading) or on the images that reach each exit"
                + " (CalexNet's cascade-aware CPM)."));

        Label supportKey = new Label("min support");
        supportKey.getStyleClass().add("setting-key");
        Spinner<Integer> support = new Spinner<>(1, 10_000, model.minimumSupportProperty().get(), 5);
        support.setId("minimumSupport");
        support.setEditable(true);
        SpinnerWidth.fitToValues(support);
        support.valueProperty().addListener((obs, old, now) -> {
            if (now != null) {
                model.minimumSupportProperty().set(now);
            }
        });
        model.minimumSupportProperty().addListener((obs, old, now) -> {
            if (!now.equals(support.getValue())) {
                support.getValueFactory().setValue(now.intValue());
            }
        });
        support.setTooltip(new Tooltip("The fewest validation images a CPM threshold may admit for a class"
                + " (default 30, our reconstruction)."));

        Button reset = new Button("Reset to CPM");
        reset.setId("resetToCpm");
        reset.getStyleClass().add("accent-button");
        reset.setMinWidth(Region.USE_PREF_SIZE);
        reset.setTooltip(new Tooltip("The settings here act at once: moving m recalibrates every unlocked class"
                + " with CPM on the validation split. This button does it again after thresholds were dragged by"
                + " hand (undoable)."));
        reset.setOnAction(event -> model.resetToCpm());

        Label budgetKey = new Label("Keep the drop \u2264");
        budgetKey.getStyleClass().add("setting-key");
        Spinner<Double> budget = new Spinner<>(0.0, 50.0, model.budgetPointsProperty().get(), 0.5);
        budget.getValueFactory().setConverter(DisplayText.decimal("%.1f", model.budgetPointsProperty()::getValue));
        model.budgetPointsProperty().addListener((obs, old, now) -> {
            if (!now.equals(budget.getValue())) {
                budget.getValueFactory().setValue(now.doubleValue());
            }
        });
        budget.setId("budgetPoints");
        budget.setEditable(true);
        SpinnerWidth.fitToValues(budget);
        budget.valueProperty().addListener((obs, old, now) -> {
            if (now != null) {
                model.budgetPointsProperty().set(now);
            }
        });
        Label budgetUnit = new Label("pts");
        budgetUnit.getStyleClass().add("setting-key");
        Button findMargin = new Button("Find margin");
        findMargin.setId("findMargin");
        findMargin.setMinWidth(Region.USE_PREF_SIZE);
        findMargin.disableProperty().bind(model.searchingProperty());
        findMargin.setOnAction(event -> model.findMarginWithinBudget(null));
        Tooltip budgetTip = new Tooltip("Accuracy budget: sweep the margin m (in the form chosen) and take the one"
                + " that saves the most compute while the validation accuracy drops by at most this many points;"
                + " then reset to CPM (undoable). The BTS-EE abstract reports up to 45 % saved for about 2 points.");
        budgetTip.setWrapText(true);
        budgetTip.setMaxWidth(420);
        findMargin.setTooltip(budgetTip);
        budget.setTooltip(budgetTip);
        HBox budgetGroup = new HBox(6, budgetKey, budget, budgetUnit, findMargin);
        budgetGroup.setAlignment(Pos.CENTER_LEFT);
        budgetGroup.setId("accuracyBudget");
        budgetKey.setMinWidth(Region.USE_PREF_SIZE);
        budgetUnit.setMinWidth(Region.USE_PREF_SIZE);

        HBox marginGroup = new HBox(8, marginKey, margin, marginValue);
        marginGroup.setAlignment(Pos.CENTER_LEFT);
        HBox supportGroup = new HBox(8, supportKey, support);
        supportGroup.setAlignment(Pos.CENTER_LEFT);
        // Wraps onto a second line at large font sizes rather than cutting off "Reset to CPM".
        FlowPane bar = new FlowPane(12, 6, marginGroup, form, anchor, supportGroup, reset, budgetGroup);
        bar.setId("cpmSettings");
        bar.getStyleClass().addAll("card", "settings-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        for (Node n : List.of(marginKey, form, anchor, supportKey)) {
            ((Region) n).setMinWidth(Region.USE_PREF_SIZE);
        }
        bar.disableProperty().bind(model.operatingPoint().sourceProperty().isNull());
        return bar;
    }

    private Node messageLine() {
        Label message = new Label();
        message.setId("calibrationMessage");
        message.setWrapText(true);
        message.getStyleClass().add("pane-message");
        // The latest outcome of either a save/load/reset or an export, whichever came last.
        model.messageProperty().addListener((obs, old, now) -> {
            message.setText(now);
            message.pseudoClassStateChanged(ERROR, model.messageIsErrorProperty().get());
        });
        exports.messageProperty().addListener((obs, old, now) -> {
            message.setText(now);
            message.pseudoClassStateChanged(ERROR, now.startsWith("Could not"));
        });
        // The pane may be built after a message was set (the demo's operating point is picked before it is shown).
        message.setText(model.messageProperty().get());
        message.pseudoClassStateChanged(ERROR, model.messageIsErrorProperty().get());
        message.visibleProperty().bind(message.textProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        return message;
    }

    private Node content() {
        grid.setId("thresholdGrid");
        grid.getStyleClass().add("threshold-grid");
        ScrollPane gridScroll = new ScrollPane(grid);
        gridScroll.setFitToWidth(true);
        gridScroll.getStyleClass().add("threshold-scroll");

        Button png = new Button("PNG");
        png.setId("exportCalibrationChart");
        png.setTooltip(new Tooltip("Save the chart as PNG"));
        png.setOnAction(event -> exports.png(chart.node(), "the accuracy-vs-compute chart (validation)",
                "calibration-accuracy-vs-compute"));
        HBox chartActions = new HBox(png);
        chartActions.setAlignment(Pos.CENTER_RIGHT);
        // The chart's title as a label of the column, which wraps at projector-sized text where the chart's own
        // title would be cut.
        chart.hideTitle();
        Label chartTitle = new Label("Accuracy vs compute saved · validation split");
        chartTitle.setId("calibrationChartTitle");
        chartTitle.getStyleClass().add("panel-title");
        chartTitle.setWrapText(true);
        chartTitle.setMinHeight(Region.USE_PREF_SIZE);
        VBox side = new VBox(10, totals(), warnings, chartTitle, chart.node(), chartActions);
        side.getStyleClass().add("calibration-side");
        VBox.setVgrow(chart.node(), Priority.ALWAYS);
        warnings.setId("calibrationWarnings");
        warnings.getStyleClass().add("warning-text");
        warnings.setWrapText(true);
        warnings.managedProperty().bind(warnings.visibleProperty());

        // Both sides scroll or shrink rather than insisting on their full width, so the divider holds.
        gridScroll.setMinWidth(280);
        ScrollPane sideScroll = new ScrollPane(side);
        sideScroll.setFitToWidth(true);
        sideScroll.setFitToHeight(true);
        sideScroll.setMinWidth(280);
        sideScroll.getStyleClass().add("summary-scroll");
        SplitPane split = new SplitPane(gridScroll, sideScroll);
        split.setOrientation(Orientation.HORIZONTAL);
        DividerPositions.placeWhenShown(split, 800, SIDE_BY_SIDE_GRID_SHARE);
        // When the grid's columns no longer fit (larger text, a narrower window, more exits), the divider moves to
        // give them their width as far as the totals and chart can spare it; a divider the user dragged stays
        // until the needed width changes again.
        Runnable fit = () -> Platform.runLater(() -> fitGrid(split, gridScroll));
        grid.widthProperty().addListener((obs, old, now) -> fit.run());
        split.widthProperty().addListener((obs, old, now) -> fit.run());
        return split;
    }

    private void fitGrid(SplitPane split, ScrollPane gridScroll) {
        double width = split.getWidth();
        if (width < 600 || split.getDividers().isEmpty() || gridScroll.getViewportBounds() == null) {
            return;
        }
        Insets insets = gridScroll.getInsets();
        double needed = grid.minWidth(-1) + insets.getLeft() + insets.getRight() + SCROLL_BAR_ROOM;
        if (Math.abs(needed - fittedGrid) < 1 && Math.abs(width - fittedSplit) < 1) {
            return;
        }
        fittedGrid = needed;
        fittedSplit = width;
        double sideMin = Math.max(SIDE_MIN_EM * sourceLabel.getFont().getSize(), 280);
        // Grid and side no longer fit next to each other (large text on a small window): the grid goes on top at
        // its full width and the totals and chart under it, each scrolling down, instead of the grid sideways.
        boolean stack = needed > width - sideMin;
        Orientation wanted = stack ? Orientation.VERTICAL : Orientation.HORIZONTAL;
        if (split.getOrientation() != wanted) {
            split.setOrientation(wanted);
            split.setDividerPositions(stack ? STACKED_GRID_SHARE : SIDE_BY_SIDE_GRID_SHARE);
        }
        double shown = split.getDividerPositions()[0] * width;
        if (!stack && needed > shown) {
            split.setDividerPositions(Math.min(needed, width - sideMin) / width);
        }
    }

    private Node totals() {
        totalsCaption.setId("totalsSplit");
        totalsCaption.getStyleClass().add("split-caption");
        accuracy.setId("totalAccuracy");
        drop.setId("totalDrop");
        backbone.setId("totalBackbone");
        reduction.setId("totalReduction");
        exitBar.setId("totalExitBar");
        // The backbone's accuracy has a row of its own: beside the change it was cut at projector-sized text.
        for (Label value : List.of(accuracy, drop, backbone, reduction)) {
            value.getStyleClass().add("total-value");
            value.setMinWidth(Region.USE_PREF_SIZE);
        }
        GridPane table = new GridPane();
        table.getStyleClass().add("totals-table");
        table.setHgap(14);
        table.setVgap(4);
        table.addRow(0, key("Accuracy"), accuracy);
        table.addRow(1, key("vs backbone"), drop);
        table.addRow(2, key("Backbone"), backbone);
        table.addRow(3, key("Compute saved"), reduction);
        table.addRow(4, key("Exit rates"), exitBar);
        GridPane.setHgrow(exitBar, Priority.ALWAYS);
        exitBar.setMaxWidth(Double.MAX_VALUE);
        exitBar.setMinHeight(16);
        VBox box = new VBox(6, totalsCaption, table, legend);
        box.setId("calibrationTotals");
        box.getStyleClass().addAll("card", "totals-box");
        return box;
    }

    private static Label key(String text) {
        Label key = new Label(text);
        key.getStyleClass().add("total-key");
        key.setMinWidth(Region.USE_PREF_SIZE);
        return key;
    }

    private void show(OperatingPointResult result) {
        if (result == null) {
            sourceLabel.setText("");
            shownSource = null;
            grid.getChildren().clear();
            cells.clear();
            chart.setCurrent(Double.NaN, Double.NaN);
            return;
        }
        if (result.source() != shownSource) {
            shownSource = result.source();
            buildGrid(shownSource);
            sourceLabel.setText(shownSource.name() + " · " + shownSource.exitCount() + " exits × "
                    + shownSource.classCount() + " classes");
        }
        for (ThresholdCell cell : cells) {
            cell.show(result.table().cell(cell.exit(), cell.predictedClass()),
                    shownSource.classNames().get(cell.predictedClass()));
        }
        CascadeResult validation = result.validation();
        int exits = validation.exitCount();
        for (int k = 0; k < exits; k++) {
            exitHeaders.get(k).setText(DisplayText.exitTitle(k, exits) + " · takes "
                    + DisplayText.wholePercent(validation.exitRate(k)));
        }
        totalsCaption.setText("Validation split · " + DisplayText.count(validation.sampleCount()) + " images"
                + (shownSource.synthetic() ? " · " + SyntheticCascadeSource.NAME : ""));
        accuracy.setText(DisplayText.percent(validation.accuracy()));
        drop.setText(DisplayText.points(validation.accuracyChange()));
        backbone.setText(DisplayText.percent(validation.backboneAccuracy()));
        reduction.setText(DisplayText.percent(validation.computeReduction()));
        double[] rates = new double[exits + 1];
        String[] rateText = new String[exits + 1];
        for (int e = 0; e <= exits; e++) {
            rates[e] = validation.exitRate(e);
            rateText[e] = DisplayText.percent(rates[e]);
        }
        exitBar.setRates(rates, "validation split, " + DisplayText.count(validation.sampleCount()) + " images");
        legend.show(exits, rateText);
        List<String> silent = result.silentExits();
        warnings.setText(String.join(" ", silent));
        warnings.setVisible(!silent.isEmpty());
        chart.setCurrent(validation.computeReduction(), validation.accuracy());
    }

    private void showCurves(ReferenceCurves curves) {
        chart.setCurves(curves == null ? null : curves.primary(Split.VALID),
                curves == null ? null : curves.comparison(Split.VALID).orElse(null));
    }

    private void buildGrid(CascadeSource source) {
        grid.getChildren().clear();
        grid.getColumnConstraints().clear();
        cells.clear();
        exitHeaders.clear();
        int exits = source.exitCount();
        ColumnConstraints classColumn = new ColumnConstraints();
        classColumn.setMinWidth(Region.USE_PREF_SIZE);
        grid.getColumnConstraints().add(classColumn);
        for (int k = 0; k < exits; k++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setHgrow(Priority.ALWAYS);
            column.setMinWidth(150);
            column.setFillWidth(true);
            grid.getColumnConstraints().add(column);
            Label header = new Label(DisplayText.exitTitle(k, exits));
            header.setId("exitHeader-" + k);
            header.getStyleClass().add("exit-header");
            header.setStyle("-fx-border-color: transparent transparent " + ExitPalette.hexOfIndex(k, exits)
                    + " transparent;");
            header.setMaxWidth(Double.MAX_VALUE);
            // With large text the share the exit takes goes onto a second line rather than being cut.
            header.setWrapText(true);
            GridPane.setHalignment(header, HPos.LEFT);
            exitHeaders.add(header);
            grid.add(header, k + 1, 0);
        }
        Label classHeader = new Label("Class (answer)");
        classHeader.getStyleClass().add("class-header");
        grid.add(classHeader, 0, 0);
        for (int c = 0; c < source.classCount(); c++) {
            ToggleButton lock = new ToggleButton("lock");
            lock.setId("lock-" + c);
            lock.getStyleClass().add("lock-toggle");
            lock.selectedProperty().bindBidirectional(model.lockedProperty(c));
            lock.textProperty().bind(Bindings.when(lock.selectedProperty()).then("locked").otherwise("lock"));
            lock.setTooltip(new Tooltip("A locked class keeps its thresholds when you reset to CPM"));
            lock.setMinWidth(Region.USE_PREF_SIZE);
            Label name = new Label(source.classNames().get(c));
            name.getStyleClass().add("class-name");
            name.setMinWidth(Region.USE_PREF_SIZE);
            HBox label = new HBox(8, name, new Region(), lock);
            HBox.setHgrow(label.getChildren().get(1), Priority.ALWAYS);
            label.setAlignment(Pos.CENTER_LEFT);
            label.getStyleClass().add("class-cell");
            grid.add(label, 0, c + 1);
            for (int k = 0; k < exits; k++) {
                ThresholdCell cell = new ThresholdCell(model, k, exits, c);
                cells.add(cell);
                grid.add(cell, k + 1, c + 1);
            }
        }
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    private void installShortcuts(Scene scene) {
        if (scene == null) {
            return;
        }
        Runnable undo = () -> {
            if (root.isVisible()) {
                model.undo();
            }
        };
        Runnable redo = () -> {
            if (root.isVisible()) {
                model.redo();
            }
        };
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN), undo);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN), redo);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN), redo);
    }
}
