package org.exitbench.app.data;

/**
 * One row of the Data pane's counts table: how many images of one class each split holds.
 *
 * @param className the class, or "Total" for the totals row
 * @param train     images in the train split
 * @param valid     images in the validation split
 * @param test      images in the test split
 */
public record ClassCountRow(String className, int train, int valid, int test) {

    /** @return images in all three splits */
    public int total() {
        return train + valid + test;
    }
}
