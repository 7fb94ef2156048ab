package org.exitbench.data;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset as Exitbench uses it: the train, validation and test splits, which share class names and image
 * geometry, plus where it came from and how it was read.
 */
public final class Dataset {

    private final String name;
    private final Path root;
    private final DatasetFormat format;
    private final Map<Split, ImageDataset> splits;
    private final DatasetMetadata metadata;

    /**
     * @param name     a short display name (the folder name by default)
     * @param root     the folder or file it was read from
     * @param format   the layout it was read in
     * @param splits   all three splits
     * @param metadata how it was read
     * @throws IllegalArgumentException when a split is missing or the splits disagree on classes or geometry
     */
    public Dataset(String name, Path root, DatasetFormat format, Map<Split, ImageDataset> splits,
                   DatasetMetadata metadata) {
        this.name = Objects.requireNonNull(name, "name");
        this.root = Objects.requireNonNull(root, "root");
        this.format = Objects.requireNonNull(format, "format");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        EnumMap<Split, ImageDataset> copy = new EnumMap<>(Split.class);
        copy.putAll(splits);
        ImageDataset first = null;
        for (Split split : Split.values()) {
            ImageDataset s = copy.get(split);
            if (s == null) {
                throw new IllegalArgumentException("split " + split.folderName() + " is missing");
            }
            if (first == null) {
                first = s;
            } else if (!first.classNames().equals(s.classNames()) || first.channels() != s.channels()
                    || first.height() != s.height() || first.width() != s.width()) {
                throw new IllegalArgumentException("split " + split.folderName()
                        + " differs from train in classes or image geometry");
            }
        }
        this.splits = Collections.unmodifiableMap(copy);
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    public DatasetFormat format() {
        return format;
    }

    public DatasetMetadata metadata() {
        return metadata;
    }

    /** @return the given split; never {@code null} */
    public ImageDataset split(Split split) {
        return splits.get(split);
    }

    public List<String> classNames() {
        return splits.get(Split.TRAIN).classNames();
    }

    public int numClasses() {
        return classNames().size();
    }

    public int channels() {
        return splits.get(Split.TRAIN).channels();
    }

    public int height() {
        return splits.get(Split.TRAIN).height();
    }

    public int width() {
        return splits.get(Split.TRAIN).width();
    }
}
