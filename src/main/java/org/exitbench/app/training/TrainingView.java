package org.exitbench.app.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.Property;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.theme.DividerPositions;
import org.exitbench.app.theme.SpinnerWidth;
import org.exitbench.app.theme.Theme;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.model.Architecture;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.train.BackboneTrainingConfig;
import org.exitbench.train.BranchTarget;
import org.exitbench.workspace.BackboneSource;

/**
 * The Training pane. Left: the settings of the next run as a form, every field with a tooltip saying whether its
 * value is the paper's or our reconstruction, and the workspace's runs. Right: the steps of the run under way with
 * a caption each, loss and validation accuracy per branch, the survivors funnel, and the log. Top: Run demo, Start,
 * Cancel, and the run's progress with the time left.
 */
public final class TrainingView {

    /** The settings column's least width, in pixels, whatever the text size. */
    private static final double SETTINGS_MIN_WIDTH = 300;
    /** Room beside the settings form for its scroll pane's border and vertical scroll bar, in pixels. */
    private static final double SETTINGS_SCROLL_ALLOWANCE = 24;

    private final TrainingViewModel model;
    private final WorkspaceViewModel workspace;
    private final FileDialogs dialogs;
    private final TrainingForm form;
    private final VBox root = new VBox();

    /**
     * @param model     the pane's state
     * @param workspace the workspace, for the runs list
     * @param dialogs   asks for a backbone file
     */
    public TrainingView(TrainingViewModel model, WorkspaceViewModel workspace, FileDialogs dialogs) {
        this.model = model;
        this.workspace = workspace;
        this.dialogs = dialogs;
        this.form = model.form();
        root.getStyleClass().addAll("pane-root", "training-pane");
        root.setId("trainingPane");
        Node body = body();
        VBox.setVgrow(body, Priority.ALWAYS);
        root.getChildren().addAll(header(), progressLine(), body);
    }

    /** @return the pane's root node */
    public Node node() {
        return root;
    }

