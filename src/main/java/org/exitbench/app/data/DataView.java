package org.exitbench.app.data;

import java.nio.file.Path;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.controlsfx.control.GridView;
import org.controlsfx.control.Notifications;
import org.exitbench.data.DatasetSummary;
import org.exitbench.data.Split;

/**
 * The Data pane: the open dataset's name, layout and geometry; its counts per split and class as a table and a
 * bar chart; its warnings in a banner that expands; and a thumbnail grid filtered by split and class.
 */
public final class DataView {

    private static final int NOTIFICATION_CHARS = 90;
    /** Minimum widths of the counts table's columns, in row heights. */
    private static final double CLASS_COLUMN_ROWS = 4.6;
    private static final double COUNT_COLUMN_ROWS = 2.6;
    /** The summary column's padding and border around the counts table, in pixels. */
    private static final double SUMMARY_SCROLL_ALLOWANCE = 24;
    /**
     * The least width, in pixels, the thumbnail column keeps beside the summary column (more when its filter bar
     * needs more): four thumbnails of a 28 × 28 dataset a row. (At 360 px, the counts table's last column was cut by
     * 24 px at 1280 × 800 with text three steps up.)
     */
    private static final double THUMBNAIL_COLUMN_LEAST = 280;
    /** The split pane's divider and borders, in pixels (the pane's padding, which follows the text, is added). */
    private static final double DIVIDER_ROOM = 16;
    private static final PseudoClass TOTAL_ROW = PseudoClass.getPseudoClass("total");

    private final DataViewModel model;
    private final FolderChooser chooser;
    private final VBox root = new VBox();
    private final ThumbnailCache thumbnails = new ThumbnailCache();
    private Path lastFolder;

    /**
     * @param model   the pane's state
     * @param chooser asks for a folder when the user presses Open…
     */
    public DataView(DataViewModel model, FolderChooser chooser) {
        this.model = model;
        this.chooser = chooser;
        root.getStyleClass().addAll("pane-root", "data-pane");
        root.setId("dataPane");
        StackPane body = new StackPane(placeholder(), content());
        VBox.setVgrow(body, Priority.ALWAYS);
        root.getChildren().addAll(header(), errorBanner(), warningsBanner(), body);
        model.datasetProperty().addListener((obs, old, now) -> {
            if (now != null) {
                lastFolder = now.root();
            }
        });
        if (model.datasetProperty().get() != null) {
            lastFolder = model.datasetProperty().get().root();
        }
    }

    /** @return the pane's root node */
    public Node node() {
        return root;
    }

    /** Asks for a dataset folder and opens it; does nothing when the user cancels the dialog. */
    public void promptOpen() {
        Path start = lastFolder == null ? null : lastFolder.toAbsolutePath().getParent();
        chooser.choose(root.getScene() == null ? null : root.getScene().getWindow(), start).ifPresent(model::open);
    }

