package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayFileTest {

    @TempDir
    Path dir;

    /** More values than one 1 MB block, so the block loop is exercised. */
    private static float[] values(int n) {
        Random random = new Random(7);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        v[0] = Float.NaN;
        v[1] = Float.NEGATIVE_INFINITY;
        v[2] = -0f;
        return v;
    }

    @Test
    void floatsRoundTripBitExactlyWithShape() {
        float[] v = values(300_007);
        Path file = dir.resolve("x.f32");
        ArrayFile.Header written = ArrayFile.writeFloats(file, new long[] {300_007}, v);
        float[] back = ArrayFile.readFloats(file);
        assertEquals(v.length, back.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "value " + i);
        }
        assertEquals(written, ArrayFile.readHeader(file));
    }

    @Test
    void intsRoundTripWithMultiDimensionalShape() {
        int[] v = {3, -1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 42};
        Path file = dir.resolve("x.i32");
        ArrayFile.writeInts(file, new long[] {2, 3}, v);
        assertArrayEquals(v, ArrayFile.readInts(file));
        assertArrayEquals(new long[] {2, 3}, ArrayFile.readHeader(file).shape());
        assertEquals(ArrayFile.ElementType.INT32, ArrayFile.readHeader(file).type());
    }

    @Test
    void emptyArrayRoundTrips() {
        Path file = dir.resolve("empty.f32");
        ArrayFile.writeFloats(file, new long[] {0, 64}, new float[0]);
        assertEquals(0, ArrayFile.readFloats(file).length);
    }

    @Test
    void shapeMustMatchTheValues() {
        assertThrows(IllegalArgumentException.class,
                () -> ArrayFile.writeFloats(dir.resolve("bad.f32"), new long[] {2, 2}, new float[5]));
    }

    @Test
    void truncatedFileIsReportedWithItsName() throws IOException {
        Path file = dir.resolve("cut.f32");
        ArrayFile.writeFloats(file, new long[] {10, 100}, values(1000));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 5);
        }
        StoreException e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(file));
        assertTrue(e.getMessage().contains("cut.f32") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void fileCutInsideTheHeaderIsReported() throws IOException {
        Path file = dir.resolve("stub.f32");
        ArrayFile.writeFloats(file, new long[] {4}, new float[4]);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 10));
        StoreException e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(file));
        assertTrue(e.getMessage().contains("stub.f32") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void bitFlipInTheValuesFailsTheChecksum() throws IOException {
        Path file = dir.resolve("flip.f32");
        ArrayFile.writeFloats(file, new long[] {1000}, values(1000));
        flipBit(file, Files.size(file) - 1234, 3);
        StoreException e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(file));
        assertTrue(e.getMessage().contains("flip.f32") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void bitFlipInTheShapeFailsTheHeaderChecksum() throws IOException {
        Path file = dir.resolve("shape.f32");
        ArrayFile.writeFloats(file, new long[] {20, 50}, values(1000));
        flipBit(file, 20, 0); // first dimension's lowest byte: 20 -> 21
        StoreException e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(file));
        assertTrue(e.getMessage().contains("shape.f32") && e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void foreignFileAndWrongTypeAreRejected() throws IOException {
        Path foreign = dir.resolve("notes.txt");
        Files.writeString(foreign, "this is not an array file at all");
        StoreException e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(foreign));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("magic"), e.getMessage());

        Path ints = dir.resolve("labels.i32");
        ArrayFile.writeInts(ints, new long[] {3}, new int[] {1, 2, 3});
        e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(ints));
        assertTrue(e.getMessage().contains("INT32"), e.getMessage());

        e = assertThrows(StoreException.class, () -> ArrayFile.readFloats(dir.resolve("absent.f32")));
        assertTrue(e.getMessage().contains("absent.f32") && e.getMessage().contains("missing"), e.getMessage());
    }

    private static void flipBit(Path file, long position, int bit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) position] ^= (byte) (1 << bit);
        Files.write(file, bytes);
    }
}
