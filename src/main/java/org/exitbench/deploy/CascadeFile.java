package org.exitbench.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionRuleJson;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BatchNormFolding;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.MacTable;
import org.exitbench.model.SafeModelZip;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.BoundedRead;
import org.exitbench.store.InputLimits;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves a calibrated cascade as one zip file and loads it back. The file holds:
 * <pre>
 * exitbench-cascade.json          {@link CascadeManifest}: format version, classes, preprocessing, exits, thresholds,
 *                                 MACs, provenance, SHA-256 of every other entry
 * segments/segment1-stage1.zip    the backbone from the input to the first exit (a DL4J model zip)
 * segments/segment2-stage2.zip    … from each exit to the next
 * segments/head.zip               from the deepest exit to the backbone's softmax head
 * branches/exit1-stage1.zip       each exit's branch network (a DL4J model zip)
 * </pre>
 * Segments are cut ({@link BackboneSegments}) from the backbone with batch-norm folded into its convolutions
 * ({@link BatchNormFolding}: the network the workbench's feature extraction runs); saving checks that chained they
 * give the unfolded backbone's output on probe images, up to {@value #COMPOSITION_TOLERANCE} (folding changes float
 * rounding, nothing else).
 * Writing is atomic: an existing file is replaced only by a complete one.
 *
 * <p>Loading checks, in order, and names the file and the problem when one fails: that the file exists and is a
 * complete zip; that it is a cascade (a backbone or a plain DL4J model is recognised and named as such); the
 * manifest's format and version (newer and older versions are refused); every entry's CRC and SHA-256; the
 * thresholds; and that every network restores and fits its description.
 */
public final class CascadeFile {

    /** The zip entry holding the manifest. */
    public static final String MANIFEST_ENTRY = "exitbench-cascade.json";
    /** The manifest's format and versions. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE = JsonDocuments.DocumentType.of("exitbench.cascade", 1);
    /**
     * Largest difference tolerated between the chained (folded) segments' and the unfolded backbone's softmax output
     * when saving; folding's rounding differences are about 1e-6 (BatchNormFoldingTest).
     */
    static final double COMPOSITION_TOLERANCE = 1e-5;

    private CascadeFile() {
    }

