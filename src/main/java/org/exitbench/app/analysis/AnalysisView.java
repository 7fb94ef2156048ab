package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridView;
import org.exitbench.app.chart.AccuracyComputeChart;
import org.exitbench.app.chart.ExitToggles;
import org.exitbench.app.data.ClassChoice;
import org.exitbench.app.data.ThumbnailCache;
import org.exitbench.app.data.ThumbnailPixels;
import org.exitbench.app.io.ExportActions;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.CascadePaneParts;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.ReferenceCurves;
import org.exitbench.app.operatingpoint.ReferenceCurvesModel;
import org.exitbench.app.operatingpoint.RefreshWhenShown;
import org.exitbench.app.operatingpoint.SampleImage;
import org.exitbench.app.theme.DividerPositions;
import org.exitbench.app.theme.Theme;
import org.exitbench.data.Split;

/**
 * The Analysis pane, everything on the test split: left, the accuracy-vs-compute chart and where each class
 * leaves; centre, the per-exit confusion matrix above the exit gallery; right, the selected image's path. Short of
 * room, matrix, gallery and path take turns as tabs. Each panel exports as PNG, the tables also as CSV.
 */
public final class AnalysisView {

    private static final int GALLERY_BORDER = 8;

    private final AnalysisViewModel model;
    private final ReferenceCurvesModel curves;
    private final ExportActions exports;
    /** Room beside a column's content for its scroll pane's border and vertical scroll bar, in pixels. */
    private static final double MATRIX_SCROLL_ALLOWANCE = 24;
    /**
     * The largest shares of the pane's width the chart's and the confusion matrix's columns take to show their
     * content whole: with the path column's 220 px they fit a pane of 920 px or more.
     */
    private static final double LEFT_COLUMN_MOST = 0.28;
    private static final double MATRIX_COLUMN_MOST = 0.48;
    /** The same caps when the path column has gone under the gallery and two columns share the pane. */
    private static final double LEFT_COLUMN_MOST_TWO = 0.45;
    private static final double MATRIX_COLUMN_MOST_TWO = 0.62;
    /** The narrowest the path column is shown beside the others, in pixels. */
    private static final double PATH_COLUMN_LEAST = 220;
    /**
     * The least height of the pane, in ems of its text, for the matrix above the gallery, and the note on boosting
     * above both: 1480 × 920 at normal text has 64 em and gives the gallery about 150 px; 1280 × 800 has 55 em
     * and gave it 65 px.
     */
    private static final double ROOMY_HEIGHT_EM = 60;
    /** The tab pane's border around the content of its tabs, in pixels. */
    private static final double TAB_PANE_BORDER = 4;
    /** A split pane's divider, at the largest text, in pixels. */
    private static final double DIVIDER_WIDTH = 14;

    private final VBox root = new VBox();
    private final AccuracyComputeChart chart = new AccuracyComputeChart("analysisChart", "test");
    private final ExitDistributionView distribution = new ExitDistributionView();
    private final ConfusionMatrixView confusion;
    private final SamplePathView path;
    private final ThumbnailCache thumbnails = new ThumbnailCache();
    private final ExitToggles galleryTabs;
    private final GridView<Integer> gallery;
    private final Label sourceLabel = new Label();
    private final VBox speedupSlot = new VBox(4);
    private final HBox actionsSlot = new HBox(6);
    private final VBox ownImageSlot = new VBox();
    /**
     * Where the confusion matrix, the gallery and (when the pane is too narrow for a column of its own) the path
     * take turns when the pane is short of room: each then has the column's whole height.
     */
    private final TabPane inspectTabs = new TabPane();
    private final Tab chartTab = new Tab("Accuracy vs compute");
    private final Tab matrixTab = new Tab("Confusion");
    private final Tab galleryTab = new Tab("Gallery");
    private final Tab pathTab = new Tab("Image's path");
    /** What boosting changed, in words: above the panels when there is room, else folded with the table. */
    private final Label boostingNote = new Label();
    private final VBox boostingContent = new VBox(10);
    private TitledPane boostingPane;
    private CascadeSource shownSource;