    private Node header() {
        Label subtitle = new Label();
        subtitle.setId("trainingSubtitle");
        subtitle.textProperty().bind(Bindings.createStringBinding(() -> workspace.documentProperty().get() == null
                ? "no workspace open" : "workspace " + workspace.documentProperty().get().name() + " · dataset "
                + Path.of(workspace.documentProperty().get().dataset()).getFileName(), workspace.documentProperty()));
        HBox titles = Theme.paneTitles("Training", subtitle);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button demo = new Button("Run demo (F5)");
        demo.setId("runDemo");
        demo.setTooltip(tip("Run the whole pipeline on the open dataset with its own backbone, boosted and"
                + " non-boosted, step by step with a caption each; then pick an operating point within a 2-point"
                + " accuracy budget and open the Calibration pane."));
        demo.setOnAction(event -> model.runDemo());
        Button start = new Button("Start");
        start.setId("startTraining");
        start.getStyleClass().add("accent-button");
        start.setTooltip(tip("Train with these settings; the run is saved in the workspace and the panes switch to"
                + " it (Ctrl+Enter)"));
        start.setOnAction(event -> model.start());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelTraining");
        cancel.setTooltip(tip("Stop the run; nothing is saved and earlier runs stay as they were"));
        cancel.setOnAction(event -> model.cancel());
        demo.disableProperty().bind(model.runningProperty());
        start.disableProperty().bind(model.runningProperty());
        cancel.disableProperty().bind(model.runningProperty().not());
        for (Button button : List.of(demo, start, cancel)) {
            button.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox top = new HBox(10, titles, spacer, demo, start, cancel);
        top.setAlignment(Pos.CENTER_LEFT);
        return top;
    }

    /** The run's own progress bar, time left and current step; the task strip shows the same. */
    private Node progressLine() {
        ProgressBar bar = new ProgressBar(0);
        bar.setId("trainingProgress");
        bar.setPrefWidth(320);
        Label phase = new Label();
        phase.setId("trainingPhase");
        phase.getStyleClass().add("muted");
        phase.setMaxWidth(Double.MAX_VALUE);
        phase.setWrapText(true);
        phase.setMinHeight(Region.USE_PREF_SIZE);
        HBox.setHgrow(phase, Priority.ALWAYS);
        phase.textProperty().bind(model.monitor().phaseProperty());
        Tooltip fullPhase = new Tooltip();
        fullPhase.textProperty().bind(model.monitor().phaseProperty());
        phase.setTooltip(fullPhase);
        Label eta = new Label();
        eta.setId("trainingEta");
        eta.getStyleClass().add("task-eta");
        model.taskProperty().addListener((obs, old, now) -> follow(now, bar, eta));
        follow(model.taskProperty().get(), bar, eta);
        HBox line = new HBox(12, bar, eta, phase);
        line.setAlignment(Pos.CENTER_LEFT);
        line.visibleProperty().bind(model.monitor().phaseProperty().isNotEmpty());
        line.managedProperty().bind(line.visibleProperty());
        return line;
    }

    private static void follow(RunningTask task, ProgressBar bar, Label eta) {
        bar.progressProperty().unbind();
        eta.textProperty().unbind();
        if (task == null) {
            bar.setProgress(bar.getProgress() > 0 ? 1 : 0);
            eta.setText("");
            return;
        }
        bar.progressProperty().bind(task.progressProperty());
        eta.textProperty().bind(task.etaProperty());
    }

    private Node body() {
        TabPane left = new TabPane();
        left.setId("trainingTabs");
        left.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        ScrollPane settingsScroll = settingsForm();
        Tab settings = new Tab("Settings", settingsScroll);
        settings.setId("settingsTab");
        Tab runs = new Tab("Runs", new RunsView(workspace).node());
        runs.setId("runsTab");
        runs.textProperty().bind(Bindings.createStringBinding(() -> "Runs (" + workspace.runs().size() + ")",
                workspace.runs()));
        left.getTabs().setAll(settings, runs);

        TrainingCharts charts = new TrainingCharts(model);
        FunnelView funnel = new FunnelView(model.monitor());
        ListView<String> log = new ListView<>(model.monitor().log());
        log.setId("trainingLog");
        log.getStyleClass().add("training-log");
        log.setPrefHeight(110);
        // Long lines wrap within the list's width rather than running past it at projector-sized text.
        log.setCellFactory(list -> {
            ListCell<String> cell = new ListCell<>() {
                @Override
                protected void updateItem(String item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty ? null : item);
                }
            };
            cell.setWrapText(true);
            cell.prefWidthProperty().bind(list.widthProperty().subtract(24));
            cell.setMaxWidth(Region.USE_PREF_SIZE);
            return cell;
        });
        model.monitor().log().addListener((ListChangeListener<String>) change -> {
            if (!log.getItems().isEmpty()) {
                log.scrollTo(log.getItems().size() - 1);
            }
        });
        TitledPane logPane = new TitledPane("Log", log);
        logPane.setId("logPane");
        logPane.setAnimated(false);
        VBox.setVgrow(charts.node(), Priority.ALWAYS);
        VBox right = new VBox(10, presenterBar(), new StepsView(model.monitor()).node(), charts.node(), funnel.node(),
                logPane);
        right.getStyleClass().add("training-right");
        ScrollPane rightScroll = new ScrollPane(right);
        rightScroll.setFitToWidth(true);
        rightScroll.setFitToHeight(true);
        rightScroll.getStyleClass().add("summary-scroll");
        rightScroll.setMinWidth(360);

        SplitPane split = new SplitPane(left, rightScroll);
        split.setOrientation(Orientation.HORIZONTAL);
        // The settings form's narrowest layout grows with the text (Ctrl+=): the column makes room for it rather
        // than the form scrolling sideways, as long as the charts keep half of the pane.
        Region sections = (Region) settingsScroll.getContent();
        left.minWidthProperty().bind(Bindings.createDoubleBinding(() -> Math.min(split.getWidth() / 2,
                Math.max(SETTINGS_MIN_WIDTH, sections.minWidth(-1) + SETTINGS_SCROLL_ALLOWANCE)),
                split.widthProperty(), sections.layoutBoundsProperty()));
        DividerPositions.placeWhenShown(split, 800, 0.36);
        return split;
    }

    // ---- the settings form -------------------------------------------------------------------------------------

    private ScrollPane settingsForm() {
        VBox sections = new VBox(12, backboneSection(), exitsSection(), trainingSection(), cpmSection(), formActions());
        sections.getStyleClass().add("settings-form");
        sections.setId("trainingSettings");
        ScrollPane scroll = new ScrollPane(sections);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("summary-scroll");
        return scroll;
    }

