package org.exitbench.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exitbench.data.Dataset;
import org.exitbench.data.MemoryBudget;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.ArrayFile;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.ExclusiveLock;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * The frozen backbone's work, done once: for every split, the pooled features at each exit, the backbone's logits
 * and predictions, and the labels. Everything after the backbone (branch training, calibration, sweeps, sliders)
 * reads this instead of running the backbone again.
 *
 * <p>On disk a cache is a folder: one checksummed {@link ArrayFile} per split and array
 * ({@code train-exit1.f32}, {@code train-logits.f32}, {@code train-predictions.i32}, {@code train-labels.i32}, …)
 * and {@value #MANIFEST} with the {@link FeatureCacheKey} (dataset and backbone fingerprints, exit points,
 * pooling), the shapes and the checksum of every file. Saving removes the old manifest first and writes the new one
 * last, so a crash never leaves a manifest describing files it did not write. Loading checks each file's length,
 * header and checksum against the manifest and reports any mismatch naming the file.
 */
public final class FeatureCache {

    /** The manifest's file name inside a cache folder. */
    public static final String MANIFEST = "manifest.json";
    /** The manifest's format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.feature-cache", 1);

    private static final Pattern CACHE_FILE = Pattern.compile("(train|valid|test)-(exit\\d+|logits|predictions|labels)"
            + "\\.(f32|i32)");

    private final FeatureCacheKey key;
    private final List<ExitFeatureShape> exitShapes;
    private final List<String> classNames;
    private final LogitsKind logitsKind;
    private final Map<Split, SplitFeatures> splits;

    /** What {@link #loadOrBuild} did. */
    public enum Outcome {
        /** There was no cache; one was built. */
        BUILT,
        /** The cache on disk was valid and was loaded. */
        REUSED,
        /** The cache on disk was made for something else (see the notice) and was rebuilt. */
        REBUILT
    }

    /**
     * The result of {@link #loadOrBuild}.
     *
     * @param cache   the cache, in memory and on disk
     * @param outcome whether it was built, reused or rebuilt
     * @param notice  a sentence for the user saying what happened and why
     */
    public record Result(FeatureCache cache, Outcome outcome, String notice) {
    }

    /**
     * The manifest document.
     *
     * @param key        what the cache was made from
     * @param exits      the feature map and pooled size per exit
     * @param classNames class names, index = label
     * @param logitsKind what the logits are
     * @param splits     per split ("train", "valid", "test"), its files
     */
    public record Manifest(FeatureCacheKey key, List<ExitFeatureShape> exits, List<String> classNames,
                           LogitsKind logitsKind, Map<String, List<FileEntry>> splits) {
    }

    /**
     * One array file as the manifest records it.
     *
     * @param name     the file name inside the cache folder
     * @param shape    the array's dimensions
     * @param checksum the CRC32C of its values, 8 hex digits
     */
    public record FileEntry(String name, List<Long> shape, String checksum) {
    }

    /**
     * @param key        what the features were made from
     * @param exitShapes the feature map and pooled size per exit
     * @param classNames class names, index = label
     * @param logitsKind what the logits are
     * @param splits     all three splits' features
     */
    public FeatureCache(FeatureCacheKey key, List<ExitFeatureShape> exitShapes, List<String> classNames,
                        LogitsKind logitsKind, Map<Split, SplitFeatures> splits) {
        this.key = Objects.requireNonNull(key, "key");
        this.exitShapes = List.copyOf(exitShapes);
        this.classNames = List.copyOf(classNames);
        this.logitsKind = Objects.requireNonNull(logitsKind, "logitsKind");
        EnumMap<Split, SplitFeatures> copy = new EnumMap<>(Split.class);
        copy.putAll(splits);
        for (Split split : Split.values()) {
            SplitFeatures features = copy.get(split);
            if (features == null) {
                throw new IllegalArgumentException("split " + split.folderName() + " is missing");
            }
            if (features.exitCount() != exitShapes.size() || features.numClasses() != classNames.size()) {
                throw new IllegalArgumentException("split " + split.folderName() + " has " + features.exitCount()
                        + " exits and " + features.numClasses() + " classes, expected " + exitShapes.size() + " and "
                        + classNames.size());
            }
        }
        this.splits = copy;
    }