    private Node header() {
        Label title = new Label("Data");
        title.getStyleClass().add("pane-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Label name = new Label();
        name.setId("datasetName");
        name.getStyleClass().add("dataset-name");
        name.textProperty().bind(Bindings.createStringBinding(() -> model.summaryProperty().get() == null
                ? "No dataset open" : model.summaryProperty().get().name(), model.summaryProperty()));
        Label facts = new Label();
        facts.setId("datasetFacts");
        facts.getStyleClass().add("pane-subtitle");
        facts.setWrapText(true);
        facts.setMinHeight(Region.USE_PREF_SIZE);
        facts.textProperty().bind(Bindings.createStringBinding(() -> facts(model.summaryProperty().get()),
                model.summaryProperty()));
        HBox titles = new HBox(12, title, name);
        titles.setAlignment(Pos.BASELINE_LEFT);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button open = new Button("Open…");
        open.setId("openButton");
        open.getStyleClass().add("accent-button");
        open.setTooltip(new Tooltip("Open an ImageFolder dataset, a CIFAR-10 binary folder or a folder of IDX files"
                + " (Ctrl+O)"));
        open.setOnAction(event -> promptOpen());
        open.setMinWidth(Region.USE_PREF_SIZE);
        HBox top = new HBox(12, titles, spacer, open);
        top.setAlignment(Pos.CENTER_LEFT);
        return new VBox(4, top, facts);
    }

    /** @return "IDX  ·  28 × 28 px, 1 channel (grayscale)  ·  10 classes, 70,000 images  ·  path" */
    static String facts(DatasetSummary summary) {
        if (summary == null) {
            return "";
        }
        return summary.format().displayName() + "  ·  " + summary.width() + " × " + summary.height() + " px, "
                + summary.channelDescription() + "  ·  " + summary.classNames().size() + " classes, "
                + String.format("%,d", summary.total()) + " images  ·  " + summary.root().toAbsolutePath().normalize();
    }

    private Node errorBanner() {
        Label text = new Label();
        text.setId("errorText");
        text.setWrapText(true);
        text.textProperty().bind(model.errorProperty());
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        Button dismiss = new Button("Dismiss");
        dismiss.setMinWidth(Region.USE_PREF_SIZE);
        dismiss.setOnAction(event -> model.dismissError());
        HBox banner = new HBox(12, text, dismiss);
        banner.setId("errorBanner");
        banner.getStyleClass().addAll("banner", "error-banner");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.visibleProperty().bind(model.errorProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        model.errorProperty().addListener((obs, old, now) -> {
            if (!now.isEmpty()) {
                notifyError(now);
            }
        });
        return banner;
    }

    private void notifyError(String message) {
        if (root.getScene() == null || root.getScene().getWindow() == null
                || !root.getScene().getWindow().isShowing()) {
            return;
        }
        // The pane's banner has the whole message; a notification has room for one line of it.
        Notifications.create().owner(root.getScene().getWindow()).title("Could not open the dataset")
                .text(abbreviate(message.startsWith(DataViewModel.OPEN_FAILED)
                        ? message.substring(DataViewModel.OPEN_FAILED.length()).strip() : message,
                        NOTIFICATION_CHARS)).hideAfter(Duration.seconds(8)).showError();
    }

    /**
     * @return {@code text} cut at a word boundary to at most {@code max} characters, with "…" when cut
     */
    static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max - 1);
        return text.substring(0, cut > 0 ? cut : max - 1).stripTrailing() + "…";
    }

    private Node warningsBanner() {
        VBox list = new VBox(4);
        list.setId("warningsList");
        Runnable fill = () -> {
            list.getChildren().clear();
            for (String warning : model.warnings()) {
                Label line = new Label("•  " + warning);
                line.setWrapText(true);
                list.getChildren().add(line);
            }
        };
        model.warnings().addListener((ListChangeListener<String>) change -> fill.run());
        // The app builds its panes after start-up has begun: a dataset may be open already.
        fill.run();
        TitledPane banner = new TitledPane();
        banner.setId("warningsBanner");
        banner.getStyleClass().addAll("banner", "warnings-banner");
        banner.setContent(list);
        banner.setExpanded(false);
        banner.textProperty().bind(Bindings.createStringBinding(() -> {
            int n = model.warnings().size();
            return "⚠  " + n + (n == 1 ? " warning" : " warnings") + " about this dataset";
        }, model.warnings()));
        banner.visibleProperty().bind(Bindings.isNotEmpty(model.warnings()));
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }

    private Node placeholder() {
        Label text = new Label();
        text.setId("dataPlaceholder");
        text.getStyleClass().add("placeholder-text");
        text.setWrapText(true);
        text.textProperty().bind(Bindings.when(model.loadingProperty()).then(model.loadingTextProperty())
                .otherwise("No dataset open. Press Open… (Ctrl+O) to read an ImageFolder dataset, a CIFAR-10"
                        + " binary folder or a folder of IDX files."));
        text.visibleProperty().bind(model.datasetProperty().isNull());
        return text;
    }

