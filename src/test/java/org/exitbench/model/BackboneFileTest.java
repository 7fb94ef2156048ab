package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.data.ChannelStats;
import org.exitbench.store.StoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

@Tag("slow")
class BackboneFileTest {

    @TempDir
    Path dir;

    private TrainedBackbone backbone;
    private INDArray probe;

    @BeforeEach
    void trainATinyBackboneOneStep() {
        TrainedBackbone fresh = TestBackbones.tinyBackbone(1, 11);
        Nd4j.getRandom().setSeed(12);
        INDArray x = Nd4j.rand(8, 1, 16, 16);
        INDArray y = Nd4j.zeros(8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1);
        }
        // One step gives the updater state and batch-norm statistics non-trivial values.
        fresh.graph().fit(new DataSet(x, y));
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("dataset", "generated");
        provenance.put("epochs", "1");
        backbone = new TrainedBackbone(fresh.graph(), fresh.spec(), fresh.classNames(),
                new ChannelStats(new double[] {0.4}, new double[] {0.2}), ExitPoints.of("stage2"), provenance);
        probe = Nd4j.rand(3, 1, 16, 16);
    }

    @Test
    void roundTripRestoresTheSameFunctionUpdaterAndMetadata() {
        Path file = dir.resolve("backbone.zip");
        BackboneFile.save(backbone, file);
        TrainedBackbone loaded = BackboneFile.load(file);
        assertEquals(backbone.graph().outputSingle(probe), loaded.graph().outputSingle(probe));
        assertEquals(backbone.graph().getUpdater().getStateViewArray(),
                loaded.graph().getUpdater().getStateViewArray());
        assertEquals(backbone.spec(), loaded.spec());
        assertEquals(backbone.classNames(), loaded.classNames());
        assertEquals(backbone.stats(), loaded.stats());
        assertEquals(backbone.exitPoints(), loaded.exitPoints());
        assertEquals(backbone.provenance(), loaded.provenance());
        assertEquals(backbone.fingerprint(), loaded.fingerprint());
        assertEquals(backbone.fingerprint(), BackboneFile.readMetadata(file).fingerprint());
    }

    @Test
    void fingerprintFollowsParametersAndNormalisationButNotProvenance() {
        String original = backbone.fingerprint();
        assertEquals(original, backbone.withProvenance(Map.of("note", "x")).fingerprint());
        TrainedBackbone otherStats = new TrainedBackbone(backbone.graph(), backbone.spec(), backbone.classNames(),
                ChannelStats.identity(1), backbone.exitPoints(), Map.of());
        assertTrue(!original.equals(otherStats.fingerprint()));
        ComputationGraph copy = backbone.graph().clone();
        copy.params().putScalar(0, copy.params().getDouble(0) + 1e-3);
        TrainedBackbone changed = TrainedBackbone.of(copy, backbone.spec(), backbone.classNames(), backbone.stats());
        assertTrue(!original.equals(changed.fingerprint()));
    }

    @Test
    void plainDl4jZipIsRecognisedAndLoadsWithSuppliedMetadata() throws IOException {
        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(backbone.graph(), plain.toFile(), true);
        assertThrows(BackboneFileException.MissingMetadata.class, () -> BackboneFile.load(plain));
        TrainedBackbone loaded = BackboneFile.loadPlain(plain, backbone.spec(), backbone.classNames(),
                backbone.stats(), ExitPoints.of("stage1"));
        assertEquals(backbone.graph().outputSingle(probe), loaded.graph().outputSingle(probe));
        assertEquals(backbone.fingerprint(), loaded.fingerprint());

        BackboneFileException e = assertThrows(BackboneFileException.class, () -> BackboneFile.loadPlain(plain,
                backbone.spec(), backbone.classNames(), backbone.stats(), ExitPoints.of("stage9")));
        assertTrue(e.getMessage().contains("plain.zip") && e.getMessage().contains("stage9"), e.getMessage());
        e = assertThrows(BackboneFileException.class, () -> BackboneFile.loadPlain(plain,
                TestBackbones.tinySpec(3), backbone.classNames(), ChannelStats.identity(3), ExitPoints.of("stage1")));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
    }

    @Test
    void missingForeignAndTruncatedFilesAreReportedByName() throws IOException {
        BackboneFileException e = assertThrows(BackboneFileException.class,
                () -> BackboneFile.load(dir.resolve("absent.zip")));
        assertTrue(e.getMessage().contains("absent.zip") && e.getMessage().contains("does not exist"), e.getMessage());

        Path text = dir.resolve("notes.zip");
        Files.writeString(text, "not a zip");
        e = assertThrows(BackboneFileException.class, () -> BackboneFile.load(text));
        assertTrue(e.getMessage().contains("notes.zip") && e.getMessage().contains("not a zip"), e.getMessage());

        Path file = dir.resolve("cut.zip");
        BackboneFile.save(backbone, file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(BackboneFileException.class, () -> BackboneFile.load(file));
        assertTrue(e.getMessage().contains("cut.zip"), e.getMessage());
    }

    @Test
    void newerAndOlderFormatVersionsAreRefused() throws IOException {
        Path file = dir.resolve("backbone.zip");
        BackboneFile.save(backbone, file);
        Path newer = rewriteEntry(file, "newer.zip", BackboneFile.METADATA_ENTRY,
                json -> json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        StoreException e = assertThrows(StoreException.class, () -> BackboneFile.load(newer));
        assertTrue(e.getMessage().contains("newer.zip") && e.getMessage().contains("newer Exitbench"), e.getMessage());
        Path older = rewriteEntry(file, "older.zip", BackboneFile.METADATA_ENTRY,
                json -> json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 0"));
        e = assertThrows(StoreException.class, () -> BackboneFile.load(older));
        assertTrue(e.getMessage().contains("older.zip") && e.getMessage().contains("old"), e.getMessage());
    }

    @Test
    void parametersThatNoLongerMatchTheirFingerprintAreReported() throws IOException {
        Path file = dir.resolve("backbone.zip");
        BackboneFile.save(backbone, file);
        TrainedBackbone other = TestBackbones.tinyBackbone(1, 99);
        Path otherFile = dir.resolve("other.zip");
        ModelSerializer.writeModel(other.graph(), otherFile.toFile(), false);
        byte[] otherCoefficients;
        try (ZipFile zip = new ZipFile(otherFile.toFile())) {
            otherCoefficients = zip.getInputStream(zip.getEntry(ModelSerializer.COEFFICIENTS_BIN)).readAllBytes();
        }
        Path edited = rewriteEntry(file, "edited.zip", ModelSerializer.COEFFICIENTS_BIN, null, otherCoefficients);
        BackboneFileException e = assertThrows(BackboneFileException.class, () -> BackboneFile.load(edited));
        assertTrue(e.getMessage().contains("edited.zip") && e.getMessage().contains("fingerprint"), e.getMessage());
    }

    @Test
    void savingOverAnExistingFileReplacesItWhole() {
        Path file = dir.resolve("backbone.zip");
        BackboneFile.save(TestBackbones.tinyBackbone(1, 5), file);
        BackboneFile.save(backbone, file);
        assertEquals(backbone.fingerprint(), BackboneFile.load(file, false).fingerprint());
    }

    private Path rewriteEntry(Path source, String name, String entryName, UnaryOperator<String> edit)
            throws IOException {
        return rewriteEntry(source, name, entryName, edit, null);
    }

    /** Copies a zip, replacing one entry's content (a valid zip, so only our own checks can notice). */
    private Path rewriteEntry(Path source, String name, String entryName, UnaryOperator<String> edit,
                              byte[] replacement) throws IOException {
        Path target = dir.resolve(name);
        try (ZipFile zip = new ZipFile(source.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] content;
                try (InputStream in = zip.getInputStream(entry)) {
                    content = in.readAllBytes();
                }
                if (entry.getName().equals(entryName)) {
                    content = replacement != null ? replacement
                            : edit.apply(new String(content, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return target;
    }
}
