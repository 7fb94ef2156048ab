package org.exitbench.app.shell;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** A pane that is not built yet: its name and one sentence on what it will hold. */
final class PlaceholderView {

    private final VBox root;

    PlaceholderView(WorkbenchPane pane) {
        Label title = new Label(pane.title());
        title.getStyleClass().add("pane-title");
        Label purpose = new Label(pane.purpose());
        purpose.getStyleClass().add("pane-purpose");
        purpose.setWrapText(true);
        Label pending = new Label("This pane is not built yet.");
        pending.getStyleClass().add("muted");
        root = new VBox(12, title, purpose, pending);
        root.getStyleClass().addAll("pane-root", "placeholder-pane");
        root.setId(pane.name().toLowerCase(java.util.Locale.ROOT) + "Pane");
        // MainWindow tells a placeholder from a built pane by this.
        root.setUserData(this);
    }

    Node node() {
        return root;
    }
}
