package org.exitbench.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.store.BoundedRead;
import org.exitbench.store.InputLimits;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;
import org.nd4j.common.primitives.Triple;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a DL4J model zip (as DL4J's {@code ModelSerializer} writes it) without Java deserialization, the only way
 * Exitbench loads a network from a file. DL4J's own restore methods call
 * {@code ObjectInputStream.readObject} on a {@value #PREPROCESSOR_BIN} entry, so any model zip a user downloads
 * could run code through a gadget chain on the class path. This reader opens only:
 * <ul>
 *   <li>{@value #CONFIGURATION_JSON}: DL4J's JSON configuration, after checking that every {@code "@class"} it
 *       names is one of DL4J's, ND4J's or Exitbench's own classes (Jackson instantiates those classes);</li>
 *   <li>{@value #COEFFICIENTS_BIN} and {@value #UPDATER_BIN}: arrays in ND4J's binary format ({@code Nd4j.write}:
 *       a shape buffer and a data buffer, each a small header and big-endian numbers, no Java serialization),
 *       whose headers are checked against the parameter count the configuration implies before ND4J allocates
 *       anything, so a header cannot ask for more memory than the network needs.</li>
 * </ul>
 * A {@value #PREPROCESSOR_BIN} entry (a Java-serialized object, and a network that needs it expects inputs
 * Exitbench would not give it) is refused with a message; every other entry (DL4J's {@code normalizer.bin},
 * Exitbench's own metadata, which its owner reads as JSON) is never opened. Every entry read is capped by
 * {@link InputLimits}, counting the bytes as they are inflated.
 */
public final class SafeModelZip {

    /** DL4J's configuration entry. */
    public static final String CONFIGURATION_JSON = "configuration.json";
    /** DL4J's parameters entry. */
    public static final String COEFFICIENTS_BIN = "coefficients.bin";
    /** DL4J's updater state entry (ND4J binary, not Java serialization). */
    public static final String UPDATER_BIN = "updaterState.bin";
    /** DL4J's marker for a network without parameters. */
    public static final String NO_PARAMS_MARKER = "noParams.marker";
    /** DL4J's Java-serialized data preprocessor: refused. */
    public static final String PREPROCESSOR_BIN = "preprocessor.bin";

    /** Packages whose classes a configuration may name; Jackson instantiates what {@code "@class"} says. */
    private static final List<String> ALLOWED_CLASS_PREFIXES = List.of("org.deeplearning4j.nn.", "org.nd4j.linalg.",
            "org.exitbench.");
    /** ND4J shape buffers hold rank, shape, strides and three more numbers; ND4J supports up to rank 32. */
    private static final int MAX_RANK = 32;

    private SafeModelZip() {
    }

    /**
     * Reads a ComputationGraph from a model zip file.
     *
     * @param file        the zip
     * @param withUpdater also restore the updater state when the file has one (needed only to continue training)
     * @throws StoreException naming the file and the problem: missing, not a zip, no model, a refused entry, an entry
     *                        over the limit, or a configuration or array that does not fit
     */
    public static ComputationGraph read(Path file, boolean withUpdater) {
        return read(file, withUpdater, InputLimits.current());
    }

    /** As {@link #read(Path, boolean)}, with explicit limits. */
    public static ComputationGraph read(Path file, boolean withUpdater, InputLimits limits) {
        if (!Files.exists(file)) {
            throw new StoreException(file, "does not exist");
        }
        Map<String, byte[]> entries = new HashMap<>();
        Set<String> names = new HashSet<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : BoundedRead.checkedEntries(zip, file)) {
                names.add(entry.getName());
                if (wanted(entry.getName(), withUpdater)) {
                    entries.put(entry.getName(), BoundedRead.readEntry(zip, entry, limitFor(entry.getName(), limits),
                            file));
                }
            }
        } catch (ZipException e) {
            throw new StoreException(file, "is not a zip file, or is truncated (" + e.getMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new StoreException(file, "does not exist", e);
        } catch (IOException e) {
            throw new StoreException(file, "cannot be read: " + e.getMessage(), e);
        }
        return build(file, null, names, entries, withUpdater, limits);
    }

    /**
     * Reads a ComputationGraph from a model zip held in memory, e.g. an entry of a cascade file.
     *
     * @param bytes the model zip's bytes
     * @param file  the file it came from, named in messages
     * @param entry the entry of {@code file} that held it, named in messages
     */
    public static ComputationGraph read(byte[] bytes, Path file, String entry, InputLimits limits) {
        Map<String, byte[]> entries = new HashMap<>();
        Set<String> names = new HashSet<>();
        String where = "the entry " + entry;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry inner;
            // Skipped entries are inflated too (a stream has no directory to jump with), so their bytes count
            // against the same cap as the ones kept.
            long budget = limits.maxEntryBytes();
            while ((inner = zip.getNextEntry()) != null) {
                String name = inner.getName();
                if (!BoundedRead.safeName(name) || !names.add(name)) {
                    throw new StoreException(file, where + " is a model zip with an unsafe or repeated entry name ('"
                            + name + "')");
                }
                long cap = Math.min(budget, wanted(name, true) ? limitFor(name, limits) : budget);
                byte[] content = BoundedRead.readAll(zip, cap, file, entry + "!/" + name);
                budget -= content.length;
                if (wanted(name, true)) {
                    entries.put(name, content);
                }
            }
        } catch (ZipException e) {
            throw new StoreException(file, where + " is not a readable model zip (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new StoreException(file, where + " cannot be read: " + e.getMessage(), e);
        }
        return build(file, entry, names, entries, true, limits);
    }

    private static boolean wanted(String name, boolean withUpdater) {
        return name.equals(CONFIGURATION_JSON) || name.equals(COEFFICIENTS_BIN)
                || (withUpdater && name.equals(UPDATER_BIN));
    }

    private static long limitFor(String name, InputLimits limits) {
        return name.equals(CONFIGURATION_JSON) ? limits.maxJsonBytes() : limits.maxEntryBytes();
    }

    private static ComputationGraph build(Path file, String outer, Set<String> names, Map<String, byte[]> entries,
                                          boolean withUpdater, InputLimits limits) {
        String where = outer == null ? "" : "the entry " + outer + " ";
        if (names.contains(PREPROCESSOR_BIN)) {
            throw new StoreException(file, where + "holds " + PREPROCESSOR_BIN + ", a Java-serialized object: "
                    + "Exitbench never deserializes Java objects from files (they can run code), and a network that "
                    + "needs a preprocessor expects inputs Exitbench does not give it; save the model without it");
        }
        byte[] json = entries.get(CONFIGURATION_JSON);
        if (json == null) {
            throw new StoreException(file, where + "has no DL4J model in it (" + CONFIGURATION_JSON + " is missing)");
        }
        ComputationGraphConfiguration configuration = configuration(file, where, json);
        long expected = parameterCount(file, where, configuration);
        INDArray params = null;
        byte[] coefficients = entries.get(COEFFICIENTS_BIN);
        if (coefficients != null) {
            params = readArray(file, where + COEFFICIENTS_BIN, coefficients, expected);
        } else if (expected > 0 || !names.contains(NO_PARAMS_MARKER)) {
            throw new StoreException(file, where + "has no DL4J parameters in it (" + COEFFICIENTS_BIN
                    + " is missing)");
        }
        Dl4jEngine.initialize();
        ComputationGraph graph;
        try {
            if (params != null) {
                configuration.setDataType(params.dataType());
            }
            graph = new ComputationGraph(configuration);
            graph.init(params, false);
        } catch (RuntimeException e) {
            throw new StoreException(file, where + "holds a DL4J configuration that does not build a network: "
                    + e.getMessage(), e);
        }
        byte[] updater = entries.get(UPDATER_BIN);
        if (withUpdater && updater != null && graph.getUpdater() != null) {
            INDArray view = graph.getUpdater().getStateViewArray();
            long size = view == null ? 0 : view.length();
            if (size > 0) {
                graph.getUpdater().setStateViewArray(readArray(file, where + UPDATER_BIN, updater, size));
            }
        }
        return graph;
    }

    private static ComputationGraphConfiguration configuration(Path file, String where, byte[] json) {
        JsonNode tree;
        try {
            tree = JsonDocuments.newMapper().readTree(json);
        } catch (IOException e) {
            throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " that is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " that is not a JSON object");
        }
        if (!tree.has("vertices")) {
            String kind = tree.has("confs") ? "a MultiLayerNetwork; Exitbench reads ComputationGraphs" : "not a "
                    + "DL4J ComputationGraph configuration (no \"vertices\")";
            throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " that is " + kind);
        }
        checkClasses(file, where, tree);
        try {
            return ComputationGraphConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " that DL4J cannot read: "
                    + e.getMessage(), e);
        }
    }

    /** Refuses a configuration naming, in any {@code "@class"}, a class outside DL4J's and ND4J's network code. */
    private static void checkClasses(Path file, String where, JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().startsWith("@") && field.getValue().isTextual()) {
                    String name = field.getValue().asText();
                    if (ALLOWED_CLASS_PREFIXES.stream().noneMatch(name::startsWith)) {
                        throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " naming the class "
                                + name + ", which is not a DL4J network class; refused, since reading it would "
                                + "instantiate that class");
                    }
                }
                checkClasses(file, where, field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                checkClasses(file, where, element);
            }
        }
    }

    private static long parameterCount(Path file, String where, ComputationGraphConfiguration configuration) {
        long total = 0;
        try {
            for (GraphVertex vertex : configuration.getVertices().values()) {
                total += vertex.numParams(true);
            }
        } catch (RuntimeException e) {
            throw new StoreException(file, where + "has a " + CONFIGURATION_JSON + " whose layers are incomplete: "
                    + e.getMessage(), e);
        }
        return total;
    }

    /**
     * Reads one array written by {@code Nd4j.write}, after checking its two headers and its shape buffer against the
     * expected element count and the bytes actually present, so ND4J allocates only what the file really holds.
     */
    static INDArray readArray(Path file, String what, byte[] bytes, long expectedLength) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Triple<DataBuffer.AllocationMode, Long, DataType> shapeHeader = BaseDataBuffer.readHeader(in);
            long shapeLength = shapeHeader.getMiddle();
            DataType shapeType = shapeHeader.getRight();
            if (shapeType != DataType.LONG || shapeLength < 4 || shapeLength > 2L * MAX_RANK + 4) {
                throw bad(file, what, "its shape header is not ND4J's (" + shapeLength + " " + shapeType + ")");
            }
            long[] shapeInfo = new long[(int) shapeLength];
            for (int i = 0; i < shapeInfo.length; i++) {
                shapeInfo[i] = in.readLong();
            }
            Triple<DataBuffer.AllocationMode, Long, DataType> dataHeader = BaseDataBuffer.readHeader(in);
            long length = dataHeader.getMiddle();
            DataType type = dataHeader.getRight();
            if (type != DataType.FLOAT && type != DataType.DOUBLE && type != DataType.HALF) {
                throw bad(file, what, "it holds " + type + " numbers, not floating point ones");
            }
            if (length != expectedLength) {
                throw bad(file, what, "it holds " + length + " numbers where the configuration needs "
                        + expectedLength);
            }
            if ((long) in.available() != length * type.width()) {
                throw bad(file, what, "it declares " + length + " numbers but holds " + in.available() + " bytes");
            }
            checkShape(file, what, shapeInfo, length);
            return Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes))).detach();
        } catch (IOException | RuntimeException e) {
            if (e instanceof StoreException store) {
                throw store;
            }
            throw bad(file, what, "it is not an ND4J array (" + e.getMessage() + ")");
        }
    }

    private static void checkShape(Path file, String what, long[] info, long length) {
        long rank = info[0];
        if (rank < 1 || rank > MAX_RANK || info.length != 2 * rank + 4) {
            throw bad(file, what, "its shape buffer has an impossible rank " + rank);
        }
        long order = info[(int) (2 * rank + 3)];
        if (order != 'c' && order != 'f') {
            throw bad(file, what, "its shape buffer has an unknown order");
        }
        long product = 1;
        for (int i = 1; i <= rank; i++) {
            if (info[i] < 1) {
                throw bad(file, what, "its shape has a dimension of " + info[i]);
            }
            product = Math.multiplyExact(product, info[i]);
        }
        if (product != length) {
            throw bad(file, what, "its shape holds " + product + " numbers, its data " + length);
        }
        // Contiguous strides only: a stride pointing past the data would make ND4J read outside its buffer.
        long stride = 1;
        for (int k = 0; k < rank; k++) {
            int dim = order == 'c' ? (int) (rank - k) : k + 1;
            if (info[dim] > 1 && info[(int) rank + dim] != stride) {
                throw bad(file, what, "its shape buffer has strides that do not fit its data");
            }
            stride *= info[dim];
        }
    }

    private static StoreException bad(Path file, String what, String problem) {
        return new StoreException(file, "has an unusable " + what + ": " + problem);
    }
}
