package org.exitbench.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import onnx.Onnx;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.BackboneFileException;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.MacTable;
import org.exitbench.store.AtomicFiles;

/**
 * An imported ONNX model as a frozen backbone, run by ONNX Runtime: the checked, self-contained model, its
 * inspected graph, the class names and normalisation it needs and its exit tensors.
 *
 * <p>What the graph does not say (class names, mean and std, the layout, the image size of a model with a dynamic
 * one, the exits) comes from the caller's {@link Settings} or else from the model's {@code metadata_props}
 * ({@value #CLASSES}, {@value #MEAN}, …). {@link #save} writes a model with all of them in its metadata, so an
 * imported backbone is one file that every command and pane can load without further arguments.
 */
public final class OnnxBackbone implements Backbone {

    /** Metadata key: class names, comma-separated, index = logit. */
    public static final String CLASSES = "exitbench.classes";
    /** Metadata key: per-channel mean of pixel / 255, comma-separated. */
    public static final String MEAN = "exitbench.mean";
    /** Metadata key: per-channel standard deviation of pixel / 255, comma-separated. */
    public static final String STD = "exitbench.std";
    /** Metadata key: NCHW or NHWC. */
    public static final String LAYOUT = "exitbench.layout";
    /** Metadata key: the image size HxW, for models with a dynamic one. */
    public static final String INPUT_SIZE = "exitbench.input_size";
    /** Metadata key: the exit tensors, one per line, shallow to deep. */
    public static final String EXITS = "exitbench.exits";

    /**
     * What the caller states about a model; null fields are read from its metadata.
     *
     * @param inputSize  H and W, for a model with a dynamic image size
     * @param classNames class names, index = logit
     * @param mean       per-channel mean of pixel / 255
     * @param std        per-channel standard deviation of pixel / 255
     * @param layout     the layout the caller expects (checked against the graph)
     * @param exits      exit tensors, shallow to deep; null for the metadata's, else the defaults
     */
    public record Settings(int[] inputSize, List<String> classNames, double[] mean, double[] std,
                           OnnxGraph.Layout layout, List<String> exits) {

        /** Everything from the model's metadata, default exits where it names none. */
        public static Settings fromMetadata() {
            return new Settings(null, null, null, null, null, null);
        }
    }

    private final Path file;
    private final OnnxGraph graph;
    private final List<String> classNames;
    private final ChannelStats stats;
    private final ExitPoints exitPoints;
    private final Map<String, String> provenance;
    private final String fingerprint;

    private OnnxBackbone(Path file, OnnxGraph graph, List<String> classNames, ChannelStats stats,
                         ExitPoints exitPoints, Map<String, String> provenance, String fingerprint) {
        this.file = file;
        this.graph = graph;
        this.classNames = List.copyOf(classNames);
        this.stats = stats;
        this.exitPoints = exitPoints;
        this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        this.fingerprint = fingerprint;
    }

    /** Loads a model whose metadata says everything (an imported one, or the fixture). */
    public static OnnxBackbone load(Path file) {
        return load(file, Settings.fromMetadata());
    }

