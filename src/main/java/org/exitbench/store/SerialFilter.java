package org.exitbench.store;

import java.io.ObjectInputFilter;

/**
 * The second wall against Java deserialization: a process-wide filter that rejects every class, so that even if
 * some library on the class path (DL4J's {@code ModelSerializer} is one) reached {@code ObjectInputStream} with
 * bytes from a file, no object would be built. Exitbench itself never deserializes Java objects (model zips go
 * through {@code org.exitbench.model.SafeModelZip}); nothing it does needs Java deserialization, so rejecting all
 * of it costs nothing.
 *
 * <p>The app's launchers also pass {@code -Djdk.serialFilter=!*} to the JVM, which the JDK applies before any code
 * runs; {@link #install()} covers the command line (whose {@code sweep --spark} needs Java serialization for Spark's
 * own traffic, see {@link #allowClusterTraffic()}) and JVMs started without it (an IDE, {@code java -cp}).
 */
public final class SerialFilter {

    /** The filter pattern: reject every class. */
    public static final String PATTERN = "!*";
    /** The filter itself, for an individual stream or for tests. */
    public static final ObjectInputFilter DENY_ALL = ObjectInputFilter.Config.createFilter(PATTERN);

    private static volatile boolean clusterTrafficAllowed;

    /**
     * The process-wide filter: {@link #DENY_ALL}, until a sweep on Spark {@linkplain #allowClusterTraffic() opens
     * it} for the Java-serialized tasks and results Spark exchanges with its own executors.
     */
    private static final ObjectInputFilter PROCESS = info -> clusterTrafficAllowed
            ? ObjectInputFilter.Status.UNDECIDED : DENY_ALL.checkInput(info);

    private SerialFilter() {
    }

    /**
     * Lets Java deserialization through for the rest of this process, for Spark: its driver deserializes the tasks'
     * results with Java serialization. That traffic comes from the cluster the user chose, not from a file; model
     * zips and every other user file are still read without {@code ObjectInputStream}. Only {@code sweep --spark}
     * calls this.
     */
    public static void allowClusterTraffic() {
        clusterTrafficAllowed = true;
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
        ObjectInputFilter.Config.setSerialFilter(PROCESS);
        return true;
    }
}
