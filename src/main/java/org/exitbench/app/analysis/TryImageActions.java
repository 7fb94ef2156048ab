package org.exitbench.app.analysis;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitMenuButton;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.data.ImagePixelBudget;

/**
 * The ways an image of the user's own comes in: the "Try your own image…" button (a file, or from its menu a folder),
 * a file, folder or picture dropped anywhere on the window, and Ctrl+V. Each shows the Analysis pane, where the
 * path appears.
 */
public final class TryImageActions {

    /** Tries the clipboard's image, or its image files: Ctrl+V (a focused text field pastes as usual). */
    public static final KeyCombination PASTE = new KeyCodeCombination(KeyCode.V, KeyCombination.SHORTCUT_DOWN);

    private static final String HOW = "Run an image of your own through the cascade at the current thresholds: a "
            + "photo of a drawing, say. You can also drop an image or a folder on the window, or paste one (Ctrl+V).";

    private TryImageActions() {
    }

    /**
     * Puts "Try your own image" into the Analysis pane: its panel above the test image's path, the header's button,
     * and the cascade prepared whenever the pane is shown.
     *
     * @param showPane shows the Analysis pane
     */
    public static void attach(AnalysisView view, TryImageViewModel model, FileDialogs files, FolderChooser folders,
            Runnable showPane) {
        view.ownImageSlot().getChildren().add(new TryImageView(model).node());
        view.addAction(button(model, files, folders, showPane));
        prepareWhenShown(view.node(), model);
        // The panel is above the path: in a narrow pane, the path's tab must be the one shown for it to be seen.
        model.activeProperty().addListener((obs, was, now) -> {
            if (now) {
                view.showPath();
            }
        });
        model.statusProperty().addListener((obs, old, now) -> {
            if (model.activeProperty().get()) {
                view.showPath();
            }
        });
    }

    /**
     * @param model    where the image goes
     * @param files    asks for an image file
     * @param folders  asks for a folder of images
     * @param showPane shows the Analysis pane
     * @return the button, with "A folder of images…" in its menu
     */
    public static SplitMenuButton button(TryImageViewModel model, FileDialogs files, FolderChooser folders,
            Runnable showPane) {
        SplitMenuButton button = new SplitMenuButton();
        button.setText("Try your own image…");
        button.setId("tryImageButton");
        button.setMinWidth(Region.USE_PREF_SIZE);
        button.setTooltip(new Tooltip(HOW));
        button.setOnAction(event -> files.open(windowOf(button), "Try your own image", FileDialogs.Kind.IMAGE)
                .ifPresent(file -> {
                    showPane.run();
                    model.open(List.of(file));
                }));
        MenuItem folder = new MenuItem("A folder of images…");
        folder.setId("tryImageFolder");
        folder.setOnAction(event -> folders.choose(windowOf(button), null).ifPresent(chosen -> {
            showPane.run();
            model.open(List.of(chosen));
        }));
        button.getItems().add(folder);
        return button;
    }

    /**
     * Makes {@code target} (the window's root) accept image files, folders and pictures dropped on it.
     *
     * @param showPane shows the Analysis pane
     */
    public static void acceptDrops(Node target, TryImageViewModel model, Runnable showPane) {
        target.addEventHandler(DragEvent.DRAG_OVER, event -> {
            Dragboard board = event.getDragboard();
            if (event.getGestureSource() == null && (board.hasFiles() || board.hasImage())) {
                event.acceptTransferModes(TransferMode.COPY);
                event.consume();
            }
        });
        target.addEventHandler(DragEvent.DRAG_DROPPED, event -> {
            boolean taken = take(event.getDragboard().hasFiles() ? event.getDragboard().getFiles() : null,
                    event.getDragboard().hasImage() ? event.getDragboard().getImage() : null, "dropped image",
                    model, showPane);
            event.setDropCompleted(taken);
            event.consume();
        });
    }

    /**
     * Prepares the cascade for images whenever {@code pane} (the Analysis pane) is shown, or the run changes while it
     * is: the first image is then answered without waiting for the network to load.
     */
    public static void prepareWhenShown(Node pane, TryImageViewModel model) {
        pane.visibleProperty().addListener((obs, was, now) -> {
            if (now) {
                model.prepare();
            }
        });
        // A pane built when it is first selected is visible from the start, so no change says it was shown.
        Platform.runLater(() -> {
            if (pane.isVisible() && pane.getScene() != null) {
                model.prepare();
            }
        });
        model.targetProperty().addListener((obs, old, now) -> {
            if (pane.isVisible()) {
                model.prepare();
            }
        });
    }

    /**
     * Pastes: into the focused text field when there is one, otherwise the clipboard's files or picture are tried.
     *
     * @param scene    the window's scene
     * @param showPane shows the Analysis pane
     */
    public static void paste(Scene scene, TryImageViewModel model, Runnable showPane) {
        if (scene != null && scene.getFocusOwner() instanceof TextInputControl text) {
            text.paste();
            return;
        }
        Clipboard clipboard = Clipboard.getSystemClipboard();
        if (!take(clipboard.hasFiles() ? clipboard.getFiles() : null,
                clipboard.hasImage() ? clipboard.getImage() : null, "pasted image", model, showPane)) {
            showPane.run();
            model.explain("The clipboard holds no image and no image file to try: copy a picture or a file first.");
        }
    }

    /** Tries the files when there are any, else the picture; false when there is neither. */
    private static boolean take(List<File> files, Image picture, String name, TryImageViewModel model,
            Runnable showPane) {
        if (files != null && !files.isEmpty()) {
            showPane.run();
            model.open(files.stream().map(File::toPath).map(Path::toAbsolutePath).toList());
            return true;
        }
        if (picture == null || picture.isError() || picture.getPixelReader() == null) {
            return false;
        }
        showPane.run();
        int width = (int) picture.getWidth();
        int height = (int) picture.getHeight();
        if ((long) width * height > ImagePixelBudget.current()) {
            // Checked before the pixels are copied out: ofArgb then names the size and the budget.
            model.openPixels(new int[0], width, height, name);
            return true;
        }
        int[] argb = new int[width * height];
        PixelReader reader = picture.getPixelReader();
        reader.getPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), argb, 0, width);
        model.openPixels(argb, width, height, name);
        return true;
    }

    private static Window windowOf(Node node) {
        return node.getScene() == null ? null : node.getScene().getWindow();
    }
}