    private Node backboneSection() {
        GridPane grid = grid();
        ChoiceBox<BackboneSource> source = choice("backboneSource", BackboneSource.values(),
                form.backboneSourceProperty(), BackboneSource::label);
        row(grid, 0, "Backbone", source, "BTS-EE attaches its branches to a frozen, pre-trained backbone (ResNet-18"
                + " in the paper, BTS-EE abstract). The bundled sample ships a small ResNet trained on it (91.3 % test"
                + " accuracy). Or load a backbone file, or train a new one here first.");

        TextField file = new TextField();
        file.setId("backboneFile");
        file.textProperty().bindBidirectional(form.backboneFileProperty());
        file.setPromptText("a backbone .zip (exitbench backbone train) or an ONNX model .onnx");
        Button browse = new Button("Browse\u2026");
        browse.setId("browseBackbone");
        browse.setOnAction(event -> dialogs.open(root.getScene() == null ? null : root.getScene().getWindow(),
                "Load a backbone", FileDialogs.Kind.MODEL).ifPresent(chosen ->
                        form.backboneFileProperty().set(chosen.toString())));
        browse.setMinWidth(Region.USE_PREF_SIZE);
        HBox fileRow = new HBox(6, file, browse);
        HBox.setHgrow(file, Priority.ALWAYS);
        Label fileKey = row(grid, 1, "File", fileRow, "A backbone saved by Exitbench (exitbench backbone train, or"
                + " one trained here), or an ONNX model trained elsewhere (exported from PyTorch, say; run by ONNX"
                + " Runtime, its class names and normalisation in its metadata: exitbench backbone import writes"
                + " them); its classes and image size must match the dataset's.");
        showWhen(form.backboneSourceProperty().isEqualTo(BackboneSource.FILE), fileKey, fileRow);

        GridPane newGrid = grid();
        String ours = " How the paper's backbone was trained is not stated: every setting here is ours.";
        row(newGrid, 0, "Architecture", choice("newArchitecture", new Architecture[] {Architecture.SMALL_RESNET,
                Architecture.RESNET18_CIFAR}, form.newArchitectureProperty(), a -> a == Architecture.SMALL_RESNET
                        ? "small ResNet" : "ResNet-18 (CIFAR style)"),
                "ResNet-18 is the paper's backbone (BTS-EE abstract); a small ResNet trains in minutes on a CPU."
                        + ours);
        TextField widths = text("newWidths", form.newWidthsProperty());
        Label widthsKey = row(newGrid, 1, "Widths", widths, "Channels per stage of the small ResNet, e.g."
                + " 16,32,64,128 (the shipped backbone's)." + ours);
        TextField blocks = text("newBlocks", form.newBlocksProperty());
        Label blocksKey = row(newGrid, 2, "Blocks", blocks, "BasicBlocks per stage of the small ResNet." + ours);
        ObservableBooleanValue small = form.newArchitectureProperty().isEqualTo(Architecture.SMALL_RESNET);
        showWhen(small, widthsKey, widths, blocksKey, blocks);
        row(newGrid, 3, "Epochs", intSpinner("newEpochs", 1, 500, 1, form.newEpochsProperty()), "The most"
                + " epochs; the best epoch on the validation split is kept." + ours);
        row(newGrid, 4, "Optimizer", choice("newOptimizer", BackboneTrainingConfig.Optimizer.values(),
                form.newOptimizerProperty(), o -> o == BackboneTrainingConfig.Optimizer.ADAM ? "Adam"
                        : "SGD, Nesterov momentum"), "SGD with Nesterov momentum and a cosine schedule is the usual"
                + " choice for ResNets on CIFAR." + ours);
        row(newGrid, 5, "Learning rate", doubleSpinner("newLearningRate", 1e-5, 1, 0.01, "%.4f",
                form.newLearningRateProperty()), "The initial learning rate (cosine decay)." + ours);
        row(newGrid, 6, "Batch", intSpinner("newBatch", 8, 1024, 8, form.newBatchSizeProperty()), "Images per"
                + " mini-batch." + ours);
        showWhen(form.backboneSourceProperty().isEqualTo(BackboneSource.TRAIN_NEW), newGrid);
        return section("Backbone", grid, newGrid);
    }

