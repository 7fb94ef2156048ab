package org.exitbench.app.chart;

import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.cascade.CascadeResult;

/**
 * The top bar's always-visible summary of the operating point, on the test split (where results are reported):
 * accuracy and its change against the backbone alone, the compute saved, and the exit rates as a small stacked
 * bar in the exit colours, followed by the split and, for demo scores, the word "synthetic".
 */
public final class OperatingPointSummaryView {

    private static final PseudoClass WORSE = PseudoClass.getPseudoClass("worse");

    private final HBox root = new HBox(14);
    private final Label empty = new Label("no cascade yet");
    private final Label accuracy = new Label();
    private final Label change = new Label();
    private final Label reduction = new Label();
    private final StackedRateBar exitBar = new StackedRateBar();
    private final Label provenance = new Label();
    private final Tooltip tooltip = new Tooltip();
    private final FlowPane filled;

    /** @param point the shared operating point */
    public OperatingPointSummaryView(OperatingPointModel point) {
        root.getStyleClass().add("operating-point-content");
        root.setAlignment(Pos.CENTER_LEFT);
        empty.getStyleClass().add("muted");
        accuracy.setId("summaryAccuracy");
        accuracy.getStyleClass().add("summary-value");
        change.setId("summaryChange");
        change.getStyleClass().add("summary-change");
        reduction.setId("summaryReduction");
        reduction.getStyleClass().add("summary-value");
        exitBar.setId("summaryExitBar");
        exitBar.getStyleClass().add("summary-exit-bar");
        provenance.setId("summarySplit");
        provenance.getStyleClass().add("summary-split");
        for (Label label : new Label[] {accuracy, change, reduction, provenance}) {
            label.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox accuracyGroup = new HBox(6, key("accuracy"), accuracy, change);
        accuracyGroup.setAlignment(Pos.BASELINE_LEFT);
        HBox savedGroup = new HBox(6, key("compute saved"), reduction);
        savedGroup.setAlignment(Pos.BASELINE_LEFT);
        VBox exitsGroup = new VBox(1, key("exit rates"), exitBar);
        exitsGroup.setAlignment(Pos.CENTER_LEFT);
        // On a short top bar (a narrow window, projector-sized text) the groups wrap onto a second line rather
        // than being cut; the preferred width is all of them on one line.
        filled = new FlowPane(16, 2, accuracyGroup, savedGroup, exitsGroup, provenance);
        filled.setAlignment(Pos.CENTER_RIGHT);
        filled.setPrefWrapLength(100_000);
        Tooltip.install(root, tooltip);
        point.resultProperty().addListener((obs, old, now) -> show(now));
        show(point.resultProperty().get());
    }

    /** @return the summary, for {@code MainWindow.operatingPointSlot()} */
    public Node node() {
        return root;
    }

    /** "exit 1 41.0 %, exit 2 …, backbone 20.3 %": the bar's segments in words. */
    private static String exitRates(double[] rates) {
        StringBuilder text = new StringBuilder();
        for (int e = 0; e < rates.length; e++) {
            text.append(e == 0 ? "" : ", ").append(DisplayText.exitTitle(e, rates.length - 1)).append(' ')
                    .append(DisplayText.percent(rates[e]));
        }
        return text.toString();
    }

    private static Label key(String text) {
        Label key = new Label(text);
        key.getStyleClass().add("fact-key");
        key.setMinWidth(Region.USE_PREF_SIZE);
        return key;
    }

    private void show(OperatingPointResult result) {
        if (result == null) {
            root.getChildren().setAll(empty);
            tooltip.setText("Accuracy, compute saved and exit rates of the current thresholds appear here once"
                    + " there are scores: open a dataset for synthetic demo scores, or train branches.");
            return;
        }
        if (root.getChildren().size() != 1 || root.getChildren().get(0) != filled) {
            root.getChildren().setAll(filled);
        }
        CascadeResult test = result.test();
        accuracy.setText(DisplayText.percent(test.accuracy()));
        change.setText(DisplayText.points(test.accuracyChange()));
        change.pseudoClassStateChanged(WORSE, test.accuracyChange() < -0.0005);
        reduction.setText(DisplayText.percent(test.computeReduction()));
        double[] rates = new double[test.exitCount() + 1];
        for (int e = 0; e < rates.length; e++) {
            rates[e] = test.exitRate(e);
        }
        String split = "test split, " + DisplayText.count(test.sampleCount()) + " images";
        exitBar.setRates(rates, split);
        provenance.setText("test" + (result.source().synthetic() ? " · synthetic" : ""));
        tooltip.setText("Current thresholds on the " + split + (result.source().synthetic()
                ? " (" + SyntheticCascadeSource.NAME + ", not a trained model)" : " (" + result.source().name() + ")")
                + ":\naccuracy " + DisplayText.percent(test.accuracy()) + ", "
                + DisplayText.points(test.accuracyChange()) + " against the backbone alone ("
                + DisplayText.percent(test.backboneAccuracy()) + ");\n" + DisplayText.percent(test.computeReduction())
                + " of the backbone's MACs saved on average.\nLeaving at " + exitRates(rates) + ".");
    }
}
