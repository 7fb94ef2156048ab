package org.exitbench.app.analysis;

import java.util.List;
import java.util.Optional;
import javafx.geometry.HPos;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.chart.ExitLegend;
import org.exitbench.app.data.ThumbnailPixels;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.SampleImage;
import org.exitbench.data.Split;

/**
 * The selected image's way through the cascade: the picture, its class and the cascade's answer, then per exit
 * its top classes with their confidences (one a line), the threshold it faced and whether it left there, and what the
 * image cost.
 */
final class SamplePathView {

    private static final int PICTURE = 96;

    private final AnalysisViewModel model;
    private final VBox root = new VBox(6);
    private final ImageView picture = new ImageView();
    private final Label title = new Label();
    private final Label verdict = new Label();
    private final Label cost = new Label();
    private final VBox steps = new VBox(4);
    private SamplePath shown;
    private final Label hint = new Label("Click an image in the gallery to see its path through the cascade.");

    SamplePathView(AnalysisViewModel model) {
        this.model = model;
        root.setId("samplePath");
        root.getStyleClass().add("sample-path");
        picture.setSmooth(false);
        picture.setFitWidth(PICTURE);
        picture.setFitHeight(PICTURE);
        picture.setPreserveRatio(true);
        title.getStyleClass().add("path-title");
        title.setWrapText(true);
        // A wrapped label never shrinks below the lines it needs (the column scrolls instead of cutting it).
        title.setMinHeight(Region.USE_PREF_SIZE);
        verdict.setId("pathVerdict");
        verdict.setWrapText(true);
        verdict.setMinHeight(Region.USE_PREF_SIZE);
        cost.setId("pathCost");
        cost.getStyleClass().add("muted");
        cost.setWrapText(true);
        cost.setMinHeight(Region.USE_PREF_SIZE);
        hint.getStyleClass().add("muted");
        hint.setWrapText(true);
        hint.setMinHeight(Region.USE_PREF_SIZE);
        model.selectedPathProperty().addListener((obs, old, now) -> show(now));
        show(model.selectedPathProperty().get());
    }

    Node node() {
        return root;
    }

    private void show(SamplePath path) {
        // Most threshold moves leave the selected image's path as it was; rebuilding it would cost a CSS pass.
        if (path != null && path.equals(shown)) {
            return;
        }
        shown = path;
        OperatingPointResult result = model.operatingPoint().resultProperty().get();
        if (path == null || result == null) {
            root.getChildren().setAll(heading(), hint);
            return;
        }
        List<String> names = result.source().classNames();
        Optional<SampleImage> image = result.source().images().image(Split.TEST, path.sample());
        image.ifPresent(i -> {
            int size = ThumbnailPixels.displaySize(i.images().height(), i.images().width());
            int side = Math.max(size, PICTURE);
            WritableImage big = new WritableImage(side, side);
            big.getPixelWriter().setPixels(0, 0, side, side, PixelFormat.getIntArgbInstance(),
                    ThumbnailPixels.argb(i.images(), i.index(), side), 0, side);
            picture.setImage(big);
        });
        int exits = path.exitCount();
        title.setText("Test image " + path.sample() + " · " + names.get(path.label()));
        verdict.setText("Left at " + DisplayText.exitName(path.exitTaken(), exits) + ", answered "
                + names.get(path.answer()) + (path.correct() ? " (right)." : " (wrong)."));
        verdict.getStyleClass().setAll("label", path.correct() ? "path-right" : "path-wrong");
        cost.setText("Cost " + DisplayText.macs(path.macs()) + ", " + DisplayText.wholePercent(
                (double) path.macs() / path.fullMacs()) + " of the full backbone's "
                + DisplayText.macs(path.fullMacs()) + ".");
        steps.getChildren().clear();
        for (PathStep step : path.steps()) {
            steps.getChildren().add(stepLine(step, exits, names));
        }
        VBox facts = new VBox(3, title, verdict, cost);
        HBox top = new HBox(10);
        if (image.isPresent()) {
            top.getChildren().add(picture);
        }
        top.getChildren().add(facts);
        top.setAlignment(Pos.TOP_LEFT);
        root.getChildren().setAll(heading(), top, steps);
    }

    private static Label heading() {
        Label heading = new Label("Path through the cascade");
        heading.getStyleClass().add("panel-title");
        // A narrow column wraps the title rather than cutting it.
        heading.setWrapText(true);
        heading.setMinHeight(Region.USE_PREF_SIZE);
        return heading;
    }

    /**
     * One exit of a path: its name, then its top classes one a line (name, score right-aligned), then the decision.
     * The classes are a grid of unwrapped labels, so a name is never broken (one wrapped line "t-shirt-top 0.85 ·
     * shirt 0.10 · pullover 0.03" took three lines at 1280 × 800, breaking between a name and its score); when the
     * column is too narrow for name and classes side by side the classes go below the name.
     */
    static Node stepLine(PathStep step, int exits, List<String> names) {
        Label name = new Label(DisplayText.exitTitle(step.exit(), exits), ExitLegend.swatch(step.exit(), exits));
        name.getStyleClass().add("path-exit");
        name.setMinWidth(Region.USE_PREF_SIZE);
        GridPane classes = new GridPane();
        classes.getStyleClass().add("path-top");
        classes.setHgap(8);
        int row = 0;
        for (PathStep.RankedClass ranked : step.top()) {
            Label className = new Label(names.get(ranked.classIndex()));
            className.getStyleClass().add("path-class");
            className.setMinWidth(Region.USE_PREF_SIZE);
            Label score = new Label(Double.isNaN(ranked.probability()) ? ""
                    : DisplayText.probability(ranked.probability()));
            score.getStyleClass().add("path-score");
            score.setMinWidth(Region.USE_PREF_SIZE);
            GridPane.setHalignment(score, HPos.RIGHT);
            classes.addRow(row++, className, score);
        }
        FlowPane line = new FlowPane(12, 1, name, classes);
        line.setRowValignment(VPos.TOP);
        Label decision = new Label(decision(step, exits));
        decision.getStyleClass().add(step.fired() ? "path-fired" : "muted");
        decision.setWrapText(true);
        decision.setMinHeight(Region.USE_PREF_SIZE);
        VBox text = new VBox(1, line, decision);
        text.getStyleClass().add("path-step");
        text.setOpacity(step.reached() ? 1.0 : 0.45);
        return text;
    }

    private static String decision(PathStep step, int exits) {
        if (!step.reached()) {
            return "not reached";
        }
        if (step.exit() == exits) {
            return "no exit fired: the backbone head answers · " + DisplayText.macs(step.macsIfLeft());
        }
        String comparison = "score " + DisplayText.threshold(step.score()) + (step.fired() ? " ≥ " : " < ")
                + "τ " + DisplayText.threshold(step.threshold());
        return comparison + (step.fired() ? " → leaves here · " + DisplayText.macs(step.macsIfLeft())
                : " → goes on");
    }
}