    private Node content() {
        Region table = countsTable();
        Region grid = thumbnailColumn();
        VBox summary = new VBox(10, table, countsChart());
        summary.getStyleClass().add("summary-column");
        // Scrolls only when large fonts make the table and chart taller than the window.
        ScrollPane summaryScroll = new ScrollPane(summary);
        summaryScroll.setFitToWidth(true);
        summaryScroll.setFitToHeight(true);
        summaryScroll.getStyleClass().add("summary-scroll");
        // The column keeps the table's five columns whole (their minimum widths follow the text size) rather
        // than scrolling them sideways; the thumbnail grid beside it wraps to what is left.
        // Never so wide that the grid's column is left less than its least: the pane would outgrow the window. The
        // room is the window's (the scene's) right of the pane, not the pane's width, which grows with this minimum.
        summaryScroll.minWidthProperty().bind(Bindings.createDoubleBinding(() -> {
            double room = root.getScene() == null ? Double.MAX_VALUE
                    : root.getScene().getWidth() - root.localToScene(0, 0).getX() - root.getInsets().getLeft()
                            - root.getInsets().getRight() - Math.max(THUMBNAIL_COLUMN_LEAST, grid.minWidth(-1))
                            - DIVIDER_ROOM;
            return Math.max(0, Math.min(table.getMinWidth() + SUMMARY_SCROLL_ALLOWANCE, room));
        }, table.minWidthProperty(), root.widthProperty(), root.sceneProperty(), root.insetsProperty()));
        SplitPane split = new SplitPane(summaryScroll, grid);
        split.setOrientation(Orientation.HORIZONTAL);
        // Wide enough for the counts table's five columns at projector-sized text.
        split.setDividerPositions(0.45);
        split.visibleProperty().bind(model.datasetProperty().isNotNull());
        return split;
    }

    private Region countsTable() {
        TableView<ClassCountRow> table = new TableView<>(model.countRows());
        table.setId("countsTable");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<ClassCountRow, String> name = new TableColumn<>("Class");
        name.setCellValueFactory(row -> new ReadOnlyObjectWrapper<>(row.getValue().className()));
        name.setSortable(false);
        table.getColumns().add(name);
        table.getColumns().add(countColumn("Train", ClassCountRow::train));
        table.getColumns().add(countColumn("Valid", ClassCountRow::valid));
        table.getColumns().add(countColumn("Test", ClassCountRow::test));
        table.getColumns().add(countColumn("Total", ClassCountRow::total));
        // Column widths in rows: the row height is set in em by the stylesheet, so the columns keep room for
        // "t-shirt-top" and "10,000" at every font size instead of collapsing to "…" on a projector.
        // (Set, not bound: the resize policy writes column minimum widths itself.)
        table.fixedCellSizeProperty().addListener((obs, old, rowHeight) -> {
            double row = rowHeight.doubleValue();
            name.setMinWidth(row * CLASS_COLUMN_ROWS);
            table.getColumns().stream().skip(1).forEach(column -> column.setMinWidth(row * COUNT_COLUMN_ROWS));
            table.setMinWidth(row * (CLASS_COLUMN_ROWS + 4 * COUNT_COLUMN_ROWS + 0.8));
        });
        table.setRowFactory(view -> new TableRow<>() {
            @Override
            protected void updateItem(ClassCountRow item, boolean empty) {
                super.updateItem(item, empty);
                boolean total = !empty && getIndex() == getTableView().getItems().size() - 1;
                pseudoClassStateChanged(TOTAL_ROW, total);
            }
        });
        // Tall enough for every class and the total row (the stylesheet fixes the row height in em, so this
        // follows the font size); the chart below takes the rest.
        table.prefHeightProperty().bind(Bindings.size(table.getItems()).add(1.3)
                .multiply(table.fixedCellSizeProperty()));
        table.setMinHeight(Region.USE_PREF_SIZE);
        table.setMaxHeight(Region.USE_PREF_SIZE);
        return table;
    }

