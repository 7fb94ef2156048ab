package org.exitbench.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.exitbench.data.DatasetMetadata.SkippedFile;

/**
 * What a user needs to know about a dataset at a glance: where it is, its image geometry, and how many
 * images each class has in each split, plus notes on how it was read (a carved validation split, resizing,
 * skipped files) and warnings (class imbalance). The CLI's {@code data inspect} prints {@link #toTable()}; the
 * GUI's Data pane shows the same facts.
 *
 * @param name       the dataset's display name
 * @param format     the layout it was read in
 * @param root       where it was read from
 * @param channels   1 (grayscale) or 3 (RGB)
 * @param height     image height in pixels
 * @param width      image width in pixels
 * @param classNames the class names, index = label
 * @param counts     for each split, the number of images of each class (index = label)
 * @param notes      sentences about how the dataset was read and what looks wrong, in display order
 */
public record DatasetSummary(String name, DatasetFormat format, Path root, int channels, int height, int width,
                             List<String> classNames, Map<Split, List<Integer>> counts, List<String> notes) {

    /**
     * A split whose largest class has more than this many times the images of its smallest gets a warning:
     * imbalance skews per-class thresholds, since CPM calibrates each class on its own validation images.
     */
    public static final double IMBALANCE_RATIO = 1.5;

    /** How many skipped files the notes name before summarising the rest. */
    private static final int LISTED_SKIPPED = 5;

    public DatasetSummary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(root, "root");
        classNames = List.copyOf(classNames);
        EnumMap<Split, List<Integer>> copy = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<Integer> perClass = counts.get(split);
            if (perClass == null || perClass.size() != classNames.size()) {
                throw new IllegalArgumentException("counts of split " + split.folderName()
                        + " must have one entry per class");
            }
            copy.put(split, List.copyOf(perClass));
        }
        counts = Collections.unmodifiableMap(copy);
        notes = List.copyOf(notes);
    }

    /** Summarises a dataset that has been read. */
    public static DatasetSummary of(Dataset dataset) {
        EnumMap<Split, List<Integer>> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, IntStream.of(dataset.split(split).classCounts()).boxed().toList());
        }
        return new DatasetSummary(dataset.name(), dataset.format(), dataset.root(), dataset.channels(),
                dataset.height(), dataset.width(), dataset.classNames(), counts,
                notes(dataset.metadata(), dataset.classNames(), counts));
    }

    private static List<String> notes(DatasetMetadata metadata, List<String> classNames,
                                      Map<Split, List<Integer>> counts) {
        List<String> notes = new ArrayList<>();
        if (metadata.validationCarvedFromTrain()) {
            notes.add(String.format(Locale.ROOT, "The dataset has no validation split: %s%% of each training class "
                    + "was carved off as validation (seed %d).", percent(metadata.validationFraction()),
                    metadata.splitSeed()));
        }
        if (metadata.resizedTo() != null) {
            notes.add("Images were resized to " + metadata.resizedTo() + " on request.");
        }
        List<SkippedFile> skipped = metadata.skipped();
        if (!skipped.isEmpty()) {
            StringBuilder note = new StringBuilder("Skipped ").append(skipped.size())
                    .append(skipped.size() == 1 ? " unreadable file: " : " unreadable files: ");
            for (int i = 0; i < Math.min(LISTED_SKIPPED, skipped.size()); i++) {
                SkippedFile file = skipped.get(i);
                note.append(i == 0 ? "" : "; ").append(file.file()).append(" (").append(file.reason()).append(')');
            }
            if (skipped.size() > LISTED_SKIPPED) {
                note.append("; and ").append(skipped.size() - LISTED_SKIPPED).append(" more");
            }
            notes.add(note.append('.').toString());
        }
        colourAmongGrey(metadata.colourAmongGrey()).ifPresent(notes::add);
        for (Split split : Split.values()) {
            imbalance(split, classNames, counts.get(split)).ifPresent(notes::add);
        }
        return notes;
    }

    /**
     * The note on colour images among more numerous gray ones, naming them.
     *
     * @return empty when there are none
     */
    public static Optional<String> colourAmongGrey(List<String> files) {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder note = new StringBuilder();
        note.append(files.size() == 1 ? "1 image is" : files.size() + " images are")
                .append(" in colour among gray ones, so the dataset is read with 3 channels (gray images repeated in "
                        + "R, G and B): ");
        for (int i = 0; i < Math.min(LISTED_SKIPPED, files.size()); i++) {
            note.append(i == 0 ? "" : "; ").append(files.get(i));
        }
        if (files.size() > LISTED_SKIPPED) {
            note.append("; and ").append(files.size() - LISTED_SKIPPED).append(" more");
        }
        return Optional.of(note.append(". If the dataset is meant to be gray, convert or remove ")
                .append(files.size() == 1 ? "it." : "them.").toString());
    }

    private static Optional<String> imbalance(Split split, List<String> classNames, List<Integer> counts) {
        int min = 0;
        int max = 0;
        for (int c = 1; c < counts.size(); c++) {
            if (counts.get(c) < counts.get(min)) {
                min = c;
            }
            if (counts.get(c) > counts.get(max)) {
                max = c;
            }
        }
        int smallest = counts.get(min);
        int largest = counts.get(max);
        if (smallest == 0) {
            return Optional.of("Class '" + classNames.get(min) + "' has no images in "
                    + split.folderName() + ".");
        }
        double ratio = (double) largest / smallest;
        if (ratio <= IMBALANCE_RATIO) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "Class imbalance in %s: '%s' has %d images, '%s' "
                + "only %d (ratio %.1f, above %.1f).", split.folderName(), classNames.get(max), largest,
                classNames.get(min), smallest, ratio, IMBALANCE_RATIO));
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p);
    }

    /** @return the number of images of class {@code label} in {@code split} */
    public int count(Split split, int label) {
        return counts.get(split).get(label);
    }

    /** @return the number of images in {@code split} */
    public int total(Split split) {
        return counts.get(split).stream().mapToInt(Integer::intValue).sum();
    }

    /** @return the number of images in all splits together */
    public int total() {
        int sum = 0;
        for (Split split : Split.values()) {
            sum += total(split);
        }
        return sum;
    }

    /** @return "1 channel (grayscale)" or "3 channels (RGB)" */
    public String channelDescription() {
        return channels == 1 ? "1 channel (grayscale)" : channels + " channels (RGB)";
    }

    /**
     * Renders the summary as plain text: a header, a class × split table of counts with totals, and the notes.
     */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(name).append("  (").append(format.displayName()).append(")  ").append(root).append('\n');
        out.append(String.format(Locale.ROOT, "%d classes, %s, %dx%d pixels (height x width), %d images%n",
                classNames.size(), channelDescription(), height, width, total()));
        out.append('\n');
        int nameWidth = "total".length();
        for (String className : classNames) {
            nameWidth = Math.max(nameWidth, className.length());
        }
        int numberWidth = Math.max(7, Integer.toString(total()).length() + 2);
        String row = "%-" + (nameWidth + 2) + "s" + ("%" + numberWidth + "s").repeat(Split.values().length) + "%n";
        out.append(String.format(Locale.ROOT, row, "class", Split.TRAIN.folderName(), Split.VALID.folderName(),
                Split.TEST.folderName()));
        for (int c = 0; c < classNames.size(); c++) {
            out.append(String.format(Locale.ROOT, row, classNames.get(c), count(Split.TRAIN, c),
                    count(Split.VALID, c), count(Split.TEST, c)));
        }
        out.append(String.format(Locale.ROOT, row, "total", total(Split.TRAIN), total(Split.VALID),
                total(Split.TEST)));
        if (!notes.isEmpty()) {
            out.append("\nNotes:\n");
            for (String note : notes) {
                out.append("  - ").append(note).append('\n');
            }
        }
        return out.toString();
    }
}
