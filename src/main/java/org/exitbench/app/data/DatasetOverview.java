package org.exitbench.app.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.Split;

/**
 * What the Data pane says about a dataset: where it came from, its layout and geometry, the per-split,
 * per-class counts, and the warnings a user should see before training on it.
 *
 * @param name     the dataset's display name
 * @param source   the folder it was read from
 * @param format   its layout, in words
 * @param geometry image size and channels, in words ("32 × 32 px, 1 channel (grayscale)")
 * @param rows     one row per class, in label order
 * @param totals   the sum of all rows
 * @param warnings carved validation, resizing, skipped files and class imbalance, one sentence each
 */
public record DatasetOverview(String name, String source, String format, String geometry,
                              List<ClassCountRow> rows, ClassCountRow totals, List<String> warnings) {

    /**
     * A split whose largest class has at least this many times the images of its smallest is flagged.
     * Our choice: at 1.5:1 per-class precision on the smaller classes, and so their CPM thresholds, rest on
     * noticeably fewer samples.
     */
    static final double IMBALANCE_RATIO = 1.5;
    /** Skipped files listed by name in the warning; the rest are counted. */
    private static final int SKIPPED_LISTED = 5;

    public DatasetOverview {
        rows = List.copyOf(rows);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param dataset a dataset as read
     * @return its overview
     */
    public static DatasetOverview of(Dataset dataset) {
        Map<Split, int[]> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, dataset.split(split).classCounts());
        }
        List<String> names = dataset.classNames();
        List<ClassCountRow> rows = new ArrayList<>(names.size());
        int train = 0;
        int valid = 0;
        int test = 0;
        for (int c = 0; c < names.size(); c++) {
            ClassCountRow row = new ClassCountRow(names.get(c), counts.get(Split.TRAIN)[c],
                    counts.get(Split.VALID)[c], counts.get(Split.TEST)[c]);
            rows.add(row);
            train += row.train();
            valid += row.valid();
            test += row.test();
        }
        List<String> warnings = new ArrayList<>();
        metadataWarnings(dataset.metadata(), warnings);
        for (Split split : Split.values()) {
            imbalanceWarning(split, counts.get(split), names, warnings);
        }
        return new DatasetOverview(dataset.name(), dataset.root().toString(), describe(dataset.format()),
                geometry(dataset.height(), dataset.width(), dataset.channels()), rows,
                new ClassCountRow("Total", train, valid, test), warnings);
    }

    static String describe(DatasetFormat format) {
        return switch (format) {
            case IMAGE_FOLDER -> "ImageFolder (train/valid/test/<class>/ image files)";
            case CIFAR10_BINARY -> "CIFAR-10 binary batches";
            case IDX -> "IDX files (MNIST format)";
        };
    }

    static String geometry(int height, int width, int channels) {
        String kind = channels == 1 ? "1 channel (grayscale)" : channels + " channels (RGB)";
        return width + " × " + height + " px, " + kind;
    }

    private static void metadataWarnings(DatasetMetadata metadata, List<String> warnings) {
        if (metadata.validationCarvedFromTrain()) {
            warnings.add(String.format(Locale.ROOT,
                    "The dataset has no validation split: %.0f %% of each training class (seed %d) was moved"
                            + " to validation, so train holds fewer images than on disk.",
                    metadata.validationFraction() * 100, metadata.splitSeed()));
        }
        if (metadata.resizedTo() != null) {
            warnings.add("Every image was resized to " + metadata.resizedTo() + " pixels.");
        }
        List<DatasetMetadata.SkippedFile> skipped = metadata.skipped();
        if (!skipped.isEmpty()) {
            StringBuilder text = new StringBuilder("Skipped " + skipped.size() + " unreadable file"
                    + (skipped.size() == 1 ? "" : "s") + ": ");
            for (int i = 0; i < Math.min(SKIPPED_LISTED, skipped.size()); i++) {
                DatasetMetadata.SkippedFile file = skipped.get(i);
                text.append(i == 0 ? "" : "; ").append(file.file()).append(" (").append(file.reason()).append(')');
            }
            if (skipped.size() > SKIPPED_LISTED) {
                text.append("; and ").append(skipped.size() - SKIPPED_LISTED).append(" more");
            }
            warnings.add(text.append('.').toString());
        }
    }

    private static void imbalanceWarning(Split split, int[] counts, List<String> names, List<String> warnings) {
        int largest = 0;
        int smallest = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[largest]) {
                largest = c;
            }
            if (counts[c] < counts[smallest]) {
                smallest = c;
            }
        }
        if (counts.length == 0 || counts[largest] == 0) {
            return;
        }
        if (counts[smallest] == 0) {
            warnings.add("Class imbalance in " + split.folderName() + ": class '" + names.get(smallest)
                    + "' has no images.");
        } else if (counts[largest] >= IMBALANCE_RATIO * counts[smallest]) {
            warnings.add(String.format(Locale.ROOT,
                    "Class imbalance in %s: '%s' has %,d images, '%s' only %,d (%.1f : 1).",
                    split.folderName(), names.get(largest), counts[largest], names.get(smallest),
                    counts[smallest], (double) counts[largest] / counts[smallest]));
        }
    }
}