    /**
     * @param model   the pane's state
     * @param curves  the reference curves of the chart
     * @param dialogs asks where exports go
     */
    public AnalysisView(AnalysisViewModel model, ReferenceCurvesModel curves, FileDialogs dialogs) {
        this.model = model;
        this.curves = curves;
        this.exports = new ExportActions(dialogs);
        this.confusion = new ConfusionMatrixView(model);
        this.path = new SamplePathView(model);
        this.galleryTabs = new ExitToggles("galleryTabs", "galleryTab-", model.galleryExitProperty());
        this.gallery = new GridView<>();
        root.getStyleClass().addAll("pane-root", "analysis-pane");
        root.setId("analysisPane");
        Node banner = CascadePaneParts.syntheticBanner(model.operatingPoint(), "analysisSyntheticBanner",
                "Synthetic demo scores: generated for this dataset's images, not produced by trained branches."
                        + " The images are real; the answers and confidences are not.");
        boostingPane = boostingTable();
        root.getChildren().addAll(header(), banner, messageLine(), boostingNote(), boostingPane,
                CascadePaneParts.body(model.operatingPoint(), "analysisPlaceholder", content()));

        RefreshWhenShown refresh = new RefreshWhenShown(root,
                () -> show(model.operatingPoint().resultProperty().get()));
        model.operatingPoint().resultProperty().addListener((obs, old, now) -> refresh.request());
        // The grid follows the gallery's items only while shown, so a hidden grid rebuilds no cells.
        root.visibleProperty().addListener((obs, was, now) ->
                gallery.setItems(now ? model.gallery() : FXCollections.emptyObservableList()));
        gallery.setItems(root.isVisible() ? model.gallery() : FXCollections.emptyObservableList());
        curves.curvesProperty().addListener((obs, old, now) -> showCurves(now));
        refresh.request();
        showCurves(curves.curvesProperty().get());
    }

    /** @return the pane's root node */
    public Node node() {
        return root;
    }

    /**
     * The place under the accuracy-vs-compute chart, next to the current operating point, for the speedup of the
     * current thresholds: theoretical (from MACs), simulated and measured side by side once an exported cascade has
     * been timed. Hidden while empty; whoever measures adds its view here.
     *
     * @return the slot, empty until filled
     */
    public Pane speedupSlot() {
        return speedupSlot;
    }

    /**
     * The place above the selected test image's path for the path of an image of the user's own (issue 18).
     *
     * @return the slot, empty until filled
     */
    public Pane ownImageSlot() {
        return ownImageSlot;
    }

    /**
     * Brings the path panel into view: when the pane is too narrow for a path column, the path's tab beside the
     * confusion matrix is selected (an image was clicked in the gallery or one of the user's own was given).
     */
    public void showPath() {
        if (pathTab.getTabPane() != null) {
            inspectTabs.getSelectionModel().select(pathTab);
        }
    }

    /** Shows the note on boosting above the panels, or as the first part of the folded pane with its table. */
    private void placeBoostingNote(boolean above) {
        if (above && boostingNote.getParent() != root) {
            boostingContent.getChildren().remove(boostingNote);
            root.getChildren().add(root.getChildren().indexOf(boostingPane), boostingNote);
        } else if (!above && boostingNote.getParent() != boostingContent) {
            root.getChildren().remove(boostingNote);
            boostingContent.getChildren().add(0, boostingNote);
        }
    }

    /**
     * Adds a button to the pane's header, after the title (a sweep over settings, for example).
     *
     * @param action the button
     */
    public void addAction(Node action) {
        // A header button keeps its whole caption; the source line beside it wraps instead.
        if (action instanceof Region region) {
            region.setMinWidth(Region.USE_PREF_SIZE);
        }
        actionsSlot.getChildren().add(action);
    }

    private Node header() {
        sourceLabel.setId("analysisSource");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        actionsSlot.setId("analysisActions");
        actionsSlot.setAlignment(Pos.CENTER_RIGHT);
        HBox titles = Theme.paneTitles("Analysis", sourceLabel);
        HBox top = new HBox(12, titles, spacer, actionsSlot);
        top.setAlignment(Pos.CENTER_LEFT);
        return top;
    }