    /**
     * Exports a cascade, replacing {@code file} atomically.
     *
     * @throws IllegalArgumentException when the backbone cannot be split at the exit vertices
     * @throws IllegalStateException    when the chained segments do not reproduce the backbone
     * @throws UncheckedIOException     when the file cannot be written; an existing file is then unchanged
     */
    public static void save(CascadeParts parts, Path file) {
        Dl4jEngine.initialize();
        TrainedBackbone backbone = parts.backbone().withExitPoints(new ExitPoints(parts.exitVertices()));
        InputType input = backbone.inputType();
        // Inference only: batch-norm folded into the convolutions, in NHWC where oneDNN prefers it, as the
        // workbench's feature extraction runs the backbone, so the cascade sees the maps its branches were scored on.
        ComputationGraph graph = BatchNormFolding.fold(backbone);
        List<ComputationGraph> segments = BackboneSegments.split(graph, input, parts.exitVertices());
        checkComposition(backbone.graph(), segments, backbone);
        Map<String, InputType> types = new LinkedHashMap<>(graph.getConfiguration().clone()
                .getLayerActivationTypes(true, input));
        MacTable macs = backbone.macTable();

        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<CascadeManifest.Exit> exits = new ArrayList<>();
        for (int k = 0; k < parts.branches().size(); k++) {
            String vertex = parts.exitVertices().get(k);
            ExitBranch branch = parts.branches().get(k);
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) types.get(vertex);
            if (branch.input().channels() != map.getChannels()) {
                throw new IllegalArgumentException("the branch at " + vertex + " reads " + branch.input().channels()
                        + " channels, the backbone's map there has " + map.getChannels());
            }
            String segmentEntry = "segments/segment" + (k + 1) + "-" + safe(vertex) + ".zip";
            String branchEntry = "branches/exit" + (k + 1) + "-" + safe(vertex) + ".zip";
            entries.put(segmentEntry, modelBytes(segments.get(k)));
            entries.put(branchEntry, modelBytes(branch.graph()));
            exits.add(new CascadeManifest.Exit(vertex, segmentEntry, branchEntry, branch.spec(), branch.input(),
                    branch.macs(), macs.cumulativeMacs(k), (int) map.getChannels(), (int) map.getHeight(),
                    (int) map.getWidth(), map.getFormat()));
        }
        String head = "segments/head.zip";
        entries.put(head, modelBytes(segments.get(segments.size() - 1)));
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            hashes.put(name, sha256(bytes));
            sizes.put(name, (long) bytes.length);
        });
        JsonNode thresholds;
        try {
            thresholds = JsonDocuments.newMapper().readTree(parts.thresholds().toJson());
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read the thresholds' own JSON", e);
        }
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) input;
        CascadeManifest manifest = new CascadeManifest(backbone.classNames(), (int) in.getChannels(),
                (int) in.getHeight(), (int) in.getWidth(), in.getFormat(), backbone.stats(), backbone.spec(),
                parts.pooling(), true, exits, head, macs.total(), thresholds, macs, parts.provenance(), hashes, sizes,
                // Built-in rules are named by the thresholds alone, so such files stay as they always were.
                parts.decisionRule().slot() == ExitRule.DERIVED ? DecisionRuleJson.toJson(parts.decisionRule()) : null);
        byte[] json = JsonDocuments.toBytes(DOCUMENT_TYPE, manifest);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry(MANIFEST_ENTRY));
            zip.write(json);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /**
     * Reads only the manifest, e.g. to show what a file holds.
     *
     * @throws CascadeFileException when the file is missing, not a zip, truncated, corrupt or not a cascade
     * @throws StoreException       when the manifest is of an unsupported version or invalid
     */
    public static CascadeManifest readManifest(Path file) {
        return readChecked(file, false).manifest();
    }

    /**
     * Loads a cascade saved by {@link #save}.
     *
     * @throws CascadeFileException when the file is missing, not a zip, truncated, corrupt, not a cascade, or
     *                              inconsistent
     * @throws StoreException       when the manifest is of an unsupported version or invalid
     */
    public static ExportedCascade load(Path file) {
        Contents contents = readChecked(file, true);
        CascadeManifest manifest = contents.manifest();
        Map<String, byte[]> entries = contents.entries();
        Thresholds thresholds;
        try {
            thresholds = Thresholds.fromJson(manifest.thresholds() == null ? "" : manifest.thresholds().toString(),
                    MANIFEST_ENTRY + " thresholds");
        } catch (IllegalArgumentException e) {
            throw new CascadeFileException(file, "has invalid thresholds: " + e.getMessage(), e);
        }
        ExitDecisionRule decisionRule;
        if (manifest.decisionRule() == null) {
            // Files without a rule (all files before rules were pluggable) decide with the thresholds' own score.
            if (thresholds.rule() == ExitRule.DERIVED) {
                throw new CascadeFileException(file, "has thresholds on a derived decision score, but names no "
                        + "decision rule to compute it (field decisionRule)");
            }
            decisionRule = CascadeParts.builtIn(thresholds);
        } else {
            try {
                decisionRule = DecisionRuleJson.fromJson(manifest.decisionRule(), "decisionRule");
            } catch (IllegalArgumentException e) {
                throw new CascadeFileException(file, "has an invalid " + e.getMessage(), e);
            }
            if (decisionRule.slot() != thresholds.rule()) {
                throw new CascadeFileException(file, "has a decisionRule (" + decisionRule.id() + ") that scores "
                        + decisionRule.slot() + ", but thresholds that compare " + thresholds.rule());
            }
            if (decisionRule.exitCount() != 0 && decisionRule.exitCount() != manifest.exits().size()) {
                throw new CascadeFileException(file, "has a decisionRule fitted for " + decisionRule.exitCount()
                        + " exits, but describes " + manifest.exits().size());
            }
            if (decisionRule instanceof LearnedHeadRule heads && heads.classes() != manifest.classNames().size()) {
                throw new CascadeFileException(file, "has decisionRule heads for " + heads.classes()
                        + " classes, but describes " + manifest.classNames().size());
            }
        }
        int exits = manifest.exits().size();
        if (exits == 0) {
            throw new CascadeFileException(file, "describes a cascade without exits");
        }
        if (thresholds.exitCount() != exits || thresholds.classCount() != manifest.classNames().size()) {
            throw new CascadeFileException(file, "has thresholds for " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, but describes " + exits + " exits and "
                    + manifest.classNames().size() + " classes");
        }
        Dl4jEngine.initialize();
        List<ComputationGraph> segments = new ArrayList<>();
        List<ExitBranch> branches = new ArrayList<>();
        for (CascadeManifest.Exit exit : manifest.exits()) {
            segments.add(restore(file, exit.segment(), entries));
            ComputationGraph branchGraph = restore(file, exit.branch(), entries);
            try {
                branches.add(new ExitBranch(branchGraph, exit.branchSpec(), exit.branchInput()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new CascadeFileException(file, "holds a branch in " + exit.branch() + " that does not fit its "
                        + "description: " + e.getMessage(), e);
            }
        }
        segments.add(restore(file, manifest.headSegment(), entries));
        return new ExportedCascade(file, manifest, thresholds, segments, branches, decisionRule);
    }

    /** Chains the segments on probe images and compares with the whole backbone's output. */
    private static void checkComposition(ComputationGraph graph, List<ComputationGraph> segments,
                                         TrainedBackbone backbone) {
        long[] shape = ((InputType.InputTypeConvolutional) backbone.inputType()).getShape(true);
        shape[0] = 2;
        SplittableRandom random = new SplittableRandom(20261104L);
        float[] values = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        INDArray probe = Nd4j.create(values, shape, 'c');
        INDArray expected = graph.outputSingle(false, probe);
        INDArray chained = probe;
        for (ComputationGraph segment : segments) {
            chained = segment.outputSingle(false, chained);
        }
        double difference = expected.sub(chained).amaxNumber().doubleValue();
        if (!(difference <= COMPOSITION_TOLERANCE)) {
            throw new IllegalStateException("the backbone's segments chained differ from the whole backbone by "
                    + difference + " on a probe image");
        }
    }

    private static ComputationGraph restore(Path file, String entry, Map<String, byte[]> entries) {
        byte[] bytes = entries.get(entry);
        if (bytes == null) {
            throw new CascadeFileException(file, "is incomplete: the entry " + entry + " is missing");
        }
        try {
            return SafeModelZip.read(bytes, file, entry, InputLimits.current());
        } catch (StoreException e) {
            throw new CascadeFileException(file, e.problem(), e);
        }
    }

    /** A cascade file's manifest and, when asked for, the bytes of every entry it lists. */
    private record Contents(CascadeManifest manifest, Map<String, byte[]> entries) {
    }

    /**
     * Opens a cascade file, reads and checks its manifest, and (with {@code withEntries}) reads exactly the entries
     * the manifest lists, each capped by its recorded size (or {@link InputLimits} for older files) and checked
     * against its CRC-32 and SHA-256. An entry the manifest does not list is refused unread: Exitbench never writes
     * one, and nothing should be inflated that no check covers.
     */
    private static Contents readChecked(Path file, boolean withEntries) {
        if (!Files.exists(file)) {
            throw new CascadeFileException(file, "does not exist");
        }
        InputLimits limits = InputLimits.current();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> all = BoundedRead.checkedEntries(zip, file);
            ZipEntry manifestEntry = zip.getEntry(MANIFEST_ENTRY);
            if (manifestEntry == null) {
                List<String> names = all.stream().map(ZipEntry::getName).toList();
                if (names.contains(BackboneFile.METADATA_ENTRY)) {
                    throw new CascadeFileException(file, "is an Exitbench backbone, not an exported cascade; export "
                            + "a cascade with 'exitbench export --run <run folder>'");
                }
                if (names.contains(SafeModelZip.CONFIGURATION_JSON)) {
                    throw new CascadeFileException(file, "is a plain DL4J model, not an exported cascade");
                }
                throw new CascadeFileException(file, "is a zip file but not an exported cascade (no "
                        + MANIFEST_ENTRY + " entry)");
            }
            CascadeManifest manifest = manifest(file, readCrcChecked(zip, manifestEntry, limits.maxJsonBytes(),
                    file));
            Map<String, byte[]> entries = new LinkedHashMap<>();
            if (!withEntries) {
                return new Contents(manifest, entries);
            }
            for (ZipEntry entry : all) {
                if (!entry.getName().equals(MANIFEST_ENTRY) && !manifest.entries().containsKey(entry.getName())) {
                    throw new CascadeFileException(file, "has an entry " + entry.getName() + " that its "
                            + MANIFEST_ENTRY + " does not list (refused unread)");
                }
            }
            for (Map.Entry<String, String> listed : manifest.entries().entrySet()) {
                String name = listed.getKey();
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new CascadeFileException(file, "is incomplete: the entry " + name + " is missing");
                }
                Long recorded = manifest.entrySizes() == null ? null : manifest.entrySizes().get(name);
                String modified = "is corrupt or was modified: the entry " + name + " does not match its SHA-256 in "
                        + MANIFEST_ENTRY;
                if (recorded != null && entry.getSize() != -1 && entry.getSize() != recorded) {
                    throw new CascadeFileException(file, modified);
                }
                // One byte over the recorded size is enough to tell a lying header; the bytes are never inflated
                // further than that.
                long cap = recorded == null ? limits.maxEntryBytes() : Math.min(recorded + 1, limits.maxEntryBytes());
                byte[] bytes = readCrcChecked(zip, entry, cap, file);
                if ((recorded != null && bytes.length != recorded) || !sha256(bytes).equals(listed.getValue())) {
                    throw new CascadeFileException(file, modified);
                }
                entries.put(name, bytes);
            }
            return new Contents(manifest, entries);
        } catch (CascadeFileException e) {
            throw e;
        } catch (StoreException e) {
            if (e.file().isPresent() && e.file().get().equals(file)) {
                throw new CascadeFileException(file, e.problem(), e);
            }
            throw e;
        } catch (ZipException e) {
            throw new CascadeFileException(file, "is not a zip file, or is truncated or corrupt (" + e.getMessage()
                    + ")", e);
        } catch (NoSuchFileException e) {
            throw new CascadeFileException(file, "does not exist", e);
        } catch (IOException e) {
            throw new CascadeFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] readCrcChecked(ZipFile zip, ZipEntry entry, long cap, Path file) {
        byte[] bytes = BoundedRead.readEntry(zip, entry, cap, file);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new CascadeFileException(file, "is corrupt: the entry " + entry.getName() + " fails its CRC check");
        }
        return bytes;
    }

    private static CascadeManifest manifest(Path file, byte[] json) {
        CascadeManifest manifest = JsonDocuments.fromBytes(json, file, DOCUMENT_TYPE, CascadeManifest.class);
        List<String> missing = new ArrayList<>();
        if (manifest.classNames() == null || manifest.classNames().isEmpty()) {
            missing.add("\"classNames\"");
        }
        if (manifest.exits() == null) {
            missing.add("\"exits\"");
        }
        if (manifest.headSegment() == null) {
            missing.add("\"headSegment\"");
        }
        if (manifest.stats() == null) {
            missing.add("\"stats\"");
        }
        if (manifest.pooling() == null) {
            missing.add("\"pooling\"");
        }
        if (manifest.inputFormat() == null) {
            missing.add("\"inputFormat\"");
        }
        if (manifest.entries() == null) {
            missing.add("\"entries\"");
        }
        if (!missing.isEmpty()) {
            throw new CascadeFileException(file, "has an incomplete " + MANIFEST_ENTRY + ": " + String.join(", ",
                    missing) + (missing.size() == 1 ? " is" : " are") + " missing");
        }
        for (CascadeManifest.Exit exit : manifest.exits()) {
            if (exit == null || exit.vertex() == null || exit.segment() == null || exit.branch() == null
                    || exit.branchSpec() == null || exit.branchInput() == null) {
                throw new CascadeFileException(file, "has an incomplete exit in " + MANIFEST_ENTRY + " (each needs "
                        + "\"vertex\", \"segment\", \"branch\", \"branchSpec\" and \"branchInput\")");
            }
        }
        return manifest;
    }

    private static byte[] modelBytes(ComputationGraph graph) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(graph, bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a network: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static String safe(String vertex) {
        return vertex.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
