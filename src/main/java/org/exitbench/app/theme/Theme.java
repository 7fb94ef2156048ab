package org.exitbench.app.theme;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableIntegerValue;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/**
 * The app's look: one stylesheet ({@code org/exitbench/app/exitbench.css} on the class path), the exit palette
 * as looked-up colours, a root font size every other size follows (the stylesheet sizes in {@code em}), and the
 * window icon.
 *
 * <p>The icon's source is {@code assets/icon.svg}; {@code scripts/render-icon.sh} renders the PNGs in
 * {@code org/exitbench/app/icons/}.
 */
public final class Theme {

    private static final String STYLESHEET = "/org/exitbench/app/exitbench.css";
    private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

    private Theme() {
    }

    /**
     * Styles a scene and keeps its root font size equal to {@code fontSizePx}.
     *
     * @param scene      the scene; its root must not change afterwards
     * @param fontSizePx the root font size in pixels
     */
    public static void apply(Scene scene, ObservableIntegerValue fontSizePx) {
        scene.getStylesheets().add(resource(STYLESHEET).toExternalForm());
        scene.getRoot().styleProperty().bind(Bindings.createStringBinding(
                () -> "-fx-font-size: " + fontSizePx.get() + "px; " + ExitPalette.lookedUpColors(), fontSizePx));
    }

    /** @return the app icon at every size it ships in, smallest first, for {@code Stage.getIcons()} */
    public static List<Image> icons() {
        List<Image> icons = new ArrayList<>();
        for (int size : ICON_SIZES) {
            icons.add(new Image(resource("/org/exitbench/app/icons/icon-" + size + ".png").toExternalForm()));
        }
        return icons;
    }

    private static URL resource(String name) {
        return Objects.requireNonNull(Theme.class.getResource(name), () -> name + " is missing from the class path");
    }

    /**
     * A pane's heading: its title, never cut short, and beside it on the same baseline a subtitle saying what the
     * pane shows (the subtitle gives way first when the line is short).
     *
     * @param title    the pane's name
     * @param subtitle the subtitle, styled here as {@code pane-subtitle}
     * @return the heading
     */
    public static HBox paneTitles(String title, Label subtitle) {
        Label name = new Label(title);
        name.getStyleClass().add("pane-title");
        name.setMinWidth(Region.USE_PREF_SIZE);
        subtitle.getStyleClass().add("pane-subtitle");
        // Large text on a small window: the subtitle takes a second line rather than losing its end.
        subtitle.setWrapText(true);
        subtitle.setMinHeight(Region.USE_PREF_SIZE);
        HBox titles = new HBox(12, name, subtitle);
        titles.setAlignment(Pos.BASELINE_LEFT);
        return titles;
    }
}
