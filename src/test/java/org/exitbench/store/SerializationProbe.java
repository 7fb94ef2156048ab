package org.exitbench.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A harmless stand-in for a deserialization gadget: Java deserialization of its bytes calls {@link #readObject},
 * which only counts. A test puts {@link #bytes()} into a file's entry, has Exitbench read the file, and checks
 * that {@link #READS} stayed at zero, i.e. that nothing ever handed those bytes to an {@code ObjectInputStream}.
 */
public final class SerializationProbe implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How many times any instance was deserialized in this JVM. */
    public static final AtomicInteger READS = new AtomicInteger();

    private final String marker = "exitbench-probe";

    /** @return the Java serialization of one probe, as a hostile {@code preprocessor.bin} would hold a gadget */
    public static byte[] bytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SerializationProbe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        READS.incrementAndGet();
    }

    @Override
    public String toString() {
        return marker;
    }
}
