package org.exitbench.app.operatingpoint;

import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * Parts every pane that shows the operating point has: the banner that says the scores are synthetic, the
 * sentence shown while there are no scores, and the body that holds one or the other.
 */
public final class CascadePaneParts {

    /** What a pane says while there are no scores and none are being prepared. */
    static final String NO_CASCADE = "No cascade yet. Train exit branches (Training pane, or Run demo: F5), or open a"
            + " dataset with validation and test images (Data pane) to explore the workbench on synthetic demo scores.";

    private CascadePaneParts() {
    }

    /**
     * @param point the operating point
     * @param id    the banner's node id
     * @param text  what the banner says, for this pane
     * @return a banner shown only while the operating point's scores are synthetic
     */
    public static Node syntheticBanner(OperatingPointModel point, String id, String text) {
        Label label = new Label(text);
        label.setWrapText(true);
        HBox banner = new HBox(label);
        banner.setId(id);
        banner.getStyleClass().addAll("banner", "synthetic-banner");
        banner.visibleProperty().bind(Bindings.createBooleanBinding(() -> {
            CascadeSource source = point.sourceProperty().get();
            return source != null && source.synthetic();
        }, point.sourceProperty()));
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }

    /**
     * @param point   the operating point
     * @param id      the placeholder's node id
     * @param content the pane's content, shown only while there are scores
     * @return the pane's body, to grow in its {@code VBox}: "no cascade yet" and how to get one while there are
     *         no scores, else the content
     */
    public static Node body(OperatingPointModel point, String id, Node content) {
        Label text = new Label();
        text.textProperty().bind(Bindings.createStringBinding(() -> point.preparingProperty().get().isEmpty()
                ? NO_CASCADE : point.preparingProperty().get(), point.preparingProperty()));
        text.setId(id);
        text.getStyleClass().add("placeholder-text");
        text.setWrapText(true);
        text.visibleProperty().bind(point.sourceProperty().isNull());
        content.visibleProperty().bind(point.sourceProperty().isNotNull());
        StackPane.setAlignment(text, Pos.TOP_LEFT);
        StackPane body = new StackPane(text, content);
        VBox.setVgrow(body, Priority.ALWAYS);
        // The body takes whatever height the pane has left. With fixed (zero) minimum and preferred sizes, a
        // number changing deep inside does not make every layout pass measure the whole pane again.
        body.setMinSize(0, 0);
        body.setPrefSize(0, 0);
        return body;
    }
}
