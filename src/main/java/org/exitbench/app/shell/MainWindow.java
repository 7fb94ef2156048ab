package org.exitbench.app.shell;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.stage.Screen;
import javafx.util.Duration;
import org.exitbench.app.data.DataView;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.theme.Theme;

/**
 * The main window's content: the top bar, the pane navigation on the left, the selected pane in the centre and
 * the task strip at the bottom, plus the window-wide keyboard shortcuts.
 *
 * <p>Shortcuts: Ctrl+1 … Ctrl+4 switch panes, Ctrl+O opens a dataset, Ctrl+= and Ctrl+- make text larger and
 * smaller, Ctrl+0 returns to the default size.
 */
public final class MainWindow {

    private static final double WIDTH = 1280;
    private static final double HEIGHT = 800;
    private static final double MAX_WIDTH = 1480;
    private static final double MAX_HEIGHT = 920;
    /** A flow pane's wrap length that keeps its content on one line wherever the line has room. */
    private static final double ONE_LINE = 100_000;

    /** The pause between building one waiting pane and the next, so the window repaints and stays responsive. */
    private static final Duration BETWEEN_PANES = Duration.millis(40);

    private final ShellViewModel model;
    private final Supplier<DataView> dataView;
    private final BorderPane root = new BorderPane();
    private final StackPane operatingPointSlot = new StackPane();
    private final Tooltip emptySlotTip = new Tooltip("Accuracy, compute saved and exit rates of the current"
            + " thresholds appear here once branches are trained and calibrated.");
    private final StackPane centre = new StackPane();
    private final Map<WorkbenchPane, Node> panes = new EnumMap<>(WorkbenchPane.class);
    private final HBox workspaceSlot = new HBox();
    private final HBox actionsSlot = new HBox(8);
    private final Map<KeyCombination, Runnable> extraShortcuts = new LinkedHashMap<>();
    /** Panes whose view is built on demand, by {@link #buildWaitingPanes} or when the user selects them. */
    private final Map<WorkbenchPane, Supplier<Node>> waiting = new EnumMap<>(WorkbenchPane.class);
    private DataView builtDataView;
    private Scene scene;

    /**
     * @param model    the window's state
     * @param dataView the Data pane
     * @param tasks    the running tasks, for the task strip
     */
    public MainWindow(ShellViewModel model, DataView dataView, ObservableList<RunningTask> tasks) {
        this(model, () -> dataView, tasks, false);
    }

    /**
     * A window whose Data pane, like the others, waits as a placeholder until {@link #buildWaitingPanes} or until the
     * user selects it: the shell and the top bar are drawn (and styled) alone first, so a first launch can show its
     * operating point before any pane is built.
     *
     * @param model    the window's state
     * @param dataView builds the Data pane
     * @param tasks    the running tasks, for the task strip
     */
    public MainWindow(ShellViewModel model, Supplier<DataView> dataView, ObservableList<RunningTask> tasks) {
        this(model, dataView, tasks, true);
    }

