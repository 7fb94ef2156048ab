package org.exitbench.store;

import java.io.ObjectInputFilter;

/**
 * The second wall against Java deserialization: a process-wide filter that rejects every class, so that even if
 * some library on the class path (DL4J's {@code ModelSerializer} is one) reached {@code ObjectInputStream} with
 * bytes from a file, no object would be built. Exitbench itself never deserializes Java objects (model zips go
 * through {@code org.exitbench.model.SafeModelZip}); nothing it does needs Java deserialization, so rejecting all
 * of it costs nothing.
 *
 * <p>The launchers also pass {@code -Djdk.serialFilter=!*} to the JVM, which the JDK applies before any code runs;
 * {@link #install()} covers the cases where the JVM was started without it (an IDE, {@code java -cp}).
 */
public final class SerialFilter {

    /** The filter pattern: reject every class. */
    public static final String PATTERN = "!*";
    /** The filter itself, for an individual stream or for tests. */
    public static final ObjectInputFilter DENY_ALL = ObjectInputFilter.Config.createFilter(PATTERN);

    private SerialFilter() {
    }

    /**
     * Installs {@link #DENY_ALL} as the process-wide filter unless one is already set (by {@code jdk.serialFilter},
     * which is then respected: the JDK forbids replacing it).
     *
     * @return true when this call installed it
     */
    public static synchronized boolean install() {
        if (ObjectInputFilter.Config.getSerialFilter() != null) {
            return false;
        }
        ObjectInputFilter.Config.setSerialFilter(DENY_ALL);
        return true;
    }
}