    private Node exitsSection() {
        FlowPane exits = new FlowPane(10, 4);
        exits.setId("exitChoices");
        TableView<TrainingForm.ExitChoice> picker = exitPicker();
        Runnable showExits = () -> {
            // An imported ONNX model offers many candidate tensors with shapes and MAC shares: a table. A DL4J
            // backbone's few stages fit a row of check boxes.
            boolean detailed = form.exits().stream().anyMatch(TrainingForm.ExitChoice::detailed);
            picker.setVisible(detailed);
            picker.setManaged(detailed);
            exits.setVisible(!detailed);
            exits.setManaged(!detailed);
            picker.getItems().setAll(detailed ? form.exits() : List.of());
            exits.getChildren().setAll(detailed ? List.of() : form.exits().stream().map(choice -> {
                CheckBox box = new CheckBox(choice.vertex());
                box.setId("exit-" + choice.vertex());
                box.selectedProperty().bindBidirectional(choice.selected());
                return (Node) box;
            }).toList());
        };
        form.exits().addListener((ListChangeListener<TrainingForm.ExitChoice>) change -> showExits.run());
        showExits.run();
        Label note = new Label();
        note.getStyleClass().add("warning-text");
        note.setWrapText(true);
        note.textProperty().bind(form.exitsNoteProperty());
        note.visibleProperty().bind(form.exitsNoteProperty().isNotEmpty());
        note.managedProperty().bind(note.visibleProperty());
        VBox exitBox = new VBox(4, exits, note);
        GridPane grid = grid();
        Label exitsKey = row(grid, 0, "Exits", exitBox, "Where branches attach: after the backbone's stages. BTS-EE"
                + " does not say where its branches sit; CalexNet uses three (README). After every stage but the last"
                + " is our reading (PAPER \u00a72.3); the backbone's own head is always the last exit.");
        // With the picker table shown above, the row of check boxes is empty: hide it with its label.
        showWhen(picker.visibleProperty().not(), exitsKey, exitBox);
        row(grid, 1, "Branch", choice("branchType", BranchType.values(), form.branchTypeProperty(),
                TrainingView::branchName), "\"Based on 1D convolutions\" is all the BTS-EE abstract says. Our two"
                + " readings: " + BranchType.CONV1D_CHANNELS.title() + " (1-D conv · channels) and "
                + BranchType.CONV1D_TOKENS.title() + " (1-D conv · tokens); the " + BranchType.CONV2D.title()
                + " is PTEEnet-like.");
        row(grid, 2, "Filters", intSpinner("branchFilters", 1, 1024, 4, form.filtersProperty()), "The branch's"
                + " width. Our default, 16, costs well under 1 % of the backbone segment it follows.");
        row(grid, 3, "Kernel", intSpinner("branchKernel", 1, 9, 2, form.kernelProperty()), "The convolution's"
                + " kernel (odd). Our default: 3.");
        row(grid, 4, "Layers", intSpinner("branchLayers", 1, BranchSpec.MAX_LAYERS, 1, form.layersProperty()),
                "Convolution layers per branch: 1 (the default), or 2, which adds a second convolution (filters to"
                + " filters, the same kernel) before the pooling; its cost grows with the square of the filters."
                + " Exported like one layer. The capacity axis of our report v2, not the papers'.");
        row(grid, 5, "Pooling grid", intSpinner("poolingGrid", 1, 8, 1, form.poolingGridProperty()), "The fixed"
                + " pooling of the cached features: 1 = global average (a vector per exit); the token and 2-D"
                + " branches need 2 or more. Our reconstruction.");
        // The picker spans the section's width: tensor names and shapes need the room the label column would take.
        return section("Exits and branches", picker, grid);
    }