    /**
     * Runs the backbone over all three splits.
     *
     * @param progress receives "Extracting features (train)" etc. with images done over all splits
     * @param cancel   polled before every batch
     * @throws org.exitbench.progress.CancelledException when cancelled; nothing is written
     */
    public static FeatureCache build(Backbone backbone, Dataset dataset, FeatureCacheOptions options,
                                     ProgressListener progress, CancellationToken cancel) {
        return build(FeatureCacheKey.of(backbone, dataset, options.pooling()), backbone, dataset, options, progress,
                cancel);
    }

    private static FeatureCache build(FeatureCacheKey key, Backbone backbone, Dataset dataset,
                                      FeatureCacheOptions options, ProgressListener progress,
                                      CancellationToken cancel) {
        try (BackboneFeatures extractor = backbone.features(options.pooling(), options.batchSize(),
                options.threads())) {
            return build(key, extractor, backbone, dataset, progress, cancel);
        }
    }

    private static FeatureCache build(FeatureCacheKey key, BackboneFeatures extractor, Backbone backbone,
                                      Dataset dataset, ProgressListener progress, CancellationToken cancel) {
        long total = 0;
        for (Split split : Split.values()) {
            total += dataset.split(split).size();
        }
        long valuesPerImage = backbone.classNames().size();
        for (ExitFeatureShape shape : extractor.exitShapes()) {
            valuesPerImage += shape.featureDim();
        }
        // Float features and logits, int predictions and labels, all held at once until the cache is saved.
        MemoryBudget.requireHeap(total * (valuesPerImage * Float.BYTES + 2L * Integer.BYTES), dataset.root(),
                String.format(java.util.Locale.ROOT, "the feature cache (%,d images × %,d values)", total,
                        valuesPerImage), "choose fewer or shallower exit points, or a coarser pooling");
        long offset = 0;
        Map<Split, SplitFeatures> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            long before = offset;
            long all = total;
            // The count runs over every split, so the label says so: "(train)" beside "9000/15000" misled.
            String message = "Extracting features of all splits (now " + split.folderName() + ")";
            splits.put(split, extractor.extract(dataset.split(split),
                    p -> progress.report(message, before + p.done(), all), cancel));
            offset += dataset.split(split).size();
        }
        return new FeatureCache(key, extractor.exitShapes(), backbone.classNames(), extractor.logitsKind(), splits);
    }

    /**
     * Loads the cache in {@code folder} when it was made for this backbone, dataset, exit points and pooling;
     * otherwise builds it and saves it there, replacing an outdated one.
     *
     * @param folder   the cache folder (created when missing)
     * @param progress receives the extraction progress, and the notice before a rebuild
     * @param cancel   polled during extraction
     * @return the cache, what happened and a notice for the user
     * @throws StoreException when the cache on disk is valid by its manifest but a file is missing, truncated or
     *                        corrupt (the message names the file; delete the folder or call {@link #build} and
     *                        {@link #save} to replace it), or the manifest itself is unreadable
     * @throws org.exitbench.progress.CancelledException when cancelled; the folder is then as it was
     */
    public static Result loadOrBuild(Path folder, Backbone backbone, Dataset dataset,
                                     FeatureCacheOptions options, ProgressListener progress,
                                     CancellationToken cancel) {
        // Two processes building one cache would each spend the extraction; the second waits and reuses the
        // first's. Under the lock no live writer is in the folder, so what a killed one left can go.
        try (ExclusiveLock lock = ExclusiveLock.onFolder(folder, "building the feature cache", true)) {
            for (Path leftover : AtomicFiles.removeLeftovers(folder)) {
                progress.report("Removed " + leftover + ", left by a process killed while writing the cache", 0, -1);
            }
            return loadOrBuildLocked(folder, backbone, dataset, options, progress, cancel);
        }
    }

    private static Result loadOrBuildLocked(Path folder, Backbone backbone, Dataset dataset,
                                            FeatureCacheOptions options, ProgressListener progress,
                                            CancellationToken cancel) {
        FeatureCacheKey key = FeatureCacheKey.of(backbone, dataset, options.pooling());
        Path manifestFile = folder.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            FeatureCache cache = build(key, backbone, dataset, options, progress, cancel);
            cache.save(folder);
            return new Result(cache, Outcome.BUILT, "Built the feature cache in " + folder + ".");
        }
        List<String> reasons = new ArrayList<>();
        try {
            int version = JsonDocuments.peekVersion(manifestFile, DOCUMENT_TYPE);
            if (version != DOCUMENT_TYPE.current()) {
                reasons.add("it has format version " + version + ", this Exitbench writes " + DOCUMENT_TYPE.current());
            } else {
                reasons.addAll(key.changesFrom(readManifest(folder).key()));
            }
            if (reasons.isEmpty()) {
                return new Result(load(folder), Outcome.REUSED, "Reused the feature cache in " + folder + ".");
            }
        } catch (StoreException damaged) {
            // A cache is derived data: a damaged one (a flipped bit, a file cut short by a crash) is rebuilt from
            // the dataset rather than blocking every later run until someone deletes it by hand.
            reasons.add("it is damaged (" + damaged.getMessage() + ")");
        }
        String notice = "Rebuilding the feature cache in " + folder + ": " + String.join("; ", reasons) + ".";
        progress.report(notice, 0, -1);
        FeatureCache cache = build(key, backbone, dataset, options, progress, cancel);
        cache.save(folder);
        return new Result(cache, Outcome.REBUILT, notice);
    }

    /**
     * Reads a cache folder's manifest.
     *
     * @throws StoreException when it is missing, unreadable, or of another format version
     */
    public static Manifest readManifest(Path folder) {
        return JsonDocuments.read(folder.resolve(MANIFEST), DOCUMENT_TYPE, Manifest.class);
    }

    /**
     * Loads a cache folder, checking every file against the manifest.
     *
     * @throws StoreException naming the file when the manifest or any array file is missing, truncated, corrupt or
     *                        does not match the manifest
     */
    public static FeatureCache load(Path folder) {
        Manifest manifest = readManifest(folder);
        int exits = manifest.exits().size();
        int classes = manifest.classNames().size();
        Map<Split, SplitFeatures> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<FileEntry> files = manifest.splits().get(split.folderName());
            if (files == null || files.size() != exits + 3) {
                throw new StoreException(folder.resolve(MANIFEST), "does not list the files of split "
                        + split.folderName());
            }
            List<float[]> features = new ArrayList<>();
            int[] dims = new int[exits];
            for (int e = 0; e < exits; e++) {
                dims[e] = manifest.exits().get(e).featureDim();
                features.add(ArrayFile.readFloats(checked(folder, files.get(e))));
            }
            float[] logits = ArrayFile.readFloats(checked(folder, files.get(exits)));
            int[] predictions = ArrayFile.readInts(checked(folder, files.get(exits + 1)));
            int[] labels = ArrayFile.readInts(checked(folder, files.get(exits + 2)));
            try {
                splits.put(split, new SplitFeatures(dims, features, classes, logits, predictions, labels));
            } catch (IllegalArgumentException e) {
                throw new StoreException(folder.resolve(MANIFEST), "does not match its files for split "
                        + split.folderName() + ": " + e.getMessage(), e);
            }
        }
        return new FeatureCache(manifest.key(), manifest.exits(), manifest.classNames(), manifest.logitsKind(), splits);
    }

    /** Checks that a file's header matches the manifest before its values are read (and checked) in full. */
    private static Path checked(Path folder, FileEntry entry) {
        Path file = folder.resolve(entry.name());
        ArrayFile.Header header = ArrayFile.readHeader(file);
        long[] expected = entry.shape().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(header.shape(), expected)) {
            throw new StoreException(file, "has shape " + Arrays.toString(header.shape()) + ", the cache manifest says "
                    + Arrays.toString(expected));
        }
        if (!hex(header.checksum()).equals(entry.checksum())) {
            throw new StoreException(file, "does not belong to this cache: its checksum " + hex(header.checksum())
                    + " differs from the manifest's " + entry.checksum());
        }
        return file;
    }

    /**
     * Writes the cache into {@code folder}, replacing any cache there. The old manifest is removed first and the new
     * one written last; stale array files of an earlier cache are removed.
     *
     * @throws UncheckedIOException when the folder cannot be written
     */
    public void save(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(folder.resolve(MANIFEST));
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the cache folder " + folder + ": " + e.getMessage(), e);
        }
        Map<String, List<FileEntry>> entries = new LinkedHashMap<>();
        Set<String> written = new HashSet<>();
        for (Split split : Split.values()) {
            SplitFeatures features = splits.get(split);
            String prefix = split.folderName() + "-";
            List<FileEntry> files = new ArrayList<>();
            long n = features.size();
            for (int e = 0; e < exitShapes.size(); e++) {
                String name = prefix + "exit" + (e + 1) + ".f32";
                files.add(entry(name, ArrayFile.writeFloats(folder.resolve(name),
                        new long[] {n, features.featureDim(e)}, features.features(e))));
            }
            String logits = prefix + "logits.f32";
            files.add(entry(logits, ArrayFile.writeFloats(folder.resolve(logits),
                    new long[] {n, features.numClasses()}, features.logits())));
            String predictions = prefix + "predictions.i32";
            files.add(entry(predictions, ArrayFile.writeInts(folder.resolve(predictions), new long[] {n},
                    features.predictions())));
            String labels = prefix + "labels.i32";
            files.add(entry(labels, ArrayFile.writeInts(folder.resolve(labels), new long[] {n}, features.labels())));
            files.forEach(f -> written.add(f.name()));
            entries.put(split.folderName(), files);
        }
        removeStaleFiles(folder, written);
        JsonDocuments.write(folder.resolve(MANIFEST), DOCUMENT_TYPE,
                new Manifest(key, exitShapes, classNames, logitsKind, entries));
    }

    private static void removeStaleFiles(Path folder, Set<String> keep) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (CACHE_FILE.matcher(name).matches() && !keep.contains(name)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean the cache folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static FileEntry entry(String name, ArrayFile.Header header) {
        return new FileEntry(name, Arrays.stream(header.shape()).boxed().toList(), hex(header.checksum()));
    }

    private static String hex(long checksum) {
        return HexFormat.of().toHexDigits((int) checksum);
    }

    /** @return what the features were made from */
    public FeatureCacheKey key() {
        return key;
    }

    /** @return the feature map and pooled size per early exit */
    public List<ExitFeatureShape> exitShapes() {
        return exitShapes;
    }

    /** @return the exit points the features were taken at */
    public ExitPoints exitPoints() {
        return new ExitPoints(key.exitVertices());
    }

    public FeaturePooling pooling() {
        return key.pooling();
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    public LogitsKind logitsKind() {
        return logitsKind;
    }

    /** @return the features of one split */
    public SplitFeatures split(Split split) {
        return splits.get(split);
    }

    /** Equal when made from the same key with bit-identical content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureCache other && key.equals(other.key) && exitShapes.equals(other.exitShapes)
                && classNames.equals(other.classNames) && logitsKind == other.logitsKind && splits.equals(other.splits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, exitShapes, classNames, logitsKind);
    }
}
