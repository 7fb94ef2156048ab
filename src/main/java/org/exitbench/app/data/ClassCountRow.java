package org.exitbench.app.data;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.data.DatasetSummary;
import org.exitbench.data.Split;

/**
 * One row of the Data pane's counts table: how many images of one class each split holds.
 *
 * @param className the class, or "Total" for the totals row
 * @param train     images in the train split
 * @param valid     images in the validation split
 * @param test      images in the test split
 */
public record ClassCountRow(String className, int train, int valid, int test) {

    /**
     * @param summary a dataset's summary
     * @return one row per class in label order, then a "Total" row
     */
    public static List<ClassCountRow> tableOf(DatasetSummary summary) {
        List<ClassCountRow> rows = new ArrayList<>();
        for (int c = 0; c < summary.classNames().size(); c++) {
            rows.add(new ClassCountRow(summary.classNames().get(c), summary.count(Split.TRAIN, c),
                    summary.count(Split.VALID, c), summary.count(Split.TEST, c)));
        }
        rows.add(new ClassCountRow("Total", summary.total(Split.TRAIN), summary.total(Split.VALID),
                summary.total(Split.TEST)));
        return rows;
    }

    /** @return images in all three splits */
    public int total() {
        return train + valid + test;
    }
}