    private Node trainingSection() {
        CheckBox boosted = check("modeBoosted", "boosted", form.boostedProperty(), "BTS-EE (the paper): each"
                + " branch learns only from the training images the earlier exits did not take.");
        CheckBox nonBoosted = check("modeNonBoosted", "non-boosted", form.nonBoostedProperty(), "The paper's"
                + " baseline: every branch learns from all training images.");
        CheckBox soft = check("modeSoft", "soft", form.softProperty(), "CalexNet's cascade-aligned weighting in our"
                + " reading (its Eq. 13 is not public): every image, weighted by its chance of getting past the"
                + " earlier exits.");
        FlowPane modes = new FlowPane(10, 4, boosted, nonBoosted, soft);
        GridPane grid = grid();
        row(grid, 0, "Modes", modes, "Tick two or three to train them side by side on the same features; the"
                + " panes act on the first and draw the next as reference curves.");
        row(grid, 1, "Target", choice("branchTarget", BranchTarget.values(), form.targetProperty(), t -> switch (t) {
            case BACKBONE_ARGMAX -> "backbone's answer";
            case GROUND_TRUTH -> "ground truth";
            case DISTILLATION -> "distillation (soft)";
        }), "What a branch learns to predict. BTS-EE's lineage trains on the backbone's argmax labels (implied by"
                + " CalexNet's abstract); ground truth is the alternative; distillation against the backbone's"
                + " softened probabilities is CalexNet's (Eq. 10, in our reading).");
        Spinner<Double> temperature = doubleSpinner("temperature", 0.5, 20, 0.5, "%.1f", form.temperatureProperty());
        Label temperatureKey = row(grid, 2, "Temperature T", temperature, "The distillation temperature: T = 4 is"
                + " CalexNet's value (README).");
        showWhen(form.targetProperty().isEqualTo(BranchTarget.DISTILLATION), temperatureKey, temperature);
        String measured = " Not stated in the papers: our default, measured on the bundled sample.";
        row(grid, 3, "Epochs", intSpinner("branchEpochs", 1, 1000, 1, form.epochsProperty()), "The most epochs"
                + " per branch; the best epoch on the validation images reaching the exit is kept." + measured);
        row(grid, 4, "Learning rate", doubleSpinner("branchLearningRate", 1e-5, 1, 0.001, "%.4f",
                form.learningRateProperty()), "Adam's learning rate." + measured);
        row(grid, 5, "Batch", intSpinner("branchBatch", 1, 4096, 32, form.batchSizeProperty()), "Samples per"
                + " mini-batch." + measured);
        row(grid, 6, "Patience", intSpinner("branchPatience", 0, 1000, 1, form.patienceProperty()), "Stop after"
                + " this many epochs without a lower validation loss; 0 trains every epoch." + measured);
        row(grid, 8, "Updates / epoch", intSpinner("updatesPerEpoch", -1, 100_000, 10,
                form.updatesPerEpochProperty()), "Mini-batches per epoch for every branch, so boosted branches that"
                + " learn from few survivors get as many updates as non-boosted ones; -1 (the default) is one pass"
                + " over the whole training split, 0 one pass over the branch's own images (runs saved before"
                + " issue 17). Our protocol, not the papers'.");
        Spinner<Integer> seed = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, Integer.MAX_VALUE,
                (int) Math.min(Integer.MAX_VALUE, form.seedProperty().get()), 1));
        seed.setId("seed");
        seed.setEditable(true);
        commitOnFocusLoss(seed);
        seed.valueProperty().addListener((obs, old, now) -> {
            if (now != null) {
                form.seedProperty().set(now);
            }
        });
        form.seedProperty().addListener((obs, old, now) -> seed.getValueFactory().setValue((int) Math.min(
                Integer.MAX_VALUE, now.longValue())));
        row(grid, 7, "Seed", seed, "The seed of the branches' initial weights and data order: the same seed trains"
                + " the same branches. CalexNet reports three seeds (abstract).");
        return section("Training", grid);
    }

    private Node cpmSection() {
        GridPane grid = grid();
        row(grid, 0, "Margin m", doubleSpinner("cpmMargin", -1, 1, 0.01, "%.3f", form.marginProperty()), "CPM's"
                + " margin: how far below the backbone's own precision on a class an exit may answer it. 0.20 is"
                + " CalexNet's canonical value (README). On the bundled sample it is generous, about 11 accuracy"
                + " points lost, so the demo trains with m = 0 and picks its operating point with the Calibration"
                + " pane's accuracy budget instead.");
        row(grid, 1, "Form", choice("cpmForm", MarginForm.values(), form.marginFormProperty(), f ->
                f == MarginForm.ADDITIVE ? "anchor \u2212 m" : "(1 \u2212 m) \u00b7 anchor"), "The papers name the"
                + " margin but not its form; both readings are offered (our reconstruction).");
        row(grid, 2, "Anchor", choice("cpmAnchor", AnchorSource.values(), form.anchorProperty(), a ->
                a == AnchorSource.FULL_VALIDATION ? "full validation" : "survivors of each exit"), "Where the"
                + " backbone's per-class precision is measured: on the whole validation split (BTS-EE, our reading)"
                + " or on the images reaching each exit (CalexNet's cascade-aware CPM).");
        row(grid, 3, "Min support", intSpinner("cpmSupport", 1, 100_000, 5, form.minimumSupportProperty()), "The"
                + " fewest validation images a threshold may admit for a class (30, our reconstruction).");
        row(grid, 4, "Calibration split", doubleSpinner("calibrationFraction", 0, 0.9, 0.05, "%.2f",
                form.calibrationFractionProperty()), "The share of each class's validation images that CPM"
                + " calibrates on alone; the rest stop the branches' training. 0 uses all validation images for both,"
                + " which makes validation numbers optimistic (0.1 to 0.9 when on; our protocol, not the papers').");
        row(grid, 5, "Validation split", doubleSpinner("validationFraction", ExperimentConfig.MIN_VALIDATION_FRACTION,
                ExperimentConfig.MAX_VALIDATION_FRACTION, 0.02, "%.2f", form.validationFractionProperty()), "For a"
                + " dataset without its own validation split (no valid/ folder): the share of each training class"
                + " carved off as validation, which then stops training and, with the calibration split, calibrates"
                + " CPM (0.02 to 0.5; 0.10 by default). A dataset with a validation split keeps its own. Our"
                + " protocol, not the papers'.");
        return section("Calibration (CPM)", grid);
    }

    private Node formActions() {
        Button reset = new Button("Reset to defaults");
        reset.setId("resetTrainingSettings");
        reset.setTooltip(tip("Every setting back to its default (the backbone choice stays)"));
        reset.setOnAction(event -> form.resetToDefaults());
        Label saved = new Label("Settings are saved in the workspace as you change them.");
        saved.getStyleClass().add("muted");
        saved.setWrapText(true);
        Label shownRun = new Label();
        shownRun.setId("shownRunSettings");
        shownRun.setWrapText(true);
        shownRun.textProperty().bind(model.shownRunSettingsProperty());
        Button useShown = new Button("Use the shown run's settings");
        useShown.setId("useShownRunSettings");
        useShown.setOnAction(event -> model.useShownRunSettings());
        VBox shownBox = new VBox(4, shownRun, useShown);
        shownBox.visibleProperty().bind(model.shownRunSettingsProperty().isNotEmpty());
        shownBox.managedProperty().bind(shownBox.visibleProperty());
        VBox box = new VBox(6, shownBox, reset, saved);
        box.disableProperty().bind(model.runningProperty());
        return box;
    }

    // ---- form helpers ------------------------------------------------------------------------------------------

    private Node section(String title, Node... content) {
        Label heading = new Label(title);
        heading.getStyleClass().add("panel-title");
        VBox box = new VBox(8, heading);
        box.getChildren().addAll(content);
        box.getStyleClass().addAll("card", "settings-section");
        box.disableProperty().bind(model.runningProperty());
        return box;
    }

    private static GridPane grid() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        ColumnConstraints key = new ColumnConstraints();
        key.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints value = new ColumnConstraints();
        value.setHgrow(Priority.ALWAYS);
        value.setFillWidth(true);
        grid.getColumnConstraints().setAll(key, value);
        return grid;
    }

    /** Adds a labelled row whose label and control share a tooltip; returns the label. */
    private static Label row(GridPane grid, int line, String key, Node control, String help) {
        Label label = new Label(key);
        label.getStyleClass().add("setting-key");
        Tooltip tooltip = tip(help);
        label.setTooltip(tooltip);
        if (control instanceof Control c) {
            c.setTooltip(tooltip);
        } else {
            Tooltip.install(control, tooltip);
        }
        grid.addRow(line, label, control);
        return label;
    }

    private static void showWhen(ObservableBooleanValue condition, Node... nodes) {
        for (Node node : nodes) {
            node.visibleProperty().bind(condition);
            node.managedProperty().bind(condition);
        }
    }

    private static Tooltip tip(String text) {
        Tooltip tooltip = new Tooltip(text);
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(440);
        return tooltip;
    }

    /** @return the branch type's name, short enough for the settings column at 1280 × 800 (the tooltip says more) */
    static String branchName(BranchType type) {
        return switch (type) {
            case CONV1D_CHANNELS -> "1-D conv · channels";
            case CONV1D_TOKENS -> "1-D conv · tokens";
            case CONV2D -> "2-D conv baseline";
        };
    }

    private static <T> ChoiceBox<T> choice(String id, T[] values, ObjectProperty<T> property,
            Function<T, String> text) {
        ChoiceBox<T> box = new ChoiceBox<>();
        box.setId(id);
        box.getItems().setAll(values);
        box.setConverter(DisplayText.choiceNames(text));
        box.valueProperty().bindBidirectional(property);
        // A choice is never cut to "1-D conv · cha…": the settings column scrolls sideways instead (large text).
        box.setMinWidth(Region.USE_PREF_SIZE);
        return box;
    }

    /**
     * The exit-point picker of an imported ONNX model: every tensor that cuts the graph, with its shape and the share
     * of the backbone's MACs spent before it; the defaults (stage ends splitting the MACs most evenly) come ticked.
     */
    private static TableView<TrainingForm.ExitChoice> exitPicker() {
        TableView<TrainingForm.ExitChoice> table = new TableView<>();
        table.setId("exitPicker");
        table.setEditable(true);
        TableColumn<TrainingForm.ExitChoice, Boolean> use = new TableColumn<>("exit");
        use.setCellValueFactory(c -> c.getValue().selected());
        use.setCellFactory(CheckBoxTableCell.forTableColumn(use));
        use.setEditable(true);
        use.setMinWidth(42);
        use.setMaxWidth(42);
        TableColumn<TrainingForm.ExitChoice, String> name = new TableColumn<>("tensor");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().vertex()));
        name.setCellFactory(column -> new TableCell<>() {
            @Override
            protected void updateItem(String tensor, boolean empty) {
                super.updateItem(tensor, empty);
                setText(empty || tensor == null ? null : shortTensorName(tensor));
                setTooltip(empty || tensor == null ? null : new Tooltip(tensor));
            }
        });
        TableColumn<TrainingForm.ExitChoice, String> shape = new TableColumn<>("shape");
        shape.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().shape()));
        shape.setMinWidth(88);
        shape.setMaxWidth(88);
        TableColumn<TrainingForm.ExitChoice, String> share = new TableColumn<>("MACs before");
        share.setId("macsBefore");
        share.setCellValueFactory(c -> new ReadOnlyStringWrapper(String.format(Locale.ROOT, "%.1f %%",
                100 * c.getValue().macShare())));
        share.setStyle("-fx-alignment: CENTER-RIGHT;");
        share.setMinWidth(104);
        share.setMaxWidth(104);
        table.getColumns().setAll(List.of(use, name, shape, share));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        table.setFixedCellSize(24);
        table.prefHeightProperty().bind(Bindings.size(table.getItems()).multiply(24).add(30));
        table.setMaxHeight(24 * 12 + 30);
        return table;
    }

    /**
     * A tensor name short enough for the picker: exporters name tensors after the module path and the operator
     * ("/stages/stages.0/Relu_1_output_0"), so the last two path parts without the output suffix
     * ("stages.0/Relu_1") tell them apart; the full name is in the tooltip.
     */
    static String shortTensorName(String tensor) {
        String name = tensor.endsWith("_output_0") ? tensor.substring(0, tensor.length() - "_output_0".length())
                : tensor;
        String[] parts = name.split("/");
        List<String> kept = java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).toList();
        return kept.size() <= 2 ? String.join("/", kept) : String.join("/", kept.subList(kept.size() - 2,
                kept.size()));
    }

    private static CheckBox check(String id, String text, BooleanProperty property, String help) {
        CheckBox box = new CheckBox(text);
        box.setId(id);
        box.selectedProperty().bindBidirectional(property);
        box.setTooltip(tip(help));
        return box;
    }

    private static TextField text(String id, javafx.beans.property.StringProperty property) {
        TextField field = new TextField();
        field.setId(id);
        field.textProperty().bindBidirectional(property);
        return field;
    }

    private static Spinner<Integer> intSpinner(String id, int min, int max, int step, IntegerProperty property) {
        SpinnerValueFactory.IntegerSpinnerValueFactory factory = new SpinnerValueFactory.IntegerSpinnerValueFactory(
                min, max, Math.max(min, Math.min(max, property.get())), step);
        return spinner(id, factory, property, v -> Math.max(min, Math.min(max, v.intValue())));
    }

    private static Spinner<Double> doubleSpinner(String id, double min, double max, double step, String format,
            DoubleProperty property) {
        SpinnerValueFactory.DoubleSpinnerValueFactory factory = new SpinnerValueFactory.DoubleSpinnerValueFactory(
                min, max, Math.max(min, Math.min(max, property.get())), step);
        factory.setConverter(DisplayText.decimal(format, factory::getValue));
        return spinner(id, factory, property, v -> Math.max(min, Math.min(max, v.doubleValue())));
    }

    /** An editable spinner kept in step with a numeric property both ways, the property's value clamped. */
    private static <T extends Number> Spinner<T> spinner(String id, SpinnerValueFactory<T> factory,
            Property<Number> property, Function<Number, T> clamp) {
        Spinner<T> spinner = new Spinner<>(factory);
        spinner.setId(id);
        spinner.setEditable(true);
        SpinnerWidth.fitToValues(spinner);
        commitOnFocusLoss(spinner);
        spinner.valueProperty().addListener((obs, old, now) -> {
            if (now != null && !now.equals(property.getValue())) {
                property.setValue(now);
            }
        });
        property.addListener((obs, old, now) -> {
            T shown = clamp.apply(now);
            if (!shown.equals(spinner.getValue())) {
                factory.setValue(shown);
            }
        });
        return spinner;
    }

    /** A typed value counts when the field loses focus, not only on Enter. */
    private static void commitOnFocusLoss(Spinner<?> spinner) {
        spinner.focusedProperty().addListener((obs, was, now) -> {
            if (!now) {
                spinner.increment(0);
            }
        });
    }

    /**
     * The presenter's controls while the demo replays a run: back one stage, pause or play, next stage, skip to the
     * end (also PageUp, F6, PageDown); hidden otherwise.
     */
    private Node presenterBar() {
        Button back = new Button("\u25c0 Back");
        back.setId("replayBack");
        back.setTooltip(new Tooltip("Go back one step of the demo (PageUp)"));
        ToggleButton play = new ToggleButton();
        play.setId("replayAuto");
        play.setTooltip(new Tooltip("Let the demo play by itself, or pause it to explain a step (F6)"));
        Button next = new Button("Next \u25b6");
        next.setId("replayNext");
        next.setTooltip(new Tooltip("Show the next step of the demo at once (PageDown)"));
        Button end = new Button("Skip to the end");
        end.setId("replayEnd");
        Label where = new Label();
        where.setId("replayStage");
        where.getStyleClass().add("muted");
        where.setMinWidth(Region.USE_PREF_SIZE);
        for (Region control : List.of(back, play, next, end)) {
            control.setMinWidth(Region.USE_PREF_SIZE);
        }
        FlowPane bar = new FlowPane(8, 6, back, play, next, end, where);
        bar.setId("presenterBar");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("presenter-bar");
        bar.visibleProperty().bind(model.replayProperty().isNotNull());
        bar.managedProperty().bind(bar.visibleProperty());
        model.replayProperty().addListener((obs, old, presenter) -> {
            if (old != null) {
                play.selectedProperty().unbindBidirectional(old.autoProperty());
            }
            where.textProperty().unbind();
            if (presenter == null) {
                return;
            }
            play.selectedProperty().bindBidirectional(presenter.autoProperty());
            where.textProperty().bind(Bindings.createStringBinding(() -> "Replay: step "
                    + Math.min(presenter.stageProperty().get() + 1, presenter.stageCountProperty().get()) + " of "
                    + presenter.stageCountProperty().get(), presenter.stageProperty(),
                    presenter.stageCountProperty()));
        });
        play.textProperty().bind(Bindings.when(play.selectedProperty()).then("\u23f8 Pause").otherwise("\u25b6 Play"));
        back.setOnAction(event -> act(ReplayPresenter::back));
        next.setOnAction(event -> act(ReplayPresenter::next));
        end.setOnAction(event -> act(ReplayPresenter::finishNow));
        return bar;
    }

    private void act(Consumer<ReplayPresenter> action) {
        ReplayPresenter presenter = model.replayProperty().get();
        if (presenter != null) {
            action.accept(presenter);
        }
    }
}
