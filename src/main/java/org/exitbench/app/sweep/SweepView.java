package org.exitbench.app.sweep;

import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableIntegerValue;
import javafx.beans.value.ObservableValue;
import javafx.css.PseudoClass;
import javafx.geometry.Dimension2D;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.theme.SpinnerWidth;
import org.exitbench.app.theme.Theme;

/**
 * The sweep window, opened from the Analysis pane: the definition, seeds, modes and threads; the plan with a rough
 * time estimate and how much of the sweep's folder is already done; Start and Cancel with the progress; and the
 * stored summary (boosted against non-boosted per metric, the best compute reduction per accuracy budget, failed
 * trials) with the path of the HTML report. Every control is reachable with Tab; Escape closes the window, which
 * leaves a running sweep running (the task strip shows it).
 */
public final class SweepView {

    /** A table's height in ems: its header and six one-line rows at normal text. */
    private static final double TABLE_HEIGHT_EMS = 15.5;

    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");

    private final SweepViewModel model;
    private final FileDialogs files;
    private final FolderChooser folders;
    private final VBox root = new VBox(10);
    private final Label reportMessage = new Label();
    private Stage stage;

    /**
     * @param model   the view's state
     * @param files   asks for a definition file
     * @param folders asks for an existing sweep folder
     */
    public SweepView(SweepViewModel model, FileDialogs files, FolderChooser folders) {
        this.model = model;
        this.files = files;
        this.folders = folders;
        root.setId("sweepView");
        root.getStyleClass().add("pane-root");
        root.setPadding(new Insets(14));
        Label subtitle = new Label("boosted against non-boosted over a grid of configurations, paired by seed");
        root.getChildren().addAll(Theme.paneTitles("Sweeps", subtitle), form(), planLines(), runLine(),
                message(model.messageProperty(), "sweepMessage", false), new Separator(), results());
    }

    /** @return the view's root node */
    public Node node() {
        return root;
    }