    /**
     * Reads, checks and inspects a model.
     *
     * @throws BackboneFileException naming the file and the problem: not an ONNX model, truncated, unrunnable,
     *                               more than one input, a dynamic size with no input size, no class names or
     *                               normalisation, a class count or channel count that does not match, an exit
     *                               that is no tensor or does not cut the graph
     */
    public static OnnxBackbone load(Path file, Settings settings) {
        Onnx.ModelProto model = OnnxModelFile.read(file);
        Map<String, String> metadata = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));

        OnnxGraph.Layout layout = settings.layout() != null ? settings.layout()
                : metadata.containsKey(LAYOUT) ? parseLayout(file, metadata.get(LAYOUT)) : null;
        int[] inputSize = settings.inputSize() != null ? settings.inputSize()
                : metadata.containsKey(INPUT_SIZE) ? parseSize(file, metadata.get(INPUT_SIZE)) : null;
        OnnxGraph graph = OnnxGraph.inspect(file, model, inputSize, layout);

        List<String> classes = settings.classNames() != null ? settings.classNames()
                : metadata.containsKey(CLASSES) ? splitList(metadata.get(CLASSES), ",") : null;
        if (classes == null) {
            throw new BackboneFileException(file, "names no classes: give them (--classes a,b,…) or put them in "
                    + "its metadata_props as " + CLASSES);
        }
        if (classes.size() != graph.numClasses()) {
            throw new BackboneFileException(file, "gives " + graph.numClasses() + " logits, but " + classes.size()
                    + " class names were given (" + String.join(", ", classes) + ")");
        }
        double[] mean = settings.mean() != null ? settings.mean()
                : metadata.containsKey(MEAN) ? parseDoubles(file, MEAN, metadata.get(MEAN)) : null;
        double[] std = settings.std() != null ? settings.std()
                : metadata.containsKey(STD) ? parseDoubles(file, STD, metadata.get(STD)) : null;
        if (mean == null || std == null) {
            throw new BackboneFileException(file, "states no input normalisation: give --mean and --std (per "
                    + "channel, of pixel / 255) or put them in its metadata_props as " + MEAN + " and " + STD);
        }
        int channels = graph.input().channels();
        mean = perChannel(file, "mean", mean, channels);
        std = perChannel(file, "std", std, channels);
        for (double s : std) {
            if (!(s > 0)) {
                throw new BackboneFileException(file, "std must be positive, was " + Arrays.toString(std));
            }
        }
        ChannelStats stats = new ChannelStats(mean, std);

        List<String> exits = settings.exits() != null ? settings.exits()
                : metadata.containsKey(EXITS) ? splitList(metadata.get(EXITS), "\n")
                : graph.defaultExits(OnnxGraph.DEFAULT_EXIT_COUNT);
        if (exits.isEmpty()) {
            throw new BackboneFileException(file, "has no feature map that cuts its graph before the output, so no "
                    + "exit can attach");
        }
        graph.checkExits(exits);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("file", file.toString());
        if (!model.getProducerName().isEmpty()) {
            provenance.put("producer", (model.getProducerName() + " " + model.getProducerVersion()).trim());
        }
        metadata.forEach((k, v) -> {
            if (!k.startsWith("exitbench.") || k.equals("exitbench.test_accuracy")) {
                provenance.put(k, v);
            }
        });
        return new OnnxBackbone(file, graph, classes, stats, new ExitPoints(exits), provenance,
                fingerprint(model, graph, classes, stats));
    }

    private static String fingerprint(Onnx.ModelProto model, OnnxGraph graph, List<String> classes,
                                      ChannelStats stats) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        digest.update("exitbench-onnx-backbone-fingerprint-v1\n".getBytes(StandardCharsets.UTF_8));
        // The graph and weights without the metadata, so writing exitbench.* keys keeps the fingerprint.
        digest.update(model.getGraph().toByteArray());
        OnnxGraph.Input in = graph.input();
        digest.update((in.layout() + " " + in.channels() + "x" + in.height() + "x" + in.width() + "\n"
                + String.join("\n", classes)).getBytes(StandardCharsets.UTF_8));
        ByteBuffer numbers = ByteBuffer.allocate(16 * stats.channels()).order(ByteOrder.LITTLE_ENDIAN);
        for (double m : stats.mean()) {
            numbers.putDouble(m);
        }
        for (double s : stats.std()) {
            numbers.putDouble(s);
        }
        digest.update(numbers.array());
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Writes the self-contained model with everything Exitbench needs in its metadata_props (class names,
     * normalisation, layout, image size, exits), so {@link #load(Path)} restores this backbone from it alone.
     */
    public void save(Path target) {
        Map<String, String> metadata = new LinkedHashMap<>();
        graph.model().getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));
        metadata.put(CLASSES, String.join(",", classNames));
        metadata.put(MEAN, joinDoubles(stats.mean()));
        metadata.put(STD, joinDoubles(stats.std()));
        metadata.put(LAYOUT, graph.input().layout().name());
        metadata.put(INPUT_SIZE, graph.input().height() + "x" + graph.input().width());
        metadata.put(EXITS, String.join("\n", exitPoints.vertices()));
        Onnx.ModelProto.Builder model = graph.model().toBuilder().clearMetadataProps();
        metadata.forEach((k, v) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k)
                .setValue(v)));
        AtomicFiles.writeBytes(target, model.build().toByteArray());
    }

    /**
     * Refuses a dataset whose images or classes do not fit, before any long work.
     *
     * @throws BackboneFileException naming the file and what differs (with a hint when the layout looks swapped)
     */
    public void checkFits(Dataset dataset) {
        List<String> differences = new ArrayList<>();
        OnnxGraph.Input in = graph.input();
        if (dataset.channels() != in.channels() || dataset.height() != in.height() || dataset.width() != in.width()) {
            String text = "the model takes " + in.channels() + "×" + in.height() + "×" + in.width()
                    + " images (channels×height×width, input " + in.describe() + "), the dataset's are "
                    + dataset.channels() + "×" + dataset.height() + "×" + dataset.width();
            if (in.layout() == OnnxGraph.Layout.NCHW && in.width() == dataset.channels()
                    && in.channels() == dataset.width()) {
                text += "; the input looks NHWC, but the graph feeds it straight to an NCHW convolution: re-export "
                        + "it taking NCHW images";
            }
            differences.add(text);
        }
        if (dataset.numClasses() != classNames.size()) {
            differences.add("the model knows " + classNames.size() + " classes, the dataset has "
                    + dataset.numClasses());
        } else if (!dataset.classNames().equals(classNames)) {
            differences.add("its classes (" + String.join(", ", classNames) + ") differ from the dataset's ("
                    + String.join(", ", dataset.classNames()) + ")"
                    + (classNames.containsAll(dataset.classNames()) ? ": the same names in another order" : ""));
        }
        if (!differences.isEmpty()) {
            throw new BackboneFileException(file, "does not fit the dataset " + dataset.root() + ": "
                    + String.join("; ", differences));
        }
    }

    /** @return the graph cut into segments at this backbone's exits */
    public OnnxSegments.Segments segments() {
        return OnnxSegments.cut(graph, exitPoints.vertices());
    }

    @Override
    public OnnxBackbone withExitPoints(ExitPoints newExitPoints) {
        graph.checkExits(newExitPoints.vertices());
        return new OnnxBackbone(file, graph, classNames, stats, newExitPoints, provenance, fingerprint);
    }

    @Override
    public BackboneFeatures features(FeaturePooling pooling, int batchSize, int threads) {
        return new OnnxFeatureExtractor(this, pooling, batchSize, threads);
    }

    @Override
    public MacTable macTable() {
        return graph.macTable(exitPoints);
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public ChannelStats stats() {
        return stats;
    }

    @Override
    public ExitPoints exitPoints() {
        return exitPoints;
    }

    @Override
    public Map<String, String> provenance() {
        return provenance;
    }

    @Override
    public int inputChannels() {
        return graph.input().channels();
    }

    @Override
    public int inputHeight() {
        return graph.input().height();
    }

    @Override
    public int inputWidth() {
        return graph.input().width();
    }

    @Override
    public String describe() {
        // The file name comes first and alone before a comma: the app's top bar shows that part.
        return String.format(Locale.ROOT, "ONNX %s, input %s, %d classes, %,d MACs", file.getFileName(),
                graph.input().describe(), classNames.size(), graph.totalMacs());
    }

    /** @return the model file */
    public Path file() {
        return file;
    }

    /** @return the inspected graph */
    public OnnxGraph graph() {
        return graph;
    }

    private static OnnxGraph.Layout parseLayout(Path file, String text) {
        try {
            return OnnxGraph.Layout.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BackboneFileException(file, "its metadata " + LAYOUT + " is '" + text + "', not NCHW or NHWC");
        }
    }

    /**
     * Parses "HxW" (or a single number for a square).
     *
     * @throws BackboneFileException when it is not that
     */
    public static int[] parseSize(Path file, String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("[x×,]");
        try {
            int h = Integer.parseInt(parts[0].trim());
            int w = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : h;
            if (parts.length > 2 || h < 1 || w < 1 || h > 8192 || w > 8192) {
                throw new NumberFormatException(text);
            }
            return new int[] {h, w};
        } catch (NumberFormatException e) {
            throw new BackboneFileException(file, "the input size '" + text + "' is not HxW (e.g. 32x32)");
        }
    }

    private static double[] parseDoubles(Path file, String key, String text) {
        try {
            return splitList(text, ",").stream().mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new BackboneFileException(file, key + " '" + text + "' is not a comma-separated list of numbers");
        }
    }

    private static double[] perChannel(Path file, String what, double[] values, int channels) {
        if (values.length == channels) {
            return values;
        }
        if (values.length == 1) {
            double[] all = new double[channels];
            Arrays.fill(all, values[0]);
            return all;
        }
        throw new BackboneFileException(file, "takes " + channels + "-channel images, but " + values.length
                + " " + what + " values were given (" + Arrays.toString(values) + ")");
    }

    private static List<String> splitList(String text, String separator) {
        List<String> items = new ArrayList<>();
        for (String s : text.split(java.util.regex.Pattern.quote(separator))) {
            if (!s.isBlank()) {
                items.add(s.trim());
            }
        }
        return items;
    }

    private static String joinDoubles(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(Double.toString(v));
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxBackbone other && fingerprint.equals(other.fingerprint)
                && exitPoints.equals(other.exitPoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fingerprint, exitPoints);
    }
}
