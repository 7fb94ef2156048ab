package org.exitbench.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * A checksummed file holding one dense array of float32 or int32 values, as the feature cache stores them.
 *
 * <p>Layout (little-endian): the magic {@code EXBARRAY}; the format version (int); the element type (int,
 * 1 = float32, 2 = int32); the rank (int, 1 to 8); the dimensions (one long each); the CRC32C of the payload
 * (long); the CRC32C of all header bytes before it (int); then the values in row-major order. A reader checks
 * every part of that and the exact file length before it returns a single value, so a truncated, extended,
 * bit-flipped or foreign file is always reported (as a {@link StoreException} naming the file), never used.
 * CRC32C is hardware-accelerated on current CPUs, so checking a 160 MB file costs a fraction of reading it.
 */
public final class ArrayFile {

    /** The format version this code writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "EXBARRAY".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RANK = 8;
    private static final int BLOCK_BYTES = 1 << 20;

    private ArrayFile() {
    }

    /** The element types a file can hold. */
    public enum ElementType {
        FLOAT32(1), INT32(2);

        private final int code;

        ElementType(int code) {
            this.code = code;
        }

        static ElementType ofCode(int code) {
            for (ElementType type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            return null;
        }
    }

    /**
     * What a file's header says.
     *
     * @param type         the element type
     * @param shape        the dimensions, row-major
     * @param checksum     the CRC32C of the payload bytes
     * @param headerBytes  the length of the header
     * @param payloadBytes the length of the values
     */
    public record Header(ElementType type, long[] shape, long checksum, int headerBytes, long payloadBytes) {

        public Header {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** @return the number of elements: the product of the dimensions */
        public long elementCount() {
            return elementCount(shape);
        }

        /** @return the total file length the header promises */
        public long fileBytes() {
            return headerBytes + payloadBytes;
        }

        static long elementCount(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && type == h.type && Arrays.equals(shape, h.shape)
                    && checksum == h.checksum && headerBytes == h.headerBytes && payloadBytes == h.payloadBytes;
        }

        @Override
        public int hashCode() {
            return (31 * type.hashCode() + Arrays.hashCode(shape)) * 31 + Long.hashCode(checksum);
        }

        @Override
        public String toString() {
            return "Header[" + type + " " + Arrays.toString(shape) + ", crc32c=" + Long.toHexString(checksum) + "]";
        }
    }

    /**
     * Writes float values atomically (see {@link AtomicFiles}).
     *
     * @param file   the target; replaced only when the whole file is written
     * @param shape  the dimensions; their product must equal {@code values.length}
     * @param values the values, row-major
     * @return the header written, with the payload checksum
     */
    public static Header writeFloats(Path file, long[] shape, float[] values) {
        checkShape(shape, values.length);
        return write(file, ElementType.FLOAT32, shape, values.length, (buffer, from, count) ->
                buffer.asFloatBuffer().put(values, from, count));
    }

    /** Writes int values atomically; see {@link #writeFloats(Path, long[], float[])}. */
    public static Header writeInts(Path file, long[] shape, int[] values) {
        checkShape(shape, values.length);
        return write(file, ElementType.INT32, shape, values.length, (buffer, from, count) ->
                buffer.asIntBuffer().put(values, from, count));
    }

    /**
     * Reads and checks a file of float32 values.
     *
     * @param file the file
     * @return the values, row-major; their shape is {@link #readHeader(Path)}'s
     * @throws StoreException when the file is missing, not an array file, of another element type, truncated,
     *                        too long, or its checksum does not match
     */
    public static float[] readFloats(Path file) {
        return read(file, ElementType.FLOAT32, float[]::new,
                values -> (buffer, from, count) -> buffer.asFloatBuffer().get(values, from, count));
    }

    /** Reads and checks a file of int32 values; see {@link #readFloats(Path)}. */
    public static int[] readInts(Path file) {
        return read(file, ElementType.INT32, int[]::new,
                values -> (buffer, from, count) -> buffer.asIntBuffer().get(values, from, count));
    }

