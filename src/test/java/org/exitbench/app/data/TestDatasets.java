package org.exitbench.app.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;

/** Small in-memory datasets for the Data pane's tests: every image's pixels encode its split, index and label. */
public final class TestDatasets {

    private TestDatasets() {
    }

    /**
     * @param name      dataset name (also the last path element of its root)
     * @param classes   class names
     * @param perClass  images per class in train, valid and test, as {@code perClass[split][class]}
     * @param channels  1 or 3
     * @param metadata  how it was "read"
     * @return the dataset, 4×4 pixels per image
     */
    public static Dataset dataset(String name, List<String> classes, int[][] perClass, int channels,
                                  DatasetMetadata metadata) {
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            splits.put(split, split(split, classes, perClass[split.ordinal()], channels));
        }
        return new Dataset(name, Path.of("/fixtures", name), DatasetFormat.IMAGE_FOLDER, splits, metadata);
    }

    /** A balanced grayscale dataset: {@code n} train, n/4 valid, n/4 test images per class. */
    public static Dataset balanced(String name, List<String> classes, int n) {
        int[][] perClass = new int[3][classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            perClass[0][c] = n;
            perClass[1][c] = n / 4;
            perClass[2][c] = n / 4;
        }
        return dataset(name, classes, perClass, 1, DatasetMetadata.asOnDisk());
    }

    private static ImageDataset split(Split split, List<String> classes, int[] perClass, int channels) {
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < perClass.length; c++) {
            for (int k = 0; k < perClass[c]; k++) {
                labels.add(c);
            }
        }
        int n = labels.size();
        int bytes = channels * 16;
        byte[] pixels = new byte[n * bytes];
        int[] label = new int[n];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            label[i] = labels.get(i);
            for (int b = 0; b < bytes; b++) {
                pixels[i * bytes + b] = (byte) (split.ordinal() * 80 + label[i] * 7 + b);
            }
            sources.add(split.folderName() + "/" + classes.get(label[i]) + "/" + i + ".png");
        }
        return new ImageDataset(pixels, label, channels, 4, 4, classes, sources);
    }
}