    private Node messageLine() {
        Label message = new Label();
        message.setId("analysisMessage");
        message.getStyleClass().add("pane-message");
        message.setWrapText(true);
        message.textProperty().bind(exports.messageProperty());
        message.visibleProperty().bind(message.textProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        return message;
    }

    /** What boosting changed in the shown run, in its own numbers (hidden without a second mode). */
    private Node boostingNote() {
        Label note = boostingNote;
        note.setId("analysisBoostingNote");
        // An explanation, not the outcome of an action: plain ink, not the pane message's "done" colour.
        note.getStyleClass().add("muted");
        note.setWrapText(true);
        note.textProperty().bind(model.boostingNoteProperty());
        note.visibleProperty().bind(note.textProperty().isNotEmpty());
        note.managedProperty().bind(note.visibleProperty());
        return note;
    }

    /**
     * What boosting changes, exit by exit: for both modes of the shown run, the test images reaching each exit, how
     * many it takes and how often it is right, and the classes it takes most. Folded by default; hidden without a
     * second mode.
     */
    private TitledPane boostingTable() {
        GridPane table = new GridPane();
        table.setId("boostingTable");
        table.setHgap(18);
        table.setVgap(4);
        boostingContent.getChildren().setAll(table);
        TitledPane pane = new TitledPane("What boosting changes, exit by exit (test split, current CPM settings)",
                boostingContent);
        pane.setId("boostingPane");
        pane.setExpanded(false);
        pane.setAnimated(false);
        pane.visibleProperty().bind(model.boostingComparisonProperty().isNotNull()
                .or(model.boostingNoteProperty().isNotEmpty()));
        pane.managedProperty().bind(pane.visibleProperty());
        Runnable fill = () -> {
            table.getChildren().clear();
            BoostingNote.Comparison comparison = model.boostingComparisonProperty().get();
            if (comparison == null) {
                return;
            }
            table.addRow(0, cellLabel("", true), cellLabel(comparison.primaryName(), true),
                    cellLabel(comparison.comparisonName(), true));
            int row = 1;
            for (BoostingNote.ExitComparison exit : comparison.exits()) {
                table.addRow(row++, cellLabel(exit.exit(), true), cellLabel(describe(exit.primary()), false),
                        cellLabel(describe(exit.comparison()), false));
            }
        };
        model.boostingComparisonProperty().addListener((obs, old, now) -> fill.run());
        fill.run();
        return pane;
    }

    private static String describe(BoostingNote.ModeAtExit at) {
        if (at.reaching() == 0) {
            return "no image reaches it";
        }
        String taken = "takes " + DisplayText.count(at.taken()) + " of " + DisplayText.count(at.reaching())
                + " reaching it";
        if (at.taken() == 0) {
            return taken;
        }
        return taken + ", " + DisplayText.wholePercent(at.precision()) + " right\nmostly " + at.topClasses();
    }

    private static Label cellLabel(String text, boolean bold) {
        Label label = new Label(text);
        label.setWrapText(true);
        label.setMinHeight(Region.USE_PREF_SIZE);
        if (bold) {
            label.getStyleClass().add("panel-title");
        }
        return label;
    }

    private Node content() {
        chart.hideTitle();
        speedupSlot.setId("speedupSlot");
        speedupSlot.visibleProperty().bind(Bindings.isNotEmpty(speedupSlot.getChildren()));
        speedupSlot.managedProperty().bind(speedupSlot.visibleProperty());
        VBox.setVgrow(chart.node(), Priority.ALWAYS);
        // In em (the stylesheet): the axis labels grow with the text and the plot keeps room between them.
        chart.node().getStyleClass().add("analysis-chart");
        VBox chartAndSpeedup = new VBox(6, chart.node(), speedupSlot);
        Node chartPanel = panel("Accuracy vs compute · test split", chartAndSpeedup,
                pngButton("exportAnalysisChart", chart.node(), "the accuracy-vs-compute chart (test)",
                        "analysis-accuracy-vs-compute"),
                csvButton("exportCurves", this::curvesCsv, "the accuracy-vs-compute curves",
                        "accuracy-vs-compute-curves"));
        Node distributionPanel = panel("Where each class leaves · test split", distribution.node(),
                pngButton("exportDistributionPng", distribution.node(), "the per-class exit distribution",
                        "exit-distribution"),
                csvButton("exportDistributionCsv", model::distributionCsv, "the per-class exit distribution",
                        "exit-distribution"));
        VBox.setVgrow(chartPanel, Priority.ALWAYS);
        VBox left = new VBox(10, chartPanel, distributionPanel);
        left.getStyleClass().add("analysis-column");

        Node confusionPanel = panel("Confusion per exit · test split", confusion.node(),
                pngButton("exportConfusionPng", confusion.node(), "the confusion matrix", "confusion-matrix"),
                csvButton("exportConfusionCsv", () -> model.confusionCsv(model.confusionExitProperty().get()),
                        "the confusion matrix", "confusion-matrix"));
        ScrollPane confusionScroll = scrolling(confusionPanel, 300);
        Node gallery = galleryPanel();
        SplitPane centre = new SplitPane(confusionScroll, gallery);
        centre.setOrientation(Orientation.VERTICAL);
        DividerPositions.placeWhenShown(centre, 400, 0.58);

        ownImageSlot.setId("ownImageSlot");
        ownImageSlot.visibleProperty().bind(Bindings.isNotEmpty(ownImageSlot.getChildren()));
        ownImageSlot.managedProperty().bind(ownImageSlot.visibleProperty());
        Node right = scrolling(new VBox(10, ownImageSlot, path.node()), 220);
        right.getStyleClass().add("path-scroll");
        inspectTabs.setId("inspectTabs");
        inspectTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        chartTab.setId("chartTab");
        matrixTab.setId("matrixTab");
        galleryTab.setId("galleryTab");
        pathTab.setId("pathTab");
        // A confusion cell filters the gallery: when they take turns, the click shows the gallery it filtered.
        model.confusionFilterProperty().addListener((obs, old, now) -> {
            if (now != null && galleryTab.getTabPane() != null) {
                inspectTabs.getSelectionModel().select(galleryTab);
            }
        });

        // Every column scrolls rather than insisting on its full width, so the divider positions hold at any
        // window size and font size.
        ScrollPane leftScroll = scrolling(left, 260);
        SplitPane split = new SplitPane(leftScroll, centre, right);
        // The chart's and the matrix's columns are never narrower than what they hold, which grows with the text
        // (Ctrl+=), while the window has room: the dividers give way rather than a column scrolling sideways, its
        // legend or last matrix columns out of view.
        IntegerProperty columns = new SimpleIntegerProperty(3);
        fitContent(confusionScroll, (Region) confusionPanel, 300, root, columns, MATRIX_COLUMN_MOST,
                MATRIX_COLUMN_MOST_TWO, null);
        // Two columns: the chart's gives way to the matrix's (and scrolls sideways), so that the two minimums never
        // add up to more than the split pane has (it lays its items out past its edge, where they are cut).
        fitContent(leftScroll, left, 260, root, columns, LEFT_COLUMN_MOST, LEFT_COLUMN_MOST_TWO, confusionScroll);
        // A tab pane's minimum width is its tab headers', not its content's: left at that, the split pane gave it
        // less than the matrix needs and the matrix's last columns and buttons were cut at its edge (real fonts,
        // 1280 × 800, text +2). At least as wide as the widest of what its tabs hold, and its border.
        inspectTabs.minWidthProperty().bind(Bindings.createDoubleBinding(() -> inspectTabs.getTabs().stream()
                .map(Tab::getContent).filter(Region.class::isInstance)
                .mapToDouble(content -> ((Region) content).getMinWidth()).max().orElse(0) + TAB_PANE_BORDER,
                inspectTabs.getTabs(), confusionScroll.minWidthProperty(), leftScroll.minWidthProperty()));
        split.setOrientation(Orientation.HORIZONTAL);
        DividerPositions.placeWhenShown(split, 800, 0.285, 0.79);
        // A small window or large text: the matrix above the gallery, each with its header rows, left the gallery
        // one row of images or none (65 px at 1280 × 800, 0 with text three steps up), and matrix, gallery and path
        // one above the other about 100 px each. Short of height, the matrix, the gallery and the path (when it has
        // no column) take turns as tabs, each with the column's whole height (a cell click shows the gallery, an
        // image's click its path), and the note on boosting folds into its table's pane. Short of width, the chart,
        // matrix and path columns no longer fit side by side at the widths their content needs: the chart and the
        // tabs share the width rather than cutting the legend and the matrix's last columns, and when even those two
        // do not fit, the chart's column becomes the first of the tabs.
        Runnable arrange = () -> {
            double two = left.minWidth(-1) + ((Region) confusionPanel).minWidth(-1) + 2 * MATRIX_SCROLL_ALLOWANCE;
            double inside = root.getWidth() - root.getInsets().getLeft() - root.getInsets().getRight();
            int wanted = root.getWidth() <= 0 || two + PATH_COLUMN_LEAST + 2 * DIVIDER_WIDTH <= inside ? 3
                    : two + DIVIDER_WIDTH + TAB_PANE_BORDER <= inside ? 2 : 1;
            boolean roomy = wanted == 3 && (root.getHeight() <= 0
                    || root.getHeight() >= ROOMY_HEIGHT_EM * sourceLabel.getFont().getSize());
            if (wanted == columns.get() && roomy == (boostingNote.getParent() == root)) {
                return;
            }
            columns.set(wanted);
            Tab selected = inspectTabs.getSelectionModel().getSelectedItem();
            // Each node leaves its old place before it takes its new one: a node is in one parent at a time.
            centre.getItems().clear();
            split.getItems().clear();
            inspectTabs.getTabs().clear();
            for (Tab tab : List.of(chartTab, matrixTab, galleryTab, pathTab)) {
                tab.setContent(null);
            }
            placeBoostingNote(roomy);
            double[] positions;
            if (roomy) {
                centre.getItems().setAll(confusionScroll, gallery);
                split.getItems().setAll(leftScroll, centre, right);
                positions = new double[] {0.285, 0.79};
            } else {
                List<Tab> tabs = new ArrayList<>();
                if (wanted == 1) {
                    chartTab.setContent(leftScroll);
                    tabs.add(chartTab);
                }
                matrixTab.setContent(confusionScroll);
                galleryTab.setContent(gallery);
                tabs.addAll(List.of(matrixTab, galleryTab));
                if (wanted < 3) {
                    pathTab.setContent(right);
                    tabs.add(pathTab);
                }
                inspectTabs.getTabs().setAll(tabs);
                if (tabs.contains(selected)) {
                    inspectTabs.getSelectionModel().select(selected);
                }
                split.getItems().setAll(wanted == 3 ? List.of(leftScroll, inspectTabs, right)
                        : wanted == 2 ? List.of(leftScroll, inspectTabs) : List.of(inspectTabs));
                // The path's column a little wider than beside matrix-over-gallery: at 220 px (1280 × 800) it broke
                // "t-shirt-top" in two; the matrix's column keeps its minimum whatever the position asks.
                positions = wanted == 3 ? new double[] {0.285, 0.75} : new double[] {0.42};
            }
            // Again once laid out: a split pane given new items before its next layout may clamp the positions
            // to its items' minimum sizes at their old size.
            DividerPositions.placeAfterRearranging(split, positions);
            if (roomy) {
                DividerPositions.placeAfterRearranging(centre, 0.58);
            }
        };
        Runnable later = () -> Platform.runLater(arrange);
        root.widthProperty().addListener((obs, old, now) -> later.run());
        root.heightProperty().addListener((obs, old, now) -> later.run());
        sourceLabel.fontProperty().addListener((obs, old, now) -> later.run());
        left.layoutBoundsProperty().addListener((obs, old, now) -> later.run());
        ((Region) confusionPanel).layoutBoundsProperty().addListener((obs, old, now) -> later.run());
        return split;
    }

    /**
     * Binds {@code scroll}'s minimum width to its content's (plus room for a scroll bar), at least {@code least}
     * and at most {@code mostOfThree} or {@code mostOfTwo} of {@code pane}'s width inside its padding while
     * {@code columns} are side by side (all of it less the tab pane's border when one). The pane's width, not the
     * split pane's: a split pane grows past its room when its columns' minimums add up to more, and the minimums must
     * not follow it. With two columns, at most what {@code giveWayTo} (the other column, or null) leaves.
     */
    private static void fitContent(ScrollPane scroll, Region content, double least, Region pane,
            IntegerProperty columns, double mostOfThree, double mostOfTwo, Region giveWayTo) {
        scroll.minWidthProperty().bind(Bindings.createDoubleBinding(() -> {
            double inside = pane.getWidth() - pane.getInsets().getLeft() - pane.getInsets().getRight();
            double most = columns.get() == 3 ? mostOfThree * inside : columns.get() == 2 ? mostOfTwo * inside
                    : inside - TAB_PANE_BORDER;
            if (columns.get() == 2 && giveWayTo != null) {
                most = Math.min(most, inside - giveWayTo.getMinWidth() - TAB_PANE_BORDER - DIVIDER_WIDTH);
            }
            return Math.max(0, Math.min(most, Math.max(least, content.minWidth(-1) + MATRIX_SCROLL_ALLOWANCE)));
        }, content.layoutBoundsProperty(), pane.widthProperty(), pane.insetsProperty(), columns,
                giveWayTo == null ? columns : giveWayTo.minWidthProperty()));
    }

    private static ScrollPane scrolling(Node content, double minWidth) {
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.setMinWidth(minWidth);
        scroll.getStyleClass().add("summary-scroll");
        return scroll;
    }

    private static Node panel(String title, Node content, Button... actions) {
        Label heading = new Label(title);
        heading.getStyleClass().add("panel-title");
        // A narrow column wraps the title ("… · test split" says which numbers these are) rather than cutting it,
        // and never shrinks it below the lines it needs (the column scrolls instead).
        heading.setMinWidth(0);
        heading.setWrapText(true);
        heading.setMinHeight(Region.USE_PREF_SIZE);
        for (Button action : actions) {
            action.setMinWidth(Region.USE_PREF_SIZE);
        }
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(6, heading, spacer);
        top.getChildren().addAll(actions);
        top.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(content, Priority.ALWAYS);
        VBox panel = new VBox(4, top, content);
        panel.getStyleClass().addAll("card", "analysis-panel");
        return panel;
    }

    private Button pngButton(String id, Node node, String what, String fileName) {
        Button button = new Button("PNG");
        button.setId(id);
        button.getStyleClass().add("small-button");
        button.setTooltip(new Tooltip("Save " + what + " as PNG"));
        button.setOnAction(event -> exports.png(node, what, fileName));
        return button;
    }

    private Button csvButton(String id, Supplier<String> csv, String what, String fileName) {
        Button button = new Button("CSV");
        button.setId(id);
        button.getStyleClass().add("small-button");
        button.setTooltip(new Tooltip("Save " + what + " as CSV"));
        button.setOnAction(event -> exports.csv(root, csv, what, fileName));
        return button;
    }

    private Node galleryPanel() {
        ComboBox<ClassChoice> classes = new ComboBox<>(model.classChoices());
        classes.setId("galleryClassFilter");
        classes.valueProperty().bindBidirectional(model.classFilterProperty());
        classes.setVisibleRowCount(12);
        classes.setMinWidth(Region.USE_PREF_SIZE);
        ComboBox<Correctness> outcome = new ComboBox<>();
        outcome.getItems().setAll(Correctness.values());
        outcome.setId("galleryCorrectness");
        outcome.valueProperty().bindBidirectional(model.correctnessProperty());
        outcome.setMinWidth(Region.USE_PREF_SIZE);
        Button clearCell = new Button();
        clearCell.setId("clearConfusionFilter");
        clearCell.getStyleClass().add("filter-chip");
        clearCell.textProperty().bind(Bindings.createStringBinding(() -> {
            ConfusionCell cell = model.confusionFilterProperty().get();
            List<String> names = model.classNames();
            return cell == null || names.isEmpty() ? "" : "true " + names.get(cell.trueClass()) + " → "
                    + names.get(cell.predictedClass()) + "  ✕";
        }, model.confusionFilterProperty()));
        clearCell.visibleProperty().bind(model.confusionFilterProperty().isNotNull());
        clearCell.managedProperty().bind(clearCell.visibleProperty());
        clearCell.setTooltip(new Tooltip("Show every image of this exit again"));
        clearCell.setOnAction(event -> model.confusionFilterProperty().set(null));
        Label summary = new Label();
        summary.setId("gallerySummary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.gallerySummaryProperty());
        summary.setWrapText(true);
        summary.setMinWidth(0);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        FlowPane filters = new FlowPane(10, 6, classes, outcome, clearCell);
        filters.setAlignment(Pos.CENTER_LEFT);

        gallery.setId("exitGallery");
        gallery.getStyleClass().add("exit-gallery");
        gallery.setCellFactory(view -> new GalleryCell(() -> model.operatingPoint().resultProperty().get(),
                thumbnails, model, sample -> {
                    model.selectedSampleProperty().set(sample);
                    showPath();
                }));
        gallery.setHorizontalCellSpacing(4);
        gallery.setVerticalCellSpacing(4);
        // Another tab or filter starts at the top; new thresholds keep the scroll position. (Later: the grid's
        // skin resizes its flow in a listener of its own.)
        Runnable toTop = () -> Platform.runLater(() -> {
            if (gallery.lookup(".virtual-flow") instanceof VirtualFlow<?> flow) {
                flow.scrollTo(0);
            }
        });
        model.galleryExitProperty().addListener((obs, old, now) -> toTop.run());
        model.classFilterProperty().addListener((obs, old, now) -> toTop.run());
        model.correctnessProperty().addListener((obs, old, now) -> toTop.run());
        model.confusionFilterProperty().addListener((obs, old, now) -> toTop.run());
        // A fixed preferred size: otherwise every layout of the panel asks the grid's flow to measure its cells.
        gallery.setPrefSize(300, 200);
        VBox.setVgrow(gallery, Priority.ALWAYS);
        Label title = new Label("Exit gallery · test split");
        title.getStyleClass().add("panel-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        // Rows that wrap rather than widen the column: the gallery shares the window with three other panels.
        FlowPane top = new FlowPane(12, 6, title, galleryTabs.node());
        top.setAlignment(Pos.CENTER_LEFT);
        summary.setWrapText(true);
        summary.setMinWidth(0);
        VBox panel = new VBox(6, top, filters, summary, gallery);
        panel.setMinWidth(0);
        panel.setId("galleryPanel");
        panel.getStyleClass().addAll("card", "analysis-panel");
        return panel;
    }

    private void show(OperatingPointResult result) {
        confusion.show(result);
        distribution.show(result);
        if (result == null) {
            sourceLabel.setText("");
            chart.setCurrent(Double.NaN, Double.NaN);
            galleryTabs.clear();
            shownSource = null;
            return;
        }
        CascadeSource source = result.source();
        int exits = source.exitCount();
        if (source != shownSource) {
            shownSource = source;
            sourceLabel.setText(source.name() + " · test split, " + DisplayText.count(result.testSampleCount())
                    + " images");
            source.images().image(Split.TEST, 0).map(SampleImage::images).ifPresent(images -> {
                int size = ThumbnailPixels.displaySize(images.height(), images.width()) + GALLERY_BORDER;
                gallery.setCellWidth(size);
                gallery.setCellHeight(size);
            });
        }
        galleryTabs.show(result.test());
        chart.setCurrent(result.test().computeReduction(), result.test().accuracy());
        if (model.selectedSampleProperty().get() < 0 && !model.gallery().isEmpty()) {
            // Something to read in the path panel from the start: the gallery's first image.
            model.selectedSampleProperty().set(model.gallery().get(0));
        }
    }

    private void showCurves(ReferenceCurves curves) {
        chart.setCurves(curves == null ? null : curves.primary(Split.TEST),
                curves == null ? null : curves.comparison(Split.TEST).orElse(null));
    }

    private String curvesCsv() {
        return ReferenceCurves.csv(curves.curvesProperty().get());
    }
}
