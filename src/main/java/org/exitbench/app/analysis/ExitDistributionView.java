package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.exitbench.app.chart.ExitLegend;
import org.exitbench.app.chart.StackedRateBar;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.cascade.CascadeResult;

/**
 * Where each class leaves the cascade, on the test split: one stacked bar per ground-truth class, split by the
 * share of its images leaving at each exit, in the exit colours, with the share taken early (before the
 * backbone head) written next to it.
 */
final class ExitDistributionView {

    private final VBox root = new VBox(6);
    private final GridPane rows = new GridPane();
    private final ExitLegend legend = new ExitLegend();
    private final List<StackedRateBar> bars = new ArrayList<>();
    private final List<Label> early = new ArrayList<>();
    private Object shownSource;

    ExitDistributionView() {
        root.setId("exitDistribution");
        root.getStyleClass().add("exit-distribution");
        rows.setHgap(8);
        rows.setVgap(5);
        ColumnConstraints name = new ColumnConstraints();
        name.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints bar = new ColumnConstraints();
        bar.setHgrow(Priority.ALWAYS);
        bar.setFillWidth(true);
        ColumnConstraints share = new ColumnConstraints();
        share.setMinWidth(Region.USE_PREF_SIZE);
        rows.getColumnConstraints().setAll(name, bar, share);
        root.getChildren().addAll(rows, legend);
    }

    Node node() {
        return root;
    }

    void show(OperatingPointResult result) {
        if (result == null) {
            rows.getChildren().clear();
            bars.clear();
            early.clear();
            shownSource = null;
            return;
        }
        CascadeResult test = result.test();
        int exits = test.exitCount();
        if (result.source() != shownSource) {
            shownSource = result.source();
            rows.getChildren().clear();
            bars.clear();
            early.clear();
            for (int c = 0; c < test.classCount(); c++) {
                Label name = new Label(result.source().classNames().get(c));
                name.getStyleClass().add("class-name");
                StackedRateBar bar = new StackedRateBar();
                bar.setId("distribution-" + c);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setMinHeight(14);
                Label share = new Label();
                share.getStyleClass().add("distribution-share");
                share.setMinWidth(Region.USE_PREF_SIZE);
                share.setAlignment(Pos.CENTER_RIGHT);
                rows.addRow(c, name, bar, share);
                bars.add(bar);
                early.add(share);
            }
        }
        for (int c = 0; c < test.classCount(); c++) {
            double[] rates = new double[exits + 1];
            for (int e = 0; e <= exits; e++) {
                rates[e] = test.exitRateOfClass(e, c);
            }
            bars.get(c).setRates(rates, result.source().classNames().get(c) + ", "
                    + DisplayText.count(test.classTotal(c)) + " test images");
            early.get(c).setText(DisplayText.wholePercent(1 - rates[exits]) + " early");
        }
        legend.show(exits, null);
    }
}
