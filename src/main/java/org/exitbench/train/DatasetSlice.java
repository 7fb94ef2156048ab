package org.exitbench.train;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.exitbench.data.Dataset;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;

/** Smaller versions of a dataset, for quick trial runs. */
public final class DatasetSlice {

    private DatasetSlice() {
    }

    /**
     * Keeps, in every split, the first {@code perClass} images of each class in dataset order (all of a class
     * that has fewer). Deterministic, so a resumed run sees the same slice.
     *
     * @param data     the full dataset
     * @param perClass images per class and split; at least 1
     * @return a dataset named after the original with the limit appended, e.g. "fashion-mnist (50 per class)"
     */
    public static Dataset firstPerClass(Dataset data, int perClass) {
        if (perClass < 1) {
            throw new IllegalArgumentException("perClass must be at least 1, was " + perClass);
        }
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            splits.put(split, firstPerClass(data.split(split), perClass));
        }
        return new Dataset(data.name() + " (" + perClass + " per class)", data.root(), data.format(), splits,
                data.metadata());
    }

    private static ImageDataset firstPerClass(ImageDataset split, int perClass) {
        int[] taken = new int[split.numClasses()];
        int[] keep = new int[split.size()];
        int kept = 0;
        for (int i = 0; i < split.size(); i++) {
            int label = split.label(i);
            if (taken[label] < perClass) {
                taken[label]++;
                keep[kept++] = i;
            }
        }
        return split.subset(Arrays.copyOf(keep, kept));
    }
}
