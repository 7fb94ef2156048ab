package org.exitbench.app.analysis;

import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.data.ImageConversion;

/**
 * The Analysis pane's panel for an image of the user's own: its picture as given beside what the network sees, what
 * the conversion did (with the inversion to undo), then its path through the cascade at the current thresholds, as
 * the test images' path panel shows theirs, and what it cost; arrows step through a folder's images. Hidden until
 * an image is given.
 */
public final class TryImageView {

    /** The side of the converted image on screen: a 32×32 image in 3×3 blocks. */
    private static final int NETWORK_SIDE = 96;
    /** The side the original fits in: with the converted image, one line in the Analysis pane's right column. */
    private static final int ORIGINAL_SIDE = 104;

    private final TryImageViewModel model;
    private final VBox root = new VBox(6);
    private final ImageView original = new ImageView();
    private final ImageView network = new ImageView();
    private final Label networkCaption = wrapped(new Label(), "tryImageNetworkCaption");
    private final Label name = wrapped(new Label(), "tryImageName");
    private final Label conversion = wrapped(new Label(), "tryImageConversion");
    private final Label verdict = wrapped(new Label(), "tryImageVerdict");
    private final Label cost = wrapped(new Label(), "tryImageCost");
    private final Label timing = wrapped(new Label(), "tryImageTiming");
    private final Label status = wrapped(new Label(), "tryImageStatus");
    private final VBox steps = new VBox(4);

    /** @param model the panel's state */
    public TryImageView(TryImageViewModel model) {
        this.model = model;
        root.setId("tryImage");
        root.getStyleClass().addAll("sample-path", "try-image");
        root.visibleProperty().bind(model.activeProperty());
        root.managedProperty().bind(root.visibleProperty());
        original.setPreserveRatio(true);
        original.setSmooth(true);
        original.setFitWidth(ORIGINAL_SIDE);
        original.setFitHeight(ORIGINAL_SIDE);
        original.setId("tryImageOriginal");
        network.setSmooth(false);
        network.setPreserveRatio(true);
        network.setFitWidth(NETWORK_SIDE);
        network.setFitHeight(NETWORK_SIDE);
        network.setId("tryImageNetwork");
        steps.setId("tryImageSteps");
        name.getStyleClass().add("path-title");
        conversion.getStyleClass().add("muted");
        cost.getStyleClass().add("muted");
        timing.getStyleClass().add("muted");
        verdict.getStyleClass().add("path-fired");
        status.textProperty().bind(model.statusProperty());
        status.visibleProperty().bind(status.textProperty().isNotEmpty());
        status.managedProperty().bind(status.visibleProperty());
        verdict.textProperty().bind(model.verdictProperty());

        Label heading = wrapped(new Label("Your image through the cascade"), "tryImageHeading");
        heading.getStyleClass().add("panel-title");
        HBox.setHgrow(heading, Priority.ALWAYS);
        heading.setMaxWidth(Double.MAX_VALUE);
        Button close = new Button("✕");
        close.setId("tryImageClose");
        close.getStyleClass().add("small-button");
        close.setMinWidth(Region.USE_PREF_SIZE);
        close.setTooltip(new Tooltip("Put your image away"));
        close.setOnAction(event -> model.close());
        HBox top = new HBox(6, heading, close);
        top.setAlignment(Pos.TOP_LEFT);

        Button previous = new Button("‹");
        previous.setId("tryImagePrevious");
        previous.getStyleClass().add("small-button");
        previous.setMinWidth(Region.USE_PREF_SIZE);
        previous.setTooltip(new Tooltip("The previous image of the folder"));
        previous.disableProperty().bind(model.canPreviousProperty().not());
        previous.setOnAction(event -> model.previous());
        Button next = new Button("›");
        next.setId("tryImageNext");
        next.getStyleClass().add("small-button");
        next.setMinWidth(Region.USE_PREF_SIZE);
        next.setTooltip(new Tooltip("The next image of the folder"));
        next.disableProperty().bind(model.canNextProperty().not());
        next.setOnAction(event -> model.next());
        Label position = wrapped(new Label(), "tryImagePosition");
        position.getStyleClass().add("muted");
        position.textProperty().bind(model.positionProperty());
        HBox.setHgrow(position, Priority.ALWAYS);
        HBox folder = new HBox(6, previous, next, position);
        folder.setAlignment(Pos.CENTER_LEFT);
        folder.visibleProperty().bind(model.positionProperty().isNotEmpty());
        folder.managedProperty().bind(folder.visibleProperty());

        Label asGiven = wrapped(new Label("as given"), null);
        asGiven.getStyleClass().add("muted");
        networkCaption.getStyleClass().add("muted");
        // As wide as the picture above it: the caption wraps rather than widening the column.
        networkCaption.setPrefWidth(NETWORK_SIDE);
        networkCaption.setMaxWidth(NETWORK_SIDE);
        VBox left = new VBox(2, original, asGiven);
        VBox right = new VBox(2, network, networkCaption);
        left.setAlignment(Pos.TOP_CENTER);
        right.setAlignment(Pos.TOP_CENTER);
        // Side by side where the column has room, one above the other where it has not.
        FlowPane pictures = new FlowPane(8, 6, left, right);
        pictures.setAlignment(Pos.TOP_LEFT);

        CheckBox invert = new CheckBox("Invert (light background → dark)");
        invert.setId("tryImageInvert");
        invert.setWrapText(true);
        invert.setMinHeight(Region.USE_PREF_SIZE);
        invert.selectedProperty().bindBidirectional(model.invertProperty());
        invert.disableProperty().bind(model.busyProperty().or(model.shownProperty().isNull()));
        invert.setTooltip(new Tooltip("Photographed drawings are dark on white; this dataset's images may be light on"
                + " black. Untick to give the network the image unturned."));

        VBox shownParts = new VBox(6, name, pictures, conversion, invert, verdict, cost, steps, timing);
        shownParts.visibleProperty().bind(model.shownProperty().isNotNull());
        shownParts.managedProperty().bind(shownParts.visibleProperty());
        root.getChildren().setAll(top, folder, status, shownParts);

        model.shownProperty().addListener((obs, old, now) -> showImage(now));
        model.pathProperty().addListener((obs, old, now) -> showPath(now));
        showImage(model.shownProperty().get());
        showPath(model.pathProperty().get());
    }