    private static TableColumn<ClassCountRow, Integer> countColumn(String title,
                                                                  Function<ClassCountRow, Integer> value) {
        TableColumn<ClassCountRow, Integer> column = new TableColumn<>(title);
        column.setId("count" + title);
        column.setCellValueFactory(row -> new ReadOnlyObjectWrapper<>(value.apply(row.getValue())));
        column.setSortable(false);
        column.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Integer count, boolean empty) {
                super.updateItem(count, empty);
                setText(empty || count == null ? null : String.format("%,d", count));
            }
        });
        column.getStyleClass().add("number-column");
        return column;
    }

    private Node countsChart() {
        CategoryAxis classes = new CategoryAxis();
        NumberAxis images = new NumberAxis();
        images.setLabel("images");
        BarChart<String, Number> chart = new BarChart<>(classes, images);
        chart.setId("countsChart");
        chart.setAnimated(false);
        chart.setTitle("Images per class");
        chart.setBarGap(1);
        chart.setCategoryGap(8);
        // In em (the stylesheet): rotated class names and the legend grow with the text, the plot must not vanish.
        chart.getStyleClass().add("counts-chart");
        VBox.setVgrow(chart, Priority.ALWAYS);
        java.util.function.Consumer<DatasetSummary> show = summary -> {
            chart.getData().clear();
            classes.getCategories().clear();
            if (summary == null) {
                return;
            }
            classes.getCategories().setAll(summary.classNames());
            for (Split split : Split.values()) {
                XYChart.Series<String, Number> series = new XYChart.Series<>();
                series.setName(split.folderName());
                for (int c = 0; c < summary.classNames().size(); c++) {
                    series.getData().add(new XYChart.Data<>(summary.classNames().get(c), summary.count(split, c)));
                }
                chart.getData().add(series);
            }
        };
        model.summaryProperty().addListener((obs, old, summary) -> show.accept(summary));
        show.accept(model.summaryProperty().get());
        return chart;
    }

    private Region thumbnailColumn() {
        ToggleGroup splits = new ToggleGroup();
        HBox splitButtons = new HBox();
        splitButtons.getStyleClass().add("segmented");
        for (Split split : Split.values()) {
            ToggleButton button = new ToggleButton(split.folderName());
            button.setId("split-" + split.folderName());
            button.setUserData(split);
            button.setToggleGroup(splits);
            button.setSelected(model.splitProperty().get() == split);
            button.setMinWidth(Region.USE_PREF_SIZE);
            splitButtons.getChildren().add(button);
        }
        splits.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                splits.selectToggle(old);
            } else {
                model.splitProperty().set((Split) now.getUserData());
            }
        });
        model.splitProperty().addListener((obs, old, now) -> splits.getToggles().stream()
                .filter(t -> t.getUserData() == now).findFirst().ifPresent(splits::selectToggle));

        ComboBox<ClassChoice> classes = new ComboBox<>(model.classChoices());
        classes.setId("classFilter");
        classes.valueProperty().bindBidirectional(model.classChoiceProperty());
        classes.setVisibleRowCount(12);
        classes.setMinWidth(Region.USE_PREF_SIZE);

        // On a line of its own, wrapped: in the filter bar it set the bar's minimum width (a flow pane is at least
        // as wide as its widest child's preferred width), which at 1280 × 800 with text three steps up took the
        // room the counts table beside the grid needs.
        Label shown = new Label();
        shown.setId("visibleSummary");
        shown.getStyleClass().add("muted");
        shown.setWrapText(true);
        shown.setMinHeight(Region.USE_PREF_SIZE);
        shown.textProperty().bind(model.visibleSummaryProperty());

        FlowPane filters = new FlowPane(10, 6, splitButtons, classes);
        filters.setAlignment(Pos.CENTER_LEFT);
        filters.getStyleClass().add("filter-bar");

        GridView<Integer> grid = new GridView<>(model.visibleImages());
        grid.setId("thumbnailGrid");
        grid.setCellFactory(view -> new ThumbnailCell(model::shownSplit, thumbnails));
        grid.setHorizontalCellSpacing(4);
        grid.setVerticalCellSpacing(4);
        java.util.function.Consumer<org.exitbench.data.Dataset> fitCells = now -> {
            if (now != null) {
                int size = ThumbnailPixels.displaySize(now.height(), now.width());
                grid.setCellWidth(size + 6);
                grid.setCellHeight(size + 6);
            }
        };
        model.datasetProperty().addListener((obs, old, now) -> fitCells.accept(now));
        fitCells.accept(model.datasetProperty().get());
        // A new filter shows a new list: start it at the top rather than at the old list's scroll position.
        // Later, because the grid's skin resizes its flow in its own listener, after this one.
        model.visibleImages().addListener((ListChangeListener<Integer>) change -> Platform.runLater(() -> {
            if (grid.lookup(".virtual-flow") instanceof VirtualFlow<?> flow) {
                flow.scrollTo(0);
            }
        }));
        VBox.setVgrow(grid, Priority.ALWAYS);
        VBox column = new VBox(8, filters, shown, grid);
        column.getStyleClass().add("thumbnail-column");
        return column;
    }
}
