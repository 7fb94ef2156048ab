package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import org.junit.jupiter.api.Test;

class SerialFilterTest {

    @Test
    void theFilterRejectsEveryClassBeforeItsReadObjectRuns() throws IOException {
        SerializationProbe.READS.set(0);
        byte[] bytes = SerializationProbe.bytes();
        try (ObjectInputStream unfiltered = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            // The control, unless the JVM already runs with the process-wide filter.
            if (unfiltered.getObjectInputFilter() == null) {
                unfiltered.readObject();
                assertEquals(1, SerializationProbe.READS.getAndSet(0));
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(SerialFilter.DENY_ALL);
            assertThrows(InvalidClassException.class, in::readObject);
        }
        assertEquals(0, SerializationProbe.READS.get());
    }
}
