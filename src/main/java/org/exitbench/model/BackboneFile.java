package org.exitbench.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.data.ChannelStats;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.BoundedRead;
import org.exitbench.store.InputLimits;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * Saves and loads a {@link TrainedBackbone} as one zip file: DL4J's own model entries (written by
 * {@link ModelSerializer}, updater state included, so training can resume) plus one JSON entry,
 * {@value #METADATA_ENTRY}, with the spec, class names, normalisation, exit points, provenance, format version
 * and the parameters' fingerprint. The file is therefore also a valid DL4J model zip for other tools.
 *
 * <p>Loading checks, in order: that the file exists and is a zip; that it has our metadata (a plain DL4J zip is
 * reported with {@link BackboneFileException.MissingMetadata}, see {@link #loadPlain}); the metadata's format and
 * version; that the DL4J entries restore; that the network matches the spec; and that the parameters still have
 * the fingerprint recorded when saving. Writing is atomic: an existing file is replaced only by a complete one.
 */
public final class BackboneFile {

    /** The zip entry holding Exitbench's metadata. */
    public static final String METADATA_ENTRY = "exitbench-backbone.json";
    /** The metadata document's format and versions. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.backbone", 1);

    private BackboneFile() {
    }

    /**
     * The metadata entry's content.
     *
     * @param spec           what the network is
     * @param classNames     class names, index = output unit
     * @param stats          input normalisation
     * @param exitPoints     where early exits attach
     * @param provenance     how it was made
     * @param parameterCount the number of parameters, for a reader's information
     * @param fingerprint    {@link TrainedBackbone#fingerprint()} at the time of saving
     */
    public record Metadata(BackboneSpec spec, List<String> classNames, ChannelStats stats, ExitPoints exitPoints,
                           Map<String, String> provenance, long parameterCount, String fingerprint) {
    }

    /**
     * Saves a backbone with its updater state, replacing {@code file} atomically.
     *
     * @throws UncheckedIOException when the file cannot be written; an existing file is then unchanged
     */
    public static void save(TrainedBackbone backbone, Path file) {
        Metadata metadata = new Metadata(backbone.spec(), backbone.classNames(), backbone.stats(),
                backbone.exitPoints(), backbone.provenance(), backbone.graph().numParams(), backbone.fingerprint());
        byte[] json = JsonDocuments.toBytes(DOCUMENT_TYPE, metadata);
        Path folder = file.toAbsolutePath().getParent();
        Path model = null;
        try {
            Files.createDirectories(folder);
            model = Files.createTempFile(folder, "." + file.getFileName() + ".", ".dl4j" + AtomicFiles.TEMP_SUFFIX);
            ModelSerializer.writeModel(backbone.graph(), model.toFile(), true);
            Path modelZip = model;
            AtomicFiles.write(file, out -> {
                ZipOutputStream zip = new ZipOutputStream(out);
                // Parameters compress poorly; the fastest level keeps saving ResNet-18 under a few seconds.
                zip.setLevel(Deflater.BEST_SPEED);
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(json);
                zip.closeEntry();
                try (ZipFile source = new ZipFile(modelZip.toFile())) {
                    Enumeration<? extends ZipEntry> entries = source.entries();
                    while (entries.hasMoreElements()) {
                        ZipEntry entry = entries.nextElement();
                        zip.putNextEntry(new ZipEntry(entry.getName()));
                        try (InputStream in = source.getInputStream(entry)) {
                            in.transferTo(zip);
                        }
                        zip.closeEntry();
                    }
                }
                zip.finish();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the backbone to " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(model);
        }
    }

    /** Loads a backbone with its updater state; see {@link #load(Path, boolean)}. */
    public static TrainedBackbone load(Path file) {
        return load(file, true);
    }

    /**
     * Loads a backbone saved by {@link #save}.
     *
     * @param file        the zip file
     * @param loadUpdater whether to restore the updater state (needed only to continue training)
     * @throws BackboneFileException.MissingMetadata when the file is a plain DL4J model zip
     * @throws BackboneFileException                 when the file is missing, not a model zip, corrupt, or does
     *                                               not match its metadata
     * @throws org.exitbench.store.StoreException    when the metadata is unreadable or of an unsupported version
     */
    public static TrainedBackbone load(Path file, boolean loadUpdater) {
        Metadata metadata = readMetadata(file);
        ComputationGraph graph = restoreGraph(file, loadUpdater);
        TrainedBackbone backbone;
        try {
            backbone = new TrainedBackbone(graph, metadata.spec(), metadata.classNames(), metadata.stats(),
                    metadata.exitPoints(), metadata.provenance());
        } catch (IllegalArgumentException e) {
            throw new BackboneFileException(file, "does not match its own metadata: " + e.getMessage(), e);
        }
        String actual = backbone.fingerprint();
        if (!actual.equals(metadata.fingerprint())) {
            throw new BackboneFileException(file, "is corrupt or was modified: its parameters do not match the "
                    + "fingerprint saved with them (" + shortHash(metadata.fingerprint()) + " saved, "
                    + shortHash(actual) + " found)");
        }
        return backbone;
    }

    /**
     * Loads a plain DL4J ComputationGraph zip (or one of our files, ignoring its metadata), with the facts it does
     * not carry supplied by the caller. Its updater state is restored when present.
     *
     * @param file       the model zip
     * @param spec       what the network is; {@link BackboneSpec#external} for a graph built elsewhere
     * @param classNames class names, index = output unit
     * @param stats      the normalisation its inputs need
     * @param exitPoints where early exits attach (vertex names of this graph)
     * @throws BackboneFileException when the file is missing or not a DL4J ComputationGraph zip, or does not fit
     *                               the given spec or exit points
     */
    public static TrainedBackbone loadPlain(Path file, BackboneSpec spec, List<String> classNames, ChannelStats stats,
                                            ExitPoints exitPoints) {
        readEntryNames(file);
        ComputationGraph graph = restoreGraph(file, true);
        try {
            return new TrainedBackbone(graph, spec, classNames, stats, exitPoints,
                    Map.of("source", "plain DL4J model " + file.getFileName()));
        } catch (IllegalArgumentException e) {
            throw new BackboneFileException(file, "does not fit the given description: " + e.getMessage(), e);
        }
    }

    /**
     * Reads only the metadata, e.g. to show what a file holds before loading its parameters.
     *
     * @throws BackboneFileException.MissingMetadata when the file is a plain DL4J model zip
     * @throws BackboneFileException                 when the file is missing or not a model zip
     */
    public static Metadata readMetadata(Path file) {
        List<String> names = readEntryNames(file);
        if (!names.contains(METADATA_ENTRY)) {
            if (names.contains(SafeModelZip.CONFIGURATION_JSON)) {
                throw new BackboneFileException.MissingMetadata(file);
            }
            throw new BackboneFileException(file, "is a zip file but neither an Exitbench backbone nor a DL4J model "
                    + "(no " + METADATA_ENTRY + " or " + SafeModelZip.CONFIGURATION_JSON + " entry)");
        }
        byte[] json;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            json = BoundedRead.readEntry(zip, zip.getEntry(METADATA_ENTRY), InputLimits.current().maxJsonBytes(), file);
        } catch (StoreException e) {
            throw new BackboneFileException(file, e.problem(), e);
        } catch (IOException e) {
            throw new BackboneFileException(file, "is corrupt: cannot read " + METADATA_ENTRY + ": " + e.getMessage(),
                    e);
        }
        return JsonDocuments.fromBytes(json, file, DOCUMENT_TYPE, Metadata.class);
    }

    private static List<String> readEntryNames(Path file) {
        if (!Files.exists(file)) {
            throw new BackboneFileException(file, "does not exist");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return BoundedRead.checkedEntries(zip, file).stream().map(ZipEntry::getName).toList();
        } catch (StoreException e) {
            throw new BackboneFileException(file, e.problem(), e);
        } catch (ZipException e) {
            throw new BackboneFileException(file, "is not a zip file, or is truncated (" + e.getMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new BackboneFileException(file, "does not exist", e);
        } catch (IOException e) {
            throw new BackboneFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static ComputationGraph restoreGraph(Path file, boolean loadUpdater) {
        List<String> names = readEntryNames(file);
        if (!names.contains(SafeModelZip.CONFIGURATION_JSON) || !names.contains(SafeModelZip.COEFFICIENTS_BIN)) {
            throw new BackboneFileException(file, "has no DL4J model in it (" + SafeModelZip.CONFIGURATION_JSON
                    + " and " + SafeModelZip.COEFFICIENTS_BIN + " are needed)");
        }
        try {
            return SafeModelZip.read(file, loadUpdater);
        } catch (StoreException e) {
            throw new BackboneFileException(file, e.problem(), e);
        }
    }

    private static String shortHash(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // A leftover hidden temporary file is harmless and never read.
            }
        }
    }
}