    private static <A> A read(Path file, ElementType type, IntFunction<A> allocate, Function<A, BlockCopy> drainInto) {
        try (FileChannel channel = open(file)) {
            Header header = readHeader(file, channel);
            requireType(file, header, type);
            A values = allocate.apply(toIntCount(file, header));
            readPayload(file, channel, header, drainInto.apply(values));
            return values;
        } catch (IOException e) {
            throw new StoreException(file, "could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks a file's header and its length, without reading or checking the values.
     *
     * @throws StoreException when the file is missing, not an array file, or its length disagrees with the header
     */
    public static Header readHeader(Path file) {
        try (FileChannel channel = open(file)) {
            return readHeader(file, channel);
        } catch (IOException e) {
            throw new StoreException(file, "could not be read: " + e.getMessage(), e);
        }
    }

    /** Moves values between a little-endian block buffer and a Java array. */
    @FunctionalInterface
    private interface BlockCopy {
        void copy(ByteBuffer block, int from, int count);
    }

    private static Header write(Path file, ElementType type, long[] shape, int count, BlockCopy fill) {
        int headerBytes = headerBytes(shape.length);
        long[] checksum = new long[1];
        AtomicFiles.writeChannel(file, channel -> {
            channel.position(headerBytes);
            CRC32C crc = new CRC32C();
            ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            int perBlock = BLOCK_BYTES / Integer.BYTES;
            for (int from = 0; from < count; from += perBlock) {
                int n = Math.min(perBlock, count - from);
                block.clear();
                fill.copy(block, from, n);
                block.limit(n * Integer.BYTES);
                crc.update(block);
                block.flip();
                while (block.hasRemaining()) {
                    channel.write(block);
                }
            }
            checksum[0] = crc.getValue();
            ByteBuffer header = encodeHeader(type, shape, checksum[0]);
            channel.position(0);
            while (header.hasRemaining()) {
                channel.write(header);
            }
        });
        return new Header(type, shape, checksum[0], headerBytes, (long) count * Integer.BYTES);
    }

    private static ByteBuffer encodeHeader(ElementType type, long[] shape, long checksum) {
        ByteBuffer header = ByteBuffer.allocate(headerBytes(shape.length)).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(FORMAT_VERSION).putInt(type.code).putInt(shape.length);
        for (long d : shape) {
            header.putLong(d);
        }
        header.putLong(checksum);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue());
        header.flip();
        return header;
    }

    private static int headerBytes(int rank) {
        return MAGIC.length + 3 * Integer.BYTES + rank * Long.BYTES + Long.BYTES + Integer.BYTES;
    }

    private static FileChannel open(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StoreException(file, "is missing", e);
        } catch (IOException e) {
            throw new StoreException(file, "could not be opened: " + e.getMessage(), e);
        }
    }

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        int fixed = MAGIC.length + 3 * Integer.BYTES;
        if (size < fixed) {
            throw new StoreException(file, "is truncated: " + size + " bytes, too short for an array file header");
        }
        ByteBuffer start = readFully(channel, 0, fixed);
        byte[] magic = new byte[MAGIC.length];
        start.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new StoreException(file, "is not an Exitbench array file (wrong magic bytes)");
        }
        int version = start.getInt();
        int typeCode = start.getInt();
        int rank = start.getInt();
        if (rank < 1 || rank > MAX_RANK) {
            throw new StoreException(file, "has a corrupt header: rank " + rank + " is outside 1.." + MAX_RANK);
        }
        int headerBytes = headerBytes(rank);
        if (size < headerBytes) {
            throw new StoreException(file, "is truncated: " + size + " bytes, shorter than its " + headerBytes
                    + "-byte header");
        }
        ByteBuffer header = readFully(channel, 0, headerBytes);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, headerBytes - Integer.BYTES);
        int storedHeaderCrc = header.getInt(headerBytes - Integer.BYTES);
        if ((int) crc.getValue() != storedHeaderCrc) {
            throw new StoreException(file, "has a corrupt header (header checksum mismatch)");
        }
        if (version != FORMAT_VERSION) {
            throw new StoreException(file, "has array format version " + version + "; this version of Exitbench "
                    + "reads version " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? " (written by a newer Exitbench)" : ""));
        }
        ElementType type = ElementType.ofCode(typeCode);
        if (type == null) {
            throw new StoreException(file, "has an unknown element type code " + typeCode);
        }
        long[] shape = new long[rank];
        header.position(fixed);
        for (int i = 0; i < rank; i++) {
            shape[i] = header.getLong();
            if (shape[i] < 0) {
                throw new StoreException(file, "has a corrupt header: negative dimension " + shape[i]);
            }
        }
        long checksum = header.getLong();
        long payloadBytes;
        try {
            payloadBytes = Math.multiplyExact(Header.elementCount(shape), (long) Integer.BYTES);
        } catch (ArithmeticException e) {
            throw new StoreException(file, "has a corrupt header: shape " + Arrays.toString(shape) + " is too large");
        }
        Header result = new Header(type, shape, checksum, headerBytes, payloadBytes);
        if (size < result.fileBytes()) {
            throw new StoreException(file, "is truncated: " + size + " bytes, but its header promises "
                    + result.fileBytes() + " (" + type + " " + Arrays.toString(shape) + ")");
        }
        if (size > result.fileBytes()) {
            throw new StoreException(file, "is corrupt: " + size + " bytes, but its header promises only "
                    + result.fileBytes());
        }
        return result;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        buffer.flip();
        return buffer;
    }

    private static void readPayload(Path file, FileChannel channel, Header header, BlockCopy drain)
            throws IOException {
        int count = (int) header.elementCount();
        CRC32C crc = new CRC32C();
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perBlock = BLOCK_BYTES / Integer.BYTES;
        long position = header.headerBytes();
        for (int from = 0; from < count; from += perBlock) {
            int n = Math.min(perBlock, count - from);
            block.clear();
            block.limit(n * Integer.BYTES);
            while (block.hasRemaining()) {
                int read = channel.read(block, position + block.position());
                if (read < 0) {
                    throw new StoreException(file, "is truncated: it ended while reading its values");
                }
            }
            position += block.limit();
            block.flip();
            crc.update(block);
            block.flip();
            drain.copy(block, from, n);
        }
        if (crc.getValue() != header.checksum()) {
            throw new StoreException(file, "is corrupt: checksum mismatch (stored crc32c "
                    + Long.toHexString(header.checksum()) + ", content " + Long.toHexString(crc.getValue()) + ")");
        }
    }

    private static void requireType(Path file, Header header, ElementType expected) {
        if (header.type() != expected) {
            throw new StoreException(file, "holds " + header.type() + " values, expected " + expected);
        }
    }

    private static int toIntCount(Path file, Header header) {
        long count = header.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new StoreException(file, "holds " + count + " values, more than one Java array can take");
        }
        return (int) count;
    }

    private static void checkShape(long[] shape, int length) {
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank must be 1.." + MAX_RANK + ", was " + shape.length);
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
        }
        if (Header.elementCount(shape) != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
                    + Header.elementCount(shape) + " values, the array has " + length);
        }
    }
}