    /** @return the panel */
    public Node node() {
        return root;
    }

    private void showImage(TryImageViewModel.Shown shown) {
        if (shown == null) {
            original.setImage(null);
            network.setImage(null);
            return;
        }
        ImageConversion.Original thumb = shown.thumbnail();
        original.setImage(image(thumb.pixels(), thumb.channels(), thumb.height(), thumb.width(), 1));
        ImageConversion.Converted seen = shown.converted();
        int scale = Math.max(1, NETWORK_SIDE / Math.max(seen.height(), seen.width()));
        network.setImage(image(seen.pixels(), seen.channels(), seen.height(), seen.width(), scale));
        networkCaption.setText("what the network sees, " + seen.width() + "×" + seen.height());
        name.setText(shown.name() + " · " + shown.runName());
        ImageConversion.Converted how = shown.converted();
        conversion.setText(how.description() + (how.inverted() && how.inversionSuggested()
                ? " Untick Invert to give the network the image unturned." : ""));
        timing.setText(String.format(Locale.ROOT, "Read, converted and run through every exit in %.2f s.",
                shown.seconds()));
    }

    private void showPath(TryImagePath path) {
        steps.getChildren().clear();
        TryImageViewModel.Shown shown = model.shownProperty().get();
        if (path == null || shown == null) {
            cost.setText("");
            return;
        }
        cost.setText("Cost " + DisplayText.macs(path.macs()) + ", " + DisplayText.wholePercent(
                (double) path.macs() / path.fullMacs()) + " of the full backbone's " + DisplayText.macs(
                path.fullMacs()) + ".");
        for (PathStep step : path.steps()) {
            steps.getChildren().add(SamplePathView.stepLine(step, path.exitCount(), shown.classNames()));
        }
    }

    /** C×H×W bytes as an image, each pixel a {@code scale}×{@code scale} block. */
    private static WritableImage image(byte[] pixels, int channels, int height, int width, int scale) {
        int plane = height * width;
        int w = width * scale;
        int h = height * scale;
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y / scale) * width + x / scale;
                int r = pixels[p] & 0xFF;
                int g = channels == 3 ? pixels[plane + p] & 0xFF : r;
                int b = channels == 3 ? pixels[2 * plane + p] & 0xFF : r;
                argb[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
        WritableImage image = new WritableImage(w, h);
        image.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return image;
    }

    private static Label wrapped(Label label, String id) {
        if (id != null) {
            label.setId(id);
        }
        label.setWrapText(true);
        // A wrapped label never shrinks below the lines it needs (the column scrolls instead of cutting it).
        label.setMinHeight(Region.USE_PREF_SIZE);
        return label;
    }
}