    /**
     * Shows the view in its own window, created on first use and kept (with its state) when closed.
     *
     * @param owner    the main window
     * @param fontSize the root font size, so Ctrl +/− applies here too
     */
    public void show(Window owner, ObservableIntegerValue fontSize) {
        if (stage == null) {
            stage = new Stage();
            stage.initOwner(owner);
            stage.setTitle("Exitbench \u2014 Sweeps");
            stage.getIcons().setAll(Theme.icons());
            ScrollPane scroll = new ScrollPane(root);
            scroll.setFitToWidth(true);
            Dimension2D size = windowSize(Screen.getPrimary().getVisualBounds());
            Scene scene = new Scene(scroll, size.getWidth(), size.getHeight());
            Theme.apply(scene, fontSize);
            scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), stage::hide);
            stage.setScene(scene);
        }
        model.refresh();
        stage.show();
        stage.toFront();
    }

    /**
     * The window's first size on {@code screen}: 1200 × 860 where that fits, else a little less than the screen (an
     * 860 px high window ran past a 1280 × 800 screen, and the tables need the width at large text).
     *
     * @param screen the screen's usable bounds
     * @return the scene's width and height
     */
    public static Dimension2D windowSize(Rectangle2D screen) {
        return new Dimension2D(Math.min(1200, Math.floor(screen.getWidth() * 0.94)),
                Math.min(860, Math.floor(screen.getHeight() * 0.92)));
    }

    private Node form() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);

        Label definition = new Label();
        definition.setId("sweepDefinition");
        definition.textProperty().bind(Bindings.createStringBinding(() -> {
            if (model.openedFolderProperty().get() != null) {
                return "as last run in " + model.openedFolderProperty().get();
            }
            Path file = model.definitionFileProperty().get();
            return file == null ? "the default grid (our reconstruction of BTS-EE's 64 configurations)"
                    : file.toString();
        }, model.definitionFileProperty(), model.openedFolderProperty()));
        Button useDefault = new Button("_Default grid");
        useDefault.setId("sweepUseDefault");
        useDefault.setOnAction(e -> model.useDefaultDefinition());
        Button chooseFile = new Button("Definition _file\u2026");
        chooseFile.setId("sweepChooseFile");
        chooseFile.setTooltip(new Tooltip("A sweep definition (JSON; `exitbench sweep --print-definition` prints the"
                + " default as a starting point)"));
        chooseFile.setOnAction(e -> files.open(window(), "Open a sweep definition", FileDialogs.Kind.JSON)
                .ifPresent(model::useDefinitionFile));
        Button openFolder = new Button("_Open sweep folder\u2026");
        openFolder.setId("sweepOpenFolder");
        openFolder.setTooltip(new Tooltip("Show the results of a sweep run earlier (here or with `exitbench sweep`)"
                + " without training; Start continues it"));
        openFolder.setOnAction(e -> folders.choose(window(), model.folderProperty().get() == null ? null
                : model.folderProperty().get().getParent()).ifPresent(model::openFolder));
        HBox definitionButtons = new HBox(6, useDefault, chooseFile, openFolder);
        for (Button b : new Button[] {useDefault, chooseFile, openFolder}) {
            b.getStyleClass().add("small-button");
            b.disableProperty().bind(model.runningProperty());
        }
        grid.addRow(0, new Label("Definition"), new VBox(4, definition, definitionButtons));

        Spinner<Integer> seeds = spinner(model.seedsProperty(), 20, "sweepSeeds");
        seeds.setTooltip(new Tooltip("Seeds 1..n per configuration (CalexNet reports n = 3)"));
        grid.addRow(1, new Label("Seeds"), seeds);

        CheckBox boosted = modeBox("boosted", model.boostedProperty(), "BTS-EE: each branch learns from the "
                + "samples the earlier exits keep (PAPER \u00a72.5)");
        CheckBox nonBoosted = modeBox("non-boosted (baseline)", model.nonBoostedProperty(), "Every branch learns "
                + "from every sample; the other modes are compared with it");
        CheckBox soft = modeBox("soft", model.softProperty(), "CalexNet's cascade-aligned weighting (our "
                + "reconstruction)");
        grid.addRow(2, new Label("Modes"), new HBox(14, boosted, nonBoosted, soft));

        Spinner<Integer> threads = spinner(model.threadsProperty(), Runtime.getRuntime().availableProcessors(),
                "sweepThreads");
        threads.setTooltip(new Tooltip("Trials trained at once; one per idle core"));
        grid.addRow(3, new Label("Threads"), threads);

        Label folder = new Label();
        folder.setId("sweepFolder");
        folder.setWrapText(true);
        folder.textProperty().bind(Bindings.createStringBinding(() -> model.folderProperty().get() == null
                ? "open a workspace first" : model.folderProperty().get().toString(), model.folderProperty()));
        grid.addRow(4, new Label("Folder"), folder);
        return grid;
    }

    private CheckBox modeBox(String text, javafx.beans.property.BooleanProperty property, String tip) {
        CheckBox box = new CheckBox(text);
        box.setId("sweepMode-" + text.split(" ")[0]);
        box.selectedProperty().bindBidirectional(property);
        box.disableProperty().bind(model.runningProperty());
        box.setTooltip(new Tooltip(tip));
        return box;
    }

    private Spinner<Integer> spinner(IntegerProperty property, int max, String id) {
        Spinner<Integer> spinner = new Spinner<>(1, Math.max(max, property.get()), property.get());
        spinner.setId(id);
        spinner.setEditable(true);
        SpinnerWidth.fitToValues(spinner);
        spinner.valueProperty().addListener((obs, old, now) -> {
            if (now != null && now != property.get()) {
                property.set(now);
            }
        });
        property.addListener((obs, old, now) -> {
            if (!now.equals(spinner.getValue())) {
                spinner.getValueFactory().setValue(now.intValue());
            }
        });
        spinner.disableProperty().bind(model.runningProperty());
        return spinner;
    }

    private Node planLines() {
        Label plan = new Label();
        plan.setId("sweepPlan");
        plan.setWrapText(true);
        plan.textProperty().bind(model.planProperty());
        Label estimate = new Label();
        estimate.setId("sweepEstimate");
        estimate.setWrapText(true);
        estimate.textProperty().bind(model.estimateProperty());
        return new VBox(4, plan, estimate, message(model.problemProperty(), "sweepProblem", true));
    }

    private Node runLine() {
        Button start = new Button("_Start");
        start.setId("sweepStart");
        start.setDefaultButton(true);
        start.disableProperty().bind(model.runningProperty().or(model.definitionProperty().isNull()));
        start.setOnAction(e -> model.start());
        Button cancel = new Button("_Cancel sweep");
        cancel.setId("sweepCancel");
        cancel.disableProperty().bind(model.runningProperty().not());
        cancel.setOnAction(e -> model.cancel());
        ProgressBar bar = new ProgressBar();
        bar.setId("sweepProgress");
        bar.setPrefWidth(220);
        bar.progressProperty().bind(model.progressProperty());
        bar.visibleProperty().bind(model.runningProperty());
        Label status = new Label();
        status.setId("sweepStatus");
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox line = new HBox(10, start, cancel, bar, status);
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }

    private static Label message(ObservableValue<String> text, String id, boolean error) {
        Label label = new Label();
        label.setId(id);
        label.getStyleClass().add("pane-message");
        label.pseudoClassStateChanged(ERROR, error);
        label.setWrapText(true);
        label.textProperty().bind(text);
        label.visibleProperty().bind(label.textProperty().isNotEmpty());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }

    private Node results() {
        Label title = new Label();
        title.setId("sweepSummaryTitle");
        title.getStyleClass().add("panel-title");
        title.textProperty().bind(model.summaryTitleProperty());

        TableView<SweepRows.Comparison> comparisons = new TableView<>(model.comparisons());
        comparisons.setId("sweepComparisons");
        comparisons.getColumns().add(column("compared", SweepRows.Comparison::comparison, 7.5, 11));
        comparisons.getColumns().add(column("metric\n(test split, points)", SweepRows.Comparison::metric, 15, 19));
        comparisons.getColumns().add(column("W / L / T", SweepRows.Comparison::record, 7.5, 8));
        comparisons.getColumns().add(column("mean difference\n[95 % CI]", SweepRows.Comparison::difference, 11.5,
                13));
        comparisons.getColumns().add(column("sign\ntest p", SweepRows.Comparison::signTest, 6, 7));
        comparisons.setPlaceholder(new Label("No paired trials yet"));

        TableView<SweepRows.Best> best = new TableView<>(model.best());
        best.setId("sweepBest");
        best.getColumns().add(column("mode", SweepRows.Best::mode, 7, 7.5));
        best.getColumns().add(column("accuracy\nloss", SweepRows.Best::budget, 7, 7.5));
        best.getColumns().add(column("compute\nsaved", SweepRows.Best::reduction, 6.5, 7));
        best.getColumns().add(column("test\nloss", SweepRows.Best::loss, 6.5, 7));
        best.getColumns().add(column("configuration\n(chosen on validation)", SweepRows.Best::configuration, 16.5,
                28));
        best.setPlaceholder(new Label("No finished trials yet"));
        best.setMinHeight(Region.USE_PREF_SIZE);
        comparisons.setMinHeight(Region.USE_PREF_SIZE);

        ListView<SweepRows.Failed> failed = new ListView<>(model.failed());
        failed.setId("sweepFailed");
        failed.setPrefHeight(90);
        failed.setCellFactory(list -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(SweepRows.Failed item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.configuration() + ", seed " + item.seed() + ": "
                        + item.error());
            }
        });
        Label failedTitle = new Label("Failed trials (tried again on the next Start)");
        failedTitle.getStyleClass().add("warning-text");
        VBox failedBox = new VBox(4, failedTitle, failed);
        failedBox.visibleProperty().bind(Bindings.isNotEmpty(model.failed()));
        failedBox.managedProperty().bind(failedBox.visibleProperty());

        Label bestTitle = new Label("Best compute reduction within an accuracy budget (test means over seeds)");
        fitColumns(comparisons, bestTitle);
        fitColumns(best, bestTitle);
        return new VBox(8, title, comparisons, bestTitle, best, failedBox, reportLine());
    }

    /**
     * Sizes the columns in ems of the window's text ({@code plain}'s font), so that Ctrl+= widens them with their
     * text, and lets the table share its width among them: fixed pixel widths scrolled the last column out of view
     * at two steps up (with no scroll bar while a table was empty). Each column's least width holds its header's
     * longest line and the longest word its cells show (the headers are two lines, the cells wrap at spaces), and the
     * least widths of either table (47.5 ems) fit the window on a 1280 × 800 screen at three steps up (20 px text).
     */
    private static void fitColumns(TableView<?> table, Label plain) {
        for (TableColumn<?, ?> column : table.getColumns()) {
            double[] ems = (double[]) column.getUserData();
            column.minWidthProperty().bind(Bindings.createDoubleBinding(() -> plain.getFont().getSize() * ems[0],
                    plain.fontProperty()));
            column.prefWidthProperty().bind(Bindings.createDoubleBinding(() -> plain.getFont().getSize() * ems[1],
                    plain.fontProperty()));
        }
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        // In ems too: 200 px showed six rows at normal text but two and a half at three steps up, where cells wrap.
        table.prefHeightProperty().bind(Bindings.createDoubleBinding(() -> plain.getFont().getSize()
                * TABLE_HEIGHT_EMS, plain.fontProperty()));
    }

    /**
     * A column whose cells wrap their text at spaces (a {@link Text} as the cell's graphic: a wrapping label's
     * height is not asked at the column's width, so its row would stay one line high and cut it).
     *
     * @param minEms  the least width in ems
     * @param prefEms the width asked for in ems
     */
    private static <R> TableColumn<R, String> column(String name, Function<R, String> value, double minEms,
                                                     double prefEms) {
        TableColumn<R, String> column = new TableColumn<>(name);
        column.setUserData(new double[] {minEms, prefEms});
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            private final Text shown = new Text();

            {
                shown.getStyleClass().add("sweep-cell-text");
                shown.fillProperty().bind(textFillProperty());
                shown.wrappingWidthProperty().bind(column.widthProperty().subtract(
                        Bindings.createDoubleBinding(() -> snappedLeftInset() + snappedRightInset() + 1,
                                paddingProperty())));
                setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                shown.setText(empty || item == null ? "" : item);
                setGraphic(empty ? null : shown);
            }
        });
        column.setSortable(false);
        return column;
    }

    private Node reportLine() {
        TextField path = new TextField();
        path.setId("sweepReportPath");
        path.setEditable(false);
        path.textProperty().bind(Bindings.createStringBinding(() -> model.reportProperty().get() == null
                ? "no report yet (written when a sweep finishes)" : model.reportProperty().get().toString(),
                model.reportProperty()));
        HBox.setHgrow(path, Priority.ALWAYS);
        Button copy = new Button("Cop_y path");
        copy.setId("sweepCopyReport");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(path.getText());
            Clipboard.getSystemClipboard().setContent(content);
            reportMessage.setText("Path copied.");
        });
        Button open = new Button("Open _report");
        open.setId("sweepOpenReport");
        open.setTooltip(new Tooltip("Open report.html (self-contained: tables and plots) in the system browser"));
        open.setOnAction(e -> openReport(model.reportProperty().get()));
        for (Button b : new Button[] {copy, open}) {
            b.disableProperty().bind(model.reportProperty().isNull());
        }
        reportMessage.setId("sweepReportMessage");
        reportMessage.getStyleClass().add("pane-message");
        HBox line = new HBox(8, new Label("Report"), path, copy, open, reportMessage);
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }

    /** Opens the report in the system browser off the UI thread (a browser can take a while to answer). */
    private void openReport(Path report) {
        reportMessage.setText("Opening \u2026");
        Thread opener = new Thread(() -> {
            String outcome;
            try {
                if (!Desktop.isDesktopSupported() || !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                    outcome = "No system browser is available here; copy the path instead.";
                } else {
                    Desktop.getDesktop().browse(report.toUri());
                    outcome = "";
                }
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                outcome = "Could not open a browser (" + e.getMessage() + "); copy the path instead.";
            }
            String text = outcome;
            Platform.runLater(() -> reportMessage.setText(text));
        }, "exitbench-open-report");
        opener.setDaemon(true);
        opener.start();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }
}
