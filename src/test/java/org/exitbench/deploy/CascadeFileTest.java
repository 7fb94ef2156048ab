package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.store.SerializationProbe;
import org.exitbench.store.StoreException;
import org.exitbench.store.ZipFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The exported cascade file: what it holds, and a clear error for every way a file can be unusable. */
@Tag("slow")
class CascadeFileTest {

    private static SampleCascade sample;
    private static Thresholds thresholds;
    private static Path saved;

    @BeforeAll
    static void exportTheSampleCascade(@TempDir Path dir) {
        sample = SampleCascade.load();
        thresholds = sample.medianThresholds(ExitRule.MAX_SOFTMAX);
        saved = dir.resolve("cascade.zip");
        CascadeFile.save(sample.parts(thresholds), saved);
    }

    @Test
    void theFileDescribesTheCascadeAndLoadsBack() throws IOException {
        CascadeManifest manifest = CascadeFile.readManifest(saved);
        assertEquals(sample.images.classNames(), manifest.classNames());
        assertEquals(List.of(1, 32, 32), List.of(manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth()));
        assertEquals(CNN2DFormat.NCHW, manifest.inputFormat());
        assertEquals(sample.backbone.stats(), manifest.stats());
        assertEquals(sample.backbone.spec(), manifest.backbone());
        assertEquals(List.of("stage1", "stage2", "stage3"), manifest.exitVertices());
        assertEquals(List.of(16, 32, 64), manifest.exits().stream().map(CascadeManifest.Exit::mapChannels).toList());
        assertEquals(sample.backbone.macTable(), manifest.macTable());
        assertEquals(SampleCascade.provenance(), manifest.provenance());
        assertEquals(7, manifest.entries().size(), "3 segments, the head and 3 branches");
        try (ZipFile zip = new ZipFile(saved.toFile())) {
            assertEquals(CascadeFile.MANIFEST_ENTRY, zip.entries().nextElement().getName(), "the manifest comes first");
            assertTrue(manifest.entries().keySet().stream().allMatch(name -> zip.getEntry(name) != null));
        }
        ExportedCascade loaded = CascadeFile.load(saved);
        assertEquals(thresholds, loaded.thresholds());
        assertEquals(3, loaded.exitCount());
        assertTrue(manifest.batchNormFolded());
        ComputationGraph full = loaded.fullBackbone();
        assertTrue(Stream.of(full.getLayers()).noneMatch(l -> l.conf().getLayer() instanceof BatchNormalization),
                "batch-norm is folded into the convolutions");
        INDArray x = new EarlyExitPredictor(loaded).normalise(sample.images, 0, 16);
        double difference = sample.backbone.graph().outputSingle(false, x).sub(full.outputSingle(false, x))
                .amaxNumber().doubleValue();
        assertTrue(difference <= CascadeFile.COMPOSITION_TOLERANCE, "folded segments joined differ from the "
                + "backbone by " + difference);
        String json = new String(entry(saved, CascadeFile.MANIFEST_ENTRY), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"format\" : \"exitbench.cascade\""), json.substring(0, 80));
        assertTrue(json.contains("\"formatVersion\" : 1"));
    }

    @Test
    void aMissingOrForeignFileIsNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nothing.zip");
        assertProblem(missing, missing + ": does not exist");
        Path text = Files.writeString(dir.resolve("notes.zip"), "not a zip at all");
        assertProblem(text, text + ": is not a zip file, or is truncated or corrupt (zip END header not found)");
        Path backbone = SampleCascade.SAMPLE.resolve("backbone.zip");
        assertProblem(backbone, backbone + ": is an Exitbench backbone, not an exported cascade; export a cascade "
                + "with 'exitbench export --run <run folder>'");
        Path other = rewrite(dir.resolve("other.zip"), entries -> entries.remove(CascadeFile.MANIFEST_ENTRY));
        assertProblem(other, other + ": is a zip file but not an exported cascade (no exitbench-cascade.json entry)");
    }

    @Test
    void aTruncatedOrCorruptFileIsRefused(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(saved);
        Path truncated = Files.write(dir.resolve("truncated.zip"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertProblem(truncated, truncated + ": is not a zip file, or is truncated or corrupt (zip END header not found)");

        byte[] damaged = bytes.clone();
        for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
            damaged[i] ^= 0x5A;
        }
        Path corrupt = Files.write(dir.resolve("corrupt.zip"), damaged);
        StoreException error = assertThrows(StoreException.class, () -> CascadeFile.load(corrupt));
        assertTrue(error.getMessage().startsWith(corrupt + ": is "), error.getMessage());
        assertTrue(error.getMessage().contains("corrupt"), error.getMessage());

        // A well-formed zip whose branch was swapped for another: the manifest's checksums catch it.
        Path swapped = rewrite(dir.resolve("swapped.zip"), entries -> entries.put("branches/exit1-stage1.zip",
                entries.get("branches/exit2-stage2.zip")));
        assertProblem(swapped, swapped + ": is corrupt or was modified: the entry branches/exit1-stage1.zip does not "
                + "match its SHA-256 in exitbench-cascade.json");
        Path incomplete = rewrite(dir.resolve("incomplete.zip"), entries -> entries.remove("segments/head.zip"));
        assertProblem(incomplete, incomplete + ": is incomplete: the entry segments/head.zip is missing");
    }

    @Test
    void aRetamperedBranchWithASerializedObjectIsNeverDeserialized(@TempDir Path dir) throws IOException {
        SerializationProbe.READS.set(0);
        String branch = "branches/exit1-stage1.zip";
        // A tamperer who also recomputes the manifest's SHA-256 and size passes the integrity checks (they catch
        // accidents, not tampering); the model reader must still refuse the serialized entry unread.
        Path hostile = rewrite(dir.resolve("hostile.zip"), entries -> {
            Map<String, byte[]> inner = new LinkedHashMap<>();
            try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                    new java.io.ByteArrayInputStream(entries.get(branch)))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    inner.put(e.getName(), in.readAllBytes());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            inner.put("preprocessor.bin", SerializationProbe.bytes());
            byte[] forged = ZipFixtures.zip(inner);
            entries.put(branch, forged);
            ObjectNode manifest = manifestOf(entries);
            ((ObjectNode) manifest.get("entries")).put(branch, sha256(forged));
            ((ObjectNode) manifest.get("entrySizes")).put(branch, forged.length);
            entries.put(CascadeFile.MANIFEST_ENTRY, manifest.toString().getBytes(StandardCharsets.UTF_8));
        });
        StoreException error = assertThrows(StoreException.class, () -> CascadeFile.load(hostile));
        assertTrue(error.getMessage().startsWith(hostile + ": the entry " + branch + " holds preprocessor.bin, a "
                + "Java-serialized object"), error.getMessage());
        assertEquals(0, SerializationProbe.READS.get());
    }

    @Test
    void unlistedEntriesAndMissingFieldsAreNamed(@TempDir Path dir) throws IOException {
        Path unlisted = rewrite(dir.resolve("unlisted.zip"), entries -> entries.put("extra/payload.bin",
                SerializationProbe.bytes()));
        assertProblem(unlisted, unlisted + ": has an entry extra/payload.bin that its exitbench-cascade.json does not "
                + "list (refused unread)");
        Path noExits = rewrite(dir.resolve("no-exits.zip"), entries -> {
            ObjectNode manifest = manifestOf(entries);
            manifest.remove("exits");
            entries.put(CascadeFile.MANIFEST_ENTRY, manifest.toString().getBytes(StandardCharsets.UTF_8));
        });
        assertProblem(noExits, noExits + ": has an incomplete exitbench-cascade.json: \"exits\" is missing");
    }

    private static ObjectNode manifestOf(Map<String, byte[]> entries) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(entries.get(CascadeFile.MANIFEST_ENTRY));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOldOrNewerFormatVersionIsRefused(@TempDir Path dir) throws IOException {
        Path old = withVersion(dir.resolve("old.zip"), 0);
        StoreException tooOld = assertThrows(StoreException.class, () -> CascadeFile.load(old));
        assertEquals(old + ": has the old exitbench.cascade version 0, which this Exitbench no longer reads (oldest "
                + "readable: 1)", tooOld.getMessage());
        Path newer = withVersion(dir.resolve("newer.zip"), 2);
        StoreException tooNew = assertThrows(StoreException.class, () -> CascadeFile.readManifest(newer));
        assertEquals(newer + ": was written by a newer Exitbench (exitbench.cascade version 2); this version reads "
                + "up to version 1", tooNew.getMessage());
    }

    @Test
    void savingReplacesAFileOnlyWithACompleteOne(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("cascade.zip"), "an older export");
        CascadeFile.save(sample.parts(Thresholds.never(3, 10)), target);
        assertEquals(Thresholds.never(3, 10), CascadeFile.load(target).thresholds());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    private static void assertProblem(Path file, String message) {
        StoreException error = assertThrows(StoreException.class, () -> CascadeFile.load(file));
        assertEquals(message, error.getMessage());
        assertEquals(file, error.file().orElseThrow());
    }

    private static Path withVersion(Path target, int version) throws IOException {
        return rewrite(target, entries -> entries.put(CascadeFile.MANIFEST_ENTRY, new String(
                entries.get(CascadeFile.MANIFEST_ENTRY), StandardCharsets.UTF_8)
                .replace("\"formatVersion\" : 1", "\"formatVersion\" : " + version).getBytes(StandardCharsets.UTF_8)));
    }

    /** Copies the saved cascade with its entries edited, as a well-formed zip. */
    private static Path rewrite(Path target, java.util.function.Consumer<Map<String, byte[]>> edit)
            throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(saved.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        edit.accept(entries);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }

    private static byte[] entry(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }
}
