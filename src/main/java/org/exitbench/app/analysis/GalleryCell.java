package org.exitbench.app.analysis;

import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Polygon;
import org.controlsfx.control.GridCell;
import org.exitbench.app.data.ThumbnailCache;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.SampleImage;
import org.exitbench.app.theme.ExitPalette;
import org.exitbench.cascade.ExitScores;
import org.exitbench.data.Split;

/**
 * One image of the exit gallery: its picture framed in the colour of the exit it left at, a red corner mark when
 * the cascade's answer is wrong, and a tooltip with truth, answer and confidence. Clicking it selects it.
 */
final class GalleryCell extends GridCell<Integer> {

    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("chosen");
    /** The wrong-answer mark's size, in pixels. */
    private static final double MARK = 14;

    private final Supplier<OperatingPointResult> result;
    private final ThumbnailCache thumbnails;
    private final AnalysisViewModel model;
    private final ImageView view = new ImageView();
    private final Label number = new Label();
    private final Polygon wrongMark = new Polygon(0, 0, MARK, 0, MARK, MARK);
    private final StackPane frame = new StackPane();
    private final Tooltip tooltip = new Tooltip();

    GalleryCell(Supplier<OperatingPointResult> result, ThumbnailCache thumbnails, AnalysisViewModel model,
            IntConsumer onClick) {
        this.result = result;
        this.thumbnails = thumbnails;
        this.model = model;
        getStyleClass().add("gallery-cell");
        view.setSmooth(false);
        view.setPreserveRatio(true);
        number.getStyleClass().add("gallery-number");
        wrongMark.getStyleClass().add("wrong-mark");
        wrongMark.setStyle("-fx-fill: " + ExitPalette.wrongHex() + ";");
        StackPane.setAlignment(wrongMark, Pos.TOP_RIGHT);
        frame.getStyleClass().add("gallery-frame");
        frame.getChildren().addAll(view, number, wrongMark);
        frame.setVisible(false);
        setGraphic(frame);
        tooltip.setOnShowing(event -> tooltip.setText(describe()));
        setOnMouseClicked(event -> {
            if (getItem() != null) {
                onClick.accept(getItem());
            }
        });
        model.selectedSampleProperty().addListener((obs, old, now) ->
                pseudoClassStateChanged(SELECTED, getItem() != null && getItem() == now.intValue()));
    }

    @Override
    protected void updateItem(Integer sample, boolean empty) {
        super.updateItem(sample, empty);
        OperatingPointResult current = result.get();
        boolean shown = !empty && sample != null && current != null && sample < current.testSampleCount();
        // The frame stays the cell's graphic and the tooltip stays installed: swapping them re-parents nodes and
        // re-applies CSS, which a gallery refreshing every frame cannot afford.
        frame.setVisible(shown);
        if (!shown) {
            setTooltip(null);
            pseudoClassStateChanged(SELECTED, false);
            return;
        }
        int exits = current.source().exitCount();
        int exit = current.testExitOf(sample);
        Optional<SampleImage> image = current.source().images().image(Split.TEST, sample);
        if (image.isPresent()) {
            view.setImage(thumbnails.thumbnail(image.get().images(), image.get().index()));
            number.setText("");
        } else {
            view.setImage(null);
            number.setText("#" + sample);
        }
        wrongMark.setVisible(!current.testCorrect(sample));
        // An equal string is no change, so an unchanged border costs no CSS pass.
        frame.setStyle("-fx-border-color: " + ExitPalette.hexOfIndex(exit, exits) + ";");
        if (getTooltip() == null) {
            setTooltip(tooltip);
        }
        pseudoClassStateChanged(SELECTED, sample == model.selectedSampleProperty().get());
    }

    /** The tooltip's text, written when it is about to show rather than for every cell on every update. */
    private String describe() {
        OperatingPointResult current = result.get();
        Integer sample = getItem();
        if (current == null || sample == null || sample >= current.testSampleCount()) {
            return "";
        }
        int exits = current.source().exitCount();
        int exit = current.testExitOf(sample);
        ExitScores scores = current.source().primary().test();
        double confidence = exit == exits ? scores.backboneTopProbability(sample, 0) : scores.confidence(exit, sample);
        List<String> names = current.source().classNames();
        return "Test image " + sample + "\ntrue: " + names.get(scores.label(sample)) + "\nanswer: "
                + names.get(current.testAnswerOf(sample)) + (current.testCorrect(sample) ? " (right)" : " (wrong)")
                + "\nleft at " + DisplayText.exitName(exit, exits) + ", confidence "
                + DisplayText.probability(confidence);
    }
}
