package org.exitbench.app.operatingpoint;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.app.data.TestDatasets;
import org.exitbench.data.Dataset;

/** Cascade sources for the app's tests: synthetic scores over small generated datasets. */
public final class TestSources {

    private TestSources() {
    }

    /** @return a dataset of {@code classes} classes with {@code perClass} test and validation images per class */
    public static Dataset dataset(int classes, int perClass) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class-" + (char) ('a' + c));
        }
        return TestDatasets.balanced("tiny", names, 4 * perClass);
    }

    /** @return synthetic scores (3 exits) for {@link #dataset}'s validation and test images, with their pictures */
    public static CascadeSource withImages(int classes, int perClass) {
        return SyntheticCascadeSource.forDataset(dataset(classes, perClass), 7);
    }
}