    private MainWindow(ShellViewModel model, Supplier<DataView> dataView, ObservableList<RunningTask> tasks,
            boolean dataWaits) {
        this.model = model;
        this.dataView = () -> {
            if (builtDataView == null) {
                builtDataView = dataView.get();
            }
            return builtDataView;
        };
        root.getStyleClass().add("main-window");
        if (dataWaits) {
            waiting.put(WorkbenchPane.DATA, () -> this.dataView.get().node());
        } else {
            panes.put(WorkbenchPane.DATA, this.dataView.get().node());
        }
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            panes.computeIfAbsent(pane, p -> new PlaceholderView(p).node());
        }
        centre.getStyleClass().add("pane-host");
        for (Node node : panes.values()) {
            centre.getChildren().add(node);
        }
        root.setTop(topBar());
        root.setLeft(navigation());
        root.setCenter(centre);
        root.setBottom(new TaskStripView(tasks).node());
        model.selectedPaneProperty().addListener((obs, old, now) -> {
            // A pane the user asks for is built at once, whatever else waits.
            build(now);
            showOnly(now);
        });
        showOnly(model.selectedPaneProperty().get());
    }

    /**
     * Puts {@code node} in place of the pane shown for {@code pane} so far (a placeholder until the pane is
     * built): how the app adds the Calibration and Analysis panes, and later the Training pane.
     *
     * @param pane which pane
     * @param node its view
     */
    public void installPane(WorkbenchPane pane, Node node) {
        waiting.remove(pane);
        Node old = panes.put(pane, node);
        int at = centre.getChildren().indexOf(old);
        centre.getChildren().set(at, node);
        showOnly(model.selectedPaneProperty().get());
    }

    /**
     * Registers how {@code pane} is built, and shows its placeholder until it is: until {@link #buildWaitingPanes}
     * reaches it, or the user selects it. A pane's view is built and styled in the scene only then, so the panes
     * cost nothing while the window first shows its top bar.
     *
     * @param pane  which pane
     * @param build builds its view; called once, on the JavaFX thread
     */
    public void installPaneLater(WorkbenchPane pane, Supplier<Node> build) {
        waiting.put(pane, build);
    }

    /** @return whether {@code pane}'s view is built (not a placeholder waiting for {@link #buildWaitingPanes}) */
    public boolean isBuilt(WorkbenchPane pane) {
        return !waiting.containsKey(pane) && !(panes.get(pane).getUserData() instanceof PlaceholderView);
    }

    /** Builds every waiting pane now, the shown one first. */
    public void buildWaitingPanes() {
        build(model.selectedPaneProperty().get());
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            build(pane);
        }
    }

    /**
     * Builds the waiting panes one at a time, the shown one first, with a repaint between two, then runs
     * {@code done}.
     *
     * @param done runs once every pane is built
     */
    public void buildWaitingPanes(Runnable done) {
        WorkbenchPane next = waiting.containsKey(model.selectedPaneProperty().get())
                ? model.selectedPaneProperty().get()
                : waiting.keySet().stream().findFirst().orElse(null);
        if (next == null) {
            done.run();
            return;
        }
        build(next);
        PauseTransition pause = new PauseTransition(BETWEEN_PANES);
        pause.setOnFinished(event -> buildWaitingPanes(done));
        pause.play();
    }

    private void build(WorkbenchPane pane) {
        Supplier<Node> builder = waiting.remove(pane);
        if (builder != null) {
            Node node = builder.get();
            // Hidden first, then shown if selected: a pane's listeners for being shown fire as for a pane built up
            // front (the Analysis pane prepares the shown run's networks for "Try your own image" then).
            node.setVisible(false);
            installPane(pane, node);
        }
    }

    /**
     * Replaces what the operating-point region of the top bar shows ("no cascade yet" until then).
     *
     * @param summary the summary of the shared operating point
     */
    public void showOperatingPoint(Node summary) {
        // The summary says what it shows, and what appears when it is empty; the slot's own hint would go stale.
        Tooltip.uninstall(operatingPointSlot, emptySlotTip);
        operatingPointSlot.getChildren().setAll(summary);
        operatingPointSlot.getStyleClass().add("filled");
    }

    /**
     * Puts {@code control} (the workspace menu) in place of the workspace's name in the top bar.
     *
     * @param control the workspace control
     */
    public void setWorkspaceControl(Node control) {
        workspaceSlot.getChildren().setAll(control);
        workspaceSlot.setMinWidth(Region.USE_PREF_SIZE);
    }

    /**
     * Adds a button to the top bar, after the workspace (the teaching demo's Run demo).
     *
     * @param action the button
     */
    public void addTopBarAction(Node action) {
        actionsSlot.getChildren().add(action);
        actionsSlot.setMinWidth(Region.USE_PREF_SIZE);
    }

    /**
     * Adds a window-wide keyboard shortcut, now or when the scene is made.
     *
     * @param keys   the key combination
     * @param action what it does
     */
    public void addShortcut(KeyCombination keys, Runnable action) {
        extraShortcuts.put(keys, action);
        if (scene != null) {
            scene.getAccelerators().put(keys, action);
        }
    }

    /** @return the window's root node */
    public Node node() {
        return root;
    }

    /**
     * The top bar's operating-point region, for the cascade work to fill with accuracy (Δ vs backbone), compute
     * saved and exit rates. Until a cascade exists it says so.
     *
     * @return the region, an empty-able {@code StackPane}
     */
    public StackPane operatingPointSlot() {
        return operatingPointSlot;
    }

    /**
     * Builds the window's scene: styled, with the keyboard shortcuts installed.
     *
     * @return a new scene holding this window
     */
    public Scene createScene() {
        // As large as the screen allows up to a comfortable size, so the panes have room on a large display.
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, side(WIDTH, MAX_WIDTH, screen.getWidth()),
                side(HEIGHT, MAX_HEIGHT, screen.getHeight()));
        Theme.apply(scene, model.fontSizeProperty());
        installShortcuts(scene);
        scene.getAccelerators().putAll(extraShortcuts);
        this.scene = scene;
        return scene;
    }

    /**
     * @param message what is being prepared
     * @return a scene of the main window's size that says so, shown while the panes are built
     */
    public static Scene splashScene(String message) {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Label title = new Label("Exitbench");
        title.setStyle("-fx-font-size: 28px; -fx-font-weight: bold; -fx-text-fill: #f4f6f8;");
        Label text = new Label(message);
        text.setStyle("-fx-font-size: 15px; -fx-text-fill: #d5dbe1;");
        ProgressBar bar = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
        bar.setPrefWidth(260);
        VBox box = new VBox(14, title, text, bar);
        box.setAlignment(Pos.CENTER);
        box.setStyle("-fx-background-color: #243241;");
        return new Scene(box, side(WIDTH, MAX_WIDTH, screen.getWidth()), side(HEIGHT, MAX_HEIGHT, screen.getHeight()));
    }

    /** @return the usual size, or up to {@code max} when 94 % of the screen has room, never beyond the screen */
    private static double side(double usual, double max, double screen) {
        return Math.max(Math.min(max, 0.94 * screen), Math.min(usual, screen));
    }

    private void installShortcuts(Scene scene) {
        Map<KeyCombination, Runnable> keys = scene.getAccelerators();
        KeyCode[] digits = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4};
        KeyCode[] keypad = {KeyCode.NUMPAD1, KeyCode.NUMPAD2, KeyCode.NUMPAD3, KeyCode.NUMPAD4};
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            keys.put(shortcut(digits[pane.ordinal()]), () -> model.select(pane));
            keys.put(shortcut(keypad[pane.ordinal()]), () -> model.select(pane));
        }
        keys.put(shortcut(KeyCode.O), () -> {
            model.select(WorkbenchPane.DATA);
            dataView.get().promptOpen();
        });
        // Shift may be down: on most layouts "+" is Shift+"=", and people press Ctrl+Shift+= for Ctrl++.
        for (KeyCode larger : new KeyCode[] {KeyCode.EQUALS, KeyCode.PLUS, KeyCode.ADD}) {
            keys.put(new KeyCodeCombination(larger, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_ANY),
                    model::largerFont);
        }
        for (KeyCode smaller : new KeyCode[] {KeyCode.MINUS, KeyCode.SUBTRACT}) {
            keys.put(new KeyCodeCombination(smaller, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_ANY),
                    model::smallerFont);
        }
        keys.put(shortcut(KeyCode.DIGIT0), model::defaultFont);
    }

    private static KeyCombination shortcut(KeyCode code) {
        return new KeyCodeCombination(code, KeyCombination.SHORTCUT_DOWN);
    }

    private void showOnly(WorkbenchPane selected) {
        panes.forEach((pane, node) -> {
            node.setVisible(pane == selected);
            node.setManaged(pane == selected);
        });
    }

    /**
     * Two lines: the workspace, its actions and the operating-point summary on the first, what the workspace works
     * on (dataset, backbone, run) on the second. Nothing essential is cut short with an ellipsis: when the window is
     * narrow or the text large (a projector), the summary's groups and the facts wrap onto further lines instead.
     */
    private Node topBar() {
        Label brand = new Label("Exitbench");
        brand.getStyleClass().add("brand");
        brand.setMinWidth(Region.USE_PREF_SIZE);
        Label workspace = new Label();
        workspace.setId("workspaceName");
        workspace.getStyleClass().add("workspace-name");
        workspace.textProperty().bind(model.workspaceNameProperty());
        workspace.setMinWidth(Region.USE_PREF_SIZE);
        workspaceSlot.getChildren().setAll(workspace);
        workspaceSlot.setAlignment(Pos.CENTER_LEFT);
        workspaceSlot.setMinWidth(Region.USE_PREF_SIZE);
        actionsSlot.setAlignment(Pos.CENTER_LEFT);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);

        // Reserved for the always-visible operating-point summary (accuracy and its change against the
        // backbone, compute saved, exit rates as a stacked bar); the cascade work fills it. It is the one part
        // of the first line that gives way when the line is short: its content wraps, it is never cut.
        operatingPointSlot.setId("operatingPointSummary");
        operatingPointSlot.getStyleClass().add("operating-point-summary");
        operatingPointSlot.setAlignment(Pos.CENTER_RIGHT);
        Label noCascade = new Label("no cascade yet");
        noCascade.getStyleClass().add("muted");
        operatingPointSlot.getChildren().add(noCascade);
        Tooltip.install(operatingPointSlot, emptySlotTip);
        HBox first = new HBox(18, brand, workspaceSlot, actionsSlot, spacer, operatingPointSlot);
        first.setAlignment(Pos.CENTER_LEFT);

        FlowPane facts = new FlowPane(22, 2,
                fact("dataset", "topDataset", model.datasetLabelProperty()),
                fact("backbone", "topBackbone", model.backboneLabelProperty()),
                fact("run", "topRun", model.runLabelProperty()));
        facts.setId("topFacts");
        facts.getStyleClass().add("top-facts");
        facts.setAlignment(Pos.CENTER_LEFT);
        // A flow pane's preferred width is its wrap length: long enough for one line; the width it is given decides.
        facts.setPrefWrapLength(ONE_LINE);

        VBox bar = new VBox(3, first, facts);
        bar.setId("topBar");
        bar.getStyleClass().add("top-bar");
        return bar;
    }

    private static Node fact(String name, String id, javafx.beans.value.ObservableStringValue value) {
        Label key = new Label(name);
        key.getStyleClass().add("fact-key");
        Label text = new Label();
        text.setId(id);
        text.getStyleClass().add("fact-value");
        text.textProperty().bind(value);
        key.setMinWidth(Region.USE_PREF_SIZE);
        text.setMinWidth(Region.USE_PREF_SIZE);
        // Only a value wider than the whole window is cut; its tooltip still has all of it.
        Tooltip full = new Tooltip();
        full.textProperty().bind(Bindings.concat(name, ": ", value));
        text.setTooltip(full);
        HBox fact = new HBox(6, key, text);
        fact.setAlignment(Pos.BASELINE_LEFT);
        return fact;
    }

    private Node navigation() {
        ToggleGroup group = new ToggleGroup();
        VBox nav = new VBox(4);
        nav.setId("navigation");
        nav.getStyleClass().add("navigation");
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            ToggleButton button = navButton(pane);
            button.setToggleGroup(group);
            button.setSelected(model.selectedPaneProperty().get() == pane);
            nav.getChildren().add(button);
        }
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                group.selectToggle(old);
            } else {
                model.select((WorkbenchPane) now.getUserData());
            }
        });
        model.selectedPaneProperty().addListener((obs, old, now) -> group.getToggles().stream()
                .filter(t -> t.getUserData() == now).findFirst().ifPresent(group::selectToggle));
        return nav;
    }

    private ToggleButton navButton(WorkbenchPane pane) {
        String key = pane.name().toLowerCase(Locale.ROOT);
        Circle dot = new Circle(5);
        dot.setId(key + "Status");
        dot.getStyleClass().add("status-dot");
        Label title = new Label(pane.title());
        title.getStyleClass().add("nav-title");
        Label hint = new Label("Ctrl+" + pane.shortcutDigit());
        hint.getStyleClass().add("nav-hint");
        title.setMinWidth(Region.USE_PREF_SIZE);
        hint.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox graphic = new HBox(10, dot, title, spacer, hint);
        graphic.setAlignment(Pos.CENTER_LEFT);
        ToggleButton button = new ToggleButton();
        button.setId(key + "Nav");
        button.setGraphic(graphic);
        button.setUserData(pane);
        button.setMaxWidth(Double.MAX_VALUE);
        button.getStyleClass().add("nav-button");
        graphic.getStyleClass().add("nav-graphic");
        Tooltip tooltip = new Tooltip();
        button.setTooltip(tooltip);
        Runnable showStatus = () -> {
            PaneStatus status = model.statusProperty(pane).get();
            for (PaneStatus s : PaneStatus.values()) {
                dot.getStyleClass().remove(s.styleClass());
            }
            dot.getStyleClass().add(status.styleClass());
            tooltip.setText(pane.purpose() + "\nStatus: " + status.name().toLowerCase(Locale.ROOT));
        };
        model.statusProperty(pane).addListener((obs, old, now) -> showStatus.run());
        showStatus.run();
        return button;
    }
}
