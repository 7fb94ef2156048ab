package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.store.InputLimits;
import org.exitbench.store.SerializationProbe;
import org.exitbench.store.StoreException;
import org.exitbench.store.ZipFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Model zips are read without Java deserialization, and no header decides how much memory is used. */
@Tag("slow")
class SafeModelZipTest {

    @TempDir
    Path dir;

    private TrainedBackbone backbone;
    private Path plain;
    private INDArray probe;

    @BeforeEach
    void saveATrainedTinyBackbone() throws IOException {
        backbone = TestBackbones.tinyBackbone(1, 5);
        Nd4j.getRandom().setSeed(6);
        INDArray y = Nd4j.zeros(4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1);
        }
        backbone.graph().fit(new DataSet(Nd4j.rand(4, 1, 16, 16), y));
        plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(backbone.graph(), plain.toFile(), true);
        probe = Nd4j.rand(2, 1, 16, 16);
        SerializationProbe.READS.set(0);
    }

    @Test
    void readsWhatDl4jWritesExactlyUpdaterIncluded() {
        ComputationGraph read = SafeModelZip.read(plain, true);
        assertEquals(backbone.graph().params(), read.params());
        assertEquals(backbone.graph().getUpdater().getStateViewArray(), read.getUpdater().getStateViewArray());
        assertEquals(backbone.graph().outputSingle(probe), read.outputSingle(probe));
    }

    @Test
    void aSerializedPreprocessorIsNeverDeserialized() throws IOException {
        Path hostile = ZipFixtures.rewrite(plain, dir.resolve("hostile.zip"),
                entries -> entries.put(SafeModelZip.PREPROCESSOR_BIN, SerializationProbe.bytes()));
        // The control: DL4J's own reader deserializes it (and only then finds it is no preprocessor), so the probe
        // would show it if we did.
        assertThrows(ClassCastException.class, () -> ModelSerializer.restoreComputationGraph(hostile.toFile(), false));
        assertEquals(1, SerializationProbe.READS.getAndSet(0));

        StoreException error = assertThrows(StoreException.class, () -> SafeModelZip.read(hostile, true));
        assertTrue(error.getMessage().startsWith(hostile + ": holds preprocessor.bin, a Java-serialized object"),
                error.getMessage());
        assertThrows(StoreException.class, () -> ExitBranch.load(hostile, BranchSpec.defaults(),
                new BranchInput(16, 1, 3)));
        Path hostileBackbone = dir.resolve("backbone.zip");
        BackboneFile.save(backbone, hostileBackbone);
        Path withProbe = ZipFixtures.rewrite(hostileBackbone, dir.resolve("backbone-probe.zip"),
                entries -> entries.put(SafeModelZip.PREPROCESSOR_BIN, SerializationProbe.bytes()));
        BackboneFileException backboneError = assertThrows(BackboneFileException.class,
                () -> BackboneFile.load(withProbe));
        assertTrue(backboneError.getMessage().contains("preprocessor.bin"), backboneError.getMessage());
        assertEquals(0, SerializationProbe.READS.get());
    }

    @Test
    void otherEntriesAreNeverOpened() {
        Path extra = ZipFixtures.rewrite(plain, dir.resolve("extra.zip"), entries -> {
            entries.put(ModelSerializer.NORMALIZER_BIN, SerializationProbe.bytes());
            entries.put("notes/readme.bin", SerializationProbe.bytes());
        });
        ComputationGraph read = SafeModelZip.read(extra, false);
        assertEquals(backbone.graph().params(), read.params());
        assertEquals(0, SerializationProbe.READS.get());
    }

    @Test
    void aConfigurationNamingAForeignClassIsRefused() {
        Path foreign = ZipFixtures.rewrite(plain, dir.resolve("foreign.zip"), entries -> entries.put(
                SafeModelZip.CONFIGURATION_JSON, new String(entries.get(SafeModelZip.CONFIGURATION_JSON),
                        StandardCharsets.UTF_8).replaceFirst(
                        "org\\.nd4j\\.linalg\\.activations\\.impl\\.ActivationReLU", "java.net.URL")
                        .getBytes(StandardCharsets.UTF_8)));
        StoreException error = assertThrows(StoreException.class, () -> SafeModelZip.read(foreign, false));
        assertTrue(error.getMessage().contains("naming the class java.net.URL"), error.getMessage());
    }

    @Test
    void anArrayHeaderCannotAskForMoreThanTheNetworkNeeds() throws IOException {
        long params = backbone.graph().numParams();
        // A valid array of the wrong length, and one whose header claims far more than its bytes.
        byte[] wrongLength = ndArray(Nd4j.rand(new long[] {1, params + 1}));
        byte[] liar = ndArray(Nd4j.rand(new long[] {1, params}));
        ByteArrayOutputStream forged = new ByteArrayOutputStream();
        new DataOutputStream(forged).writeLong(0);
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("wrong length", wrongLength);
        cases.put("truncated", java.util.Arrays.copyOf(liar, liar.length - 40));
        cases.put("not an array", "hello".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path file = ZipFixtures.rewrite(plain, dir.resolve(c.getKey().replace(' ', '-') + ".zip"),
                    entries -> entries.put(SafeModelZip.COEFFICIENTS_BIN, c.getValue()));
            StoreException error = assertThrows(StoreException.class, () -> SafeModelZip.read(file, false),
                    c.getKey());
            assertTrue(error.getMessage().startsWith(file + ": has an unusable coefficients.bin"),
                    error.getMessage());
        }
    }

    @Test
    void anEntryOverTheLimitIsRefusedWhileInflating() {
        Path bomb = ZipFixtures.bomb(dir.resolve("bomb.zip"), ZipFixtures.entries(plain), "padding.bin", 8L << 20);
        InputLimits small = new InputLimits(4L << 20, 1L << 20, 10);
        // An entry nobody reads is never inflated.
        assertEquals(backbone.graph().params(), SafeModelZip.read(bomb, false, small).params());
        Path bigCoefficients = ZipFixtures.rewrite(plain, dir.resolve("big.zip"),
                entries -> entries.put(SafeModelZip.COEFFICIENTS_BIN, new byte[5 << 20]));
        StoreException error = assertThrows(StoreException.class, () -> SafeModelZip.read(bigCoefficients, false,
                small));
        assertTrue(error.getMessage().contains("coefficients.bin that is larger than 4194304 bytes"),
                error.getMessage());
    }

    @Test
    void unsafeEntryNamesAreRefused() {
        Path slip = ZipFixtures.rewrite(plain, dir.resolve("slip.zip"),
                entries -> entries.put("../../outside.txt", new byte[1]));
        StoreException error = assertThrows(StoreException.class, () -> SafeModelZip.read(slip, false));
        assertTrue(error.getMessage().contains("unsafe name ('../../outside.txt')"), error.getMessage());
    }

    private static byte[] ndArray(INDArray array) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Nd4j.write(array, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
