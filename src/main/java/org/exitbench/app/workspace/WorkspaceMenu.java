package org.exitbench.app.workspace;

import java.nio.file.Path;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.workspace.Workspace;

/**
 * The top bar's workspace menu: the workspace's name (with a dot while thresholds are unsaved), and New…, Open…,
 * Open recent, Save. Its shortcuts are installed on the main window by the caller ({@link #NEW}, {@link #OPEN},
 * {@link #SAVE}).
 */
public final class WorkspaceMenu {

    /** New workspace: Ctrl+Shift+N. */
    public static final KeyCombination NEW = new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN);
    /** Open workspace: Ctrl+Shift+O (Ctrl+O opens a dataset). */
    public static final KeyCombination OPEN = new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN);
    /** Save: Ctrl+S. */
    public static final KeyCombination SAVE = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);

    private final WorkspaceViewModel model;
    private final FolderChooser folders;
    private final MenuButton button = new MenuButton();
    private final Menu recent = new Menu("Open recent");

    /**
     * @param model   the workspace
     * @param folders asks for a workspace folder
     */
    public WorkspaceMenu(WorkspaceViewModel model, FolderChooser folders) {
        this.model = model;
        this.folders = folders;
        button.setId("workspaceMenu");
        button.getStyleClass().add("workspace-menu");
        button.setMinWidth(Region.USE_PREF_SIZE);
        button.textProperty().bind(Bindings.createStringBinding(() -> model.nameProperty().get()
                + (model.dirtyProperty().get() ? "  \u25cf" : ""), model.nameProperty(), model.dirtyProperty()));
        Tooltip tooltip = new Tooltip();
        tooltip.textProperty().bind(Bindings.createStringBinding(() -> model.folderProperty().get() == null
                ? "No workspace is open" : "Workspace " + model.folderProperty().get().root()
                + (model.dirtyProperty().get() ? "\nThresholds changed and not saved (Ctrl+S)" : ""),
                model.folderProperty(), model.dirtyProperty()));
        button.setTooltip(tooltip);
        MenuItem create = new MenuItem("New workspace\u2026");
        create.setId("newWorkspace");
        create.setAccelerator(NEW);
        create.setOnAction(event -> promptNew());
        MenuItem open = new MenuItem("Open workspace\u2026");
        open.setId("openWorkspace");
        open.setAccelerator(OPEN);
        open.setOnAction(event -> promptOpen());
        MenuItem save = new MenuItem("Save");
        save.setId("saveWorkspace");
        save.setAccelerator(SAVE);
        save.setOnAction(event -> model.save());
        save.disableProperty().bind(model.folderProperty().isNull());
        recent.setId("recentWorkspaces");
        model.recentWorkspaces().addListener((ListChangeListener<Path>) change -> showRecent());
        showRecent();
        button.getItems().setAll(create, open, recent, new SeparatorMenuItem(), save);
    }

    /** @return the menu button */
    public Node node() {
        return button;
    }

    /** Asks for an empty folder and makes a new workspace there. */
    public void promptNew() {
        folders.choose(window(), startFolder()).ifPresent(model::newWorkspace);
    }

    /** Asks for a workspace folder and opens it. */
    public void promptOpen() {
        folders.choose(window(), startFolder()).ifPresent(model::open);
    }

    private Path startFolder() {
        Workspace current = model.folderProperty().get();
        return current == null ? null : current.root().getParent();
    }

    private Window window() {
        return button.getScene() == null ? null : button.getScene().getWindow();
    }

    private void showRecent() {
        recent.getItems().clear();
        for (Path workspace : model.recentWorkspaces()) {
            MenuItem item = new MenuItem(workspace.getFileName() + "  \u2014  " + workspace);
            item.setMnemonicParsing(false);
            item.setOnAction(event -> model.open(workspace));
            recent.getItems().add(item);
        }
        recent.setDisable(recent.getItems().isEmpty());
    }
}
