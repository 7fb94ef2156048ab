package org.exitbench.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.model.BackboneFileException;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.MacTable;

/**
 * What Exitbench needs to know about an ONNX backbone: its image input (name, layout, size), its logits output,
 * the shape of every tensor, the exact multiply-accumulates of every node, and the <em>candidate exit points</em>:
 * feature maps that cut the graph, i.e. every path from the input to the output passes through them (the ends of
 * residual stages, typically; a tensor inside a residual block does not cut, since the shortcut bypasses it).
 *
 * <p>Shapes are not inferred op by op: the graph is run once by ONNX Runtime on one black image with every node
 * output declared a graph output, so every shape is exact for any operator ONNX Runtime runs. MACs are then counted
 * from the ONNX attributes and those shapes, for Conv (grouped and depthwise included), ConvTranspose, Gemm and
 * MatMul, the operators {@link org.exitbench.model.MacCounter} counts for DL4J networks (batch-norm, activations,
 * additions and pooling cost nothing in this convention, PAPER.md §6).
 */
public final class OnnxGraph {

    /** How many default exits a backbone gets, as CalexNet's three branches (PAPER.md §2.3). */
    public static final int DEFAULT_EXIT_COUNT = 3;

    /** The memory layout of the image input. Convolutions in ONNX are always NCHW. */
    public enum Layout {
        NCHW, NHWC
    }

    /**
     * The image input.
     *
     * @param name     the graph input's name
     * @param layout   its layout (NHWC when the graph transposes it to NCHW first)
     * @param channels C
     * @param height   H (given by the user when the model leaves it dynamic)
     * @param width    W
     * @param dims     the declared dimensions, as text ("N", "1", "32", "32"), in the input's own order
     */
    public record Input(String name, Layout layout, int channels, int height, int width, List<String> dims) {

        /** @return e.g. "input [N, 1, 32, 32] NCHW" */
        public String describe() {
            return name + " [" + String.join(", ", dims) + "] " + layout;
        }

        /** @return the input's shape for a batch of {@code n} images, in its layout */
        public long[] shape(long n) {
            return layout == Layout.NCHW ? new long[] {n, channels, height, width}
                    : new long[] {n, height, width, channels};
        }
    }

    /**
     * A feature map that cuts the graph, where an exit branch can attach.
     *
     * @param tensor         the tensor's name
     * @param opType         the operator that produces it (Relu, Conv, …)
     * @param channels       C of its C×H×W map
     * @param height         H
     * @param width          W
     * @param cumulativeMacs the MACs of every node it depends on, per image
     * @param share          {@code cumulativeMacs / total}
     * @param stageEnd       whether the next candidate has another shape (the end of a stage)
     */
    public record Candidate(String tensor, String opType, int channels, int height, int width, long cumulativeMacs,
                            double share, boolean stageEnd) {

        /** @return "C×H×W" */
        public String shapeText() {
            return channels + "×" + height + "×" + width;
        }
    }

    private final Path file;
    private final Onnx.ModelProto model;
    private final Input input;
    private final String output;
    private final int numClasses;
    private final Map<String, long[]> shapes;
    private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
    private final Map<Onnx.NodeProto, Long> nodeMacs = new LinkedHashMap<>();
    private final long totalMacs;
    private final List<Candidate> candidates;

    private OnnxGraph(Path file, Onnx.ModelProto model, Input input, String output, Map<String, long[]> shapes) {
        this.file = file;
        this.model = model;
        this.input = input;
        this.output = output;
        this.shapes = shapes;
        Onnx.GraphProto graph = model.getGraph();
        Map<String, long[]> weights = new HashMap<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            weights.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        for (Onnx.NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            nodeMacs.put(node, macs(node, shapes, weights));
        }
        long[] out = shapes.get(output);
        if (out == null || out.length != 2 || out[0] != 1) {
            throw new BackboneFileException(file, "its output '" + output + "' has shape " + text(out)
                    + " for one image; a backbone's output must be the logits, [N, classes]");
        }
        this.numClasses = (int) out[1];
        this.totalMacs = macsOf(ancestors(List.of(output), Set.of()));
        this.candidates = findCandidates();
    }

    /**
     * Inspects a model: finds its input and output, runs it once for the shapes, counts MACs and finds the candidate
     * exit points.
     *
     * @param file      the file the model came from, for messages
     * @param model     a model read by {@link OnnxModelFile}
     * @param inputSize H and W when the model leaves them dynamic (or to check fixed ones), else null
     * @param layoutHint the layout the user or the model's metadata states, or null
     * @throws BackboneFileException naming the file: more than one input, an input that is not an image, a dynamic
     *                               spatial size with no input size, a stated layout the graph contradicts, an output
     *                               that is not [N, classes], or a graph ONNX Runtime refuses
     */
    public static OnnxGraph inspect(Path file, Onnx.ModelProto model, int[] inputSize, Layout layoutHint) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<Onnx.ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new BackboneFileException(file, "has " + inputs.size() + " inputs ("
                    + String.join(", ", inputs.stream().map(Onnx.ValueInfoProto::getName).toList())
                    + "); a backbone takes exactly one image input");
        }
        if (graph.getOutputCount() != 1) {
            throw new BackboneFileException(file, "has " + graph.getOutputCount() + " outputs ("
                    + String.join(", ", graph.getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList())
                    + "); a backbone has exactly one, its logits");
        }
        Input input = imageInput(file, graph, inputs.get(0), inputSize, layoutHint);
        Map<String, long[]> shapes = probeShapes(file, model, input);
        return new OnnxGraph(file, model, input, graph.getOutput(0).getName(), shapes);
    }

    private static Input imageInput(Path file, Onnx.GraphProto graph, Onnx.ValueInfoProto value, int[] inputSize,
                                    Layout layoutHint) {
        String name = value.getName();
        if (!value.getType().hasTensorType()
                || value.getType().getTensorType().getElemType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
            throw new BackboneFileException(file, "its input '" + name + "' is not a float tensor; Exitbench feeds "
                    + "float32 images");
        }
        List<Onnx.TensorShapeProto.Dimension> dims = value.getType().getTensorType().getShape().getDimList();
        List<String> text = dims.stream().map(d -> d.hasDimValue() && d.getDimValue() > 0
                ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam()).toList();
        if (dims.size() != 4) {
            throw new BackboneFileException(file, "its input '" + name + "' has shape [" + String.join(", ", text)
                    + "]; a backbone takes images, [N, C, H, W] (or [N, H, W, C])");
        }
        long batch = fixed(dims.get(0));
        if (batch > 1) {
            throw new BackboneFileException(file, "its input '" + name + "' has a fixed batch size of " + batch
                    + "; export it with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={'" + name
                    + "': {0: 'N'}}))");
        }
        Layout layout = transposedToNchw(graph, name) ? Layout.NHWC : Layout.NCHW;
        if (layoutHint != null && layoutHint != layout) {
            throw new BackboneFileException(file, "is said to take " + layoutHint + " images, but its graph reads the"
                    + " input '" + name + "' [" + String.join(", ", text) + "] as " + layout
                    + (layout == Layout.NCHW ? " (its first convolution reads it directly)"
                    : " (it transposes it to NCHW first)") + "; drop the layout setting or fix the model");
        }
        int c = layout == Layout.NCHW ? 1 : 3;
        int h = layout == Layout.NCHW ? 2 : 1;
        int w = layout == Layout.NCHW ? 3 : 2;
        long channels = fixed(dims.get(c));
        if (channels <= 0) {
            throw new BackboneFileException(file, "its input '" + name + "' leaves the channel count dynamic");
        }
        long height = fixed(dims.get(h));
        long width = fixed(dims.get(w));
        if (inputSize != null) {
            if (height > 0 && height != inputSize[0] || width > 0 && width != inputSize[1]) {
                throw new BackboneFileException(file, "its input '" + name + "' is fixed at " + height + "×" + width
                        + " (" + layout + "), not the " + inputSize[0] + "×" + inputSize[1] + " asked for");
            }
            height = inputSize[0];
            width = inputSize[1];
        } else if (height <= 0 || width <= 0) {
            throw new BackboneFileException(file, "its input '" + name + "' [" + String.join(", ", text)
                    + "] leaves the image size dynamic; give it with --input-size HxW (e.g. 32x32)");
        }
        return new Input(name, layout, (int) channels, (int) height, (int) width, text);
    }

    private static long fixed(Onnx.TensorShapeProto.Dimension d) {
        return d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
    }

    /** Whether every node reading the input is a Transpose NHWC → NCHW, as exports from TensorFlow do. */
    private static boolean transposedToNchw(Onnx.GraphProto graph, String input) {
        boolean any = false;
        for (Onnx.NodeProto node : graph.getNodeList()) {
            if (node.getInputList().contains(input)) {
                boolean transpose = node.getOpType().equals("Transpose") && node.getAttributeList().stream()
                        .anyMatch(a -> a.getName().equals("perm") && a.getIntsList().equals(List.of(0L, 3L, 1L, 2L)));
                if (!transpose) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** Runs the model on one black image with every node output declared an output, and records the shapes. */
    private static Map<String, long[]> probeShapes(Path file, Onnx.ModelProto model, Input input) {
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> declared = new HashSet<>();
        graph.getOutputList().forEach(o -> declared.add(o.getName()));
        List<String> wanted = new ArrayList<>(declared);
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && declared.add(out)) {
                    // A name-only output: ONNX Runtime infers its type, which may be int64 (shape arithmetic).
                    graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(out));
                    wanted.add(out);
                }
            }
        }
        byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();
        Map<String, long[]> shapes = new HashMap<>();
        try (OrtSession session = OnnxRuntimeSessions.open(bytes, 1)) {
            long[] shape = input.shape(1);
            FloatBuffer zeros = FloatBuffer.allocate(input.channels() * input.height() * input.width());
            try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), zeros, shape);
                 OrtSession.Result result = session.run(Map.of(input.name(), x), new LinkedHashSet<>(wanted))) {
                for (Map.Entry<String, OnnxValue> entry : result) {
                    if (entry.getValue().getInfo() instanceof TensorInfo info) {
                        shapes.put(entry.getKey(), info.getShape());
                    }
                }
            }
        } catch (OrtException e) {
            throw new BackboneFileException(file, "ONNX Runtime cannot run it on a " + input.channels() + "×"
                    + input.height() + "×" + input.width() + " image: " + e.getMessage(), e);
        }
        return shapes;
    }

    /** The node's multiply-accumulates for one image (the probe ran with batch 1). */
    private static long macs(Onnx.NodeProto node, Map<String, long[]> shapes, Map<String, long[]> weights) {
        if (node.getOutputCount() == 0) {
            return 0;
        }
        long[] out = shapes.get(node.getOutput(0));
        switch (node.getOpType()) {
            case "Conv" -> {
                long[] w = dims(node.getInput(1), shapes, weights);
                if (out == null || w == null) {
                    return 0;
                }
                // W is [M, C/group, k1, k2, ...]: each output value needs C/group × k1 × k2 … products.
                long perOutput = 1;
                for (int i = 1; i < w.length; i++) {
                    perOutput *= w[i];
                }
                return numel(out) * perOutput;
            }
            case "ConvTranspose" -> {
                long[] x = shapes.get(node.getInput(0));
                long[] w = dims(node.getInput(1), shapes, weights);
                if (x == null || w == null) {
                    return 0;
                }
                // W is [C, M/group, k...]: every input value is scattered to M/group × k… outputs.
                long perInput = 1;
                for (int i = 1; i < w.length; i++) {
                    perInput *= w[i];
                }
                return numel(x) * perInput;
            }
            case "Gemm" -> {
                long[] a = dims(node.getInput(0), shapes, weights);
                if (out == null || a == null || a.length != 2) {
                    return 0;
                }
                boolean transA = node.getAttributeList().stream()
                        .anyMatch(at -> at.getName().equals("transA") && at.getI() != 0);
                return numel(out) * (transA ? a[0] : a[1]);
            }
            case "MatMul" -> {
                long[] a = dims(node.getInput(0), shapes, weights);
                if (out == null || a == null || a.length == 0) {
                    return 0;
                }
                return numel(out) * a[a.length - 1];
            }
            default -> {
                return 0;
            }
        }
    }

    private static long[] dims(String name, Map<String, long[]> shapes, Map<String, long[]> weights) {
        long[] d = weights.get(name);
        return d != null ? d : shapes.get(name);
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Nodes needed to compute {@code targets} when the tensors in {@code stops} are given. */
    Set<Onnx.NodeProto> ancestors(List<String> targets, Set<String> stops) {
        Set<Onnx.NodeProto> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(targets);
        Set<String> visited = new HashSet<>();
        while (!todo.isEmpty()) {
            String tensor = todo.pop();
            if (!visited.add(tensor) || stops.contains(tensor)) {
                continue;
            }
            Onnx.NodeProto producer = producers.get(tensor);
            if (producer != null && seen.add(producer)) {
                producer.getInputList().forEach(todo::push);
            }
        }
        return seen;
    }

    private long macsOf(Set<Onnx.NodeProto> nodes) {
        long sum = 0;
        for (Onnx.NodeProto node : nodes) {
            sum += nodeMacs.get(node);
        }
        return sum;
    }

    /** Whether the output can be computed from the input without passing through {@code blocked}. */
    private boolean reachableWithout(String blocked) {
        Set<String> reached = new HashSet<>();
        reached.add(input.name());
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            boolean fed = node.getInputList().stream().anyMatch(reached::contains);
            if (fed) {
                for (String out : node.getOutputList()) {
                    if (!out.equals(blocked)) {
                        reached.add(out);
                    }
                }
            }
        }
        return reached.contains(output);
    }

    /** @return whether every path from the input to the output passes through {@code tensor} */
    public boolean cuts(String tensor) {
        return producers.containsKey(tensor) && !tensor.equals(output) && !reachableWithout(tensor);
    }

    /**
     * Whether a convolution remains between the tensor and the output: a map after the last one (the globally
     * pooled map, say) is the head's input, and an exit there would save nothing.
     */
    private boolean convolutionFollows(String tensor) {
        Set<Onnx.NodeProto> before = ancestors(List.of(tensor), Set.of());
        for (Onnx.NodeProto node : ancestors(List.of(output), Set.of())) {
            if (!before.contains(node) && node.getOpType().startsWith("Conv")) {
                return true;
            }
        }
        return false;
    }

    private List<Candidate> findCandidates() {
        List<String> names = new ArrayList<>();
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                long[] shape = shapes.get(out);
                if (shape != null && shape.length == 4 && shape[0] == 1 && cuts(out)) {
                    names.add(out);
                }
            }
        }
        List<Candidate> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long[] s = shapes.get(name);
            boolean stageEnd = i + 1 < names.size() && !java.util.Arrays.equals(s, shapes.get(names.get(i + 1)));
            if (!convolutionFollows(name)) {
                continue;
            }
            long macs = macsOf(ancestors(List.of(name), Set.of()));
            found.add(new Candidate(name, producers.get(name).getOpType(), (int) s[1], (int) s[2], (int) s[3], macs,
                    totalMacs == 0 ? 0 : (double) macs / totalMacs, stageEnd));
        }
        return List.copyOf(found);
    }

    /**
     * The default exits: among the stage ends, the {@code count} (or fewer, when there are fewer stage ends) that
     * split the MACs most evenly, i.e. with the smallest largest segment (then the smallest sum of squares).
     */
    public List<String> defaultExits(int count) {
        List<Candidate> ends = candidates.stream().filter(Candidate::stageEnd).toList();
        if (ends.isEmpty()) {
            ends = candidates.subList(0, Math.max(0, candidates.size() - 1));
        }
        int k = Math.min(count, ends.size());
        if (k == 0) {
            return List.of();
        }
        int[] best = null;
        double[] bestScore = null;
        int[] pick = new int[k];
        for (int i = 0; i < k; i++) {
            pick[i] = i;
        }
        while (true) {
            double[] score = evenness(ends, pick);
            if (bestScore == null || score[0] < bestScore[0] - 1e-12
                    || Math.abs(score[0] - bestScore[0]) <= 1e-12 && score[1] < bestScore[1]) {
                best = pick.clone();
                bestScore = score;
            }
            int i = k - 1;
            while (i >= 0 && pick[i] == ends.size() - k + i) {
                i--;
            }
            if (i < 0) {
                break;
            }
            pick[i]++;
            for (int j = i + 1; j < k; j++) {
                pick[j] = pick[j - 1] + 1;
            }
        }
        List<String> exits = new ArrayList<>();
        for (int i : best) {
            exits.add(ends.get(i).tensor());
        }
        return exits;
    }

    private static double[] evenness(List<Candidate> ends, int[] pick) {
        double previous = 0;
        double max = 0;
        double squares = 0;
        for (int i = 0; i <= pick.length; i++) {
            double at = i < pick.length ? ends.get(pick[i]).share() : 1.0;
            double segment = at - previous;
            max = Math.max(max, segment);
            squares += segment * segment;
            previous = at;
        }
        return new double[] {max, squares};
    }

    /**
     * Checks exit tensors: each must be a candidate (a feature map that cuts the graph), listed shallow to deep.
     *
     * @throws BackboneFileException naming the file and the offending tensor, with the candidates
     */
    public void checkExits(List<String> exits) {
        long previous = -1;
        String previousName = null;
        for (String exit : exits) {
            Candidate c = candidate(exit);
            if (c == null) {
                String why;
                if (!shapes.containsKey(exit) || !producers.containsKey(exit)) {
                    why = "is not a tensor computed by the graph";
                } else if (shapes.get(exit).length != 4) {
                    why = "is not a feature map (its shape is " + text(shapes.get(exit)) + ")";
                } else {
                    why = "does not cut the graph: some path from the input to the output bypasses it (inside a "
                            + "residual block, the shortcut does)";
                }
                throw new BackboneFileException(file, "exit point '" + exit + "' " + why + "; the candidates are "
                        + String.join(", ", candidates.stream().map(Candidate::tensor).toList()));
            }
            int index = candidates.indexOf(c);
            if (index <= previous) {
                throw new BackboneFileException(file, "exit point '" + previousName + "' does not come before '"
                        + exit + "'; list exit points from shallow to deep");
            }
            previous = index;
            previousName = exit;
        }
    }

    /** @return the candidate for this tensor, or null */
    public Candidate candidate(String tensor) {
        for (Candidate c : candidates) {
            if (c.tensor().equals(tensor)) {
                return c;
            }
        }
        return null;
    }

    /** The MAC table for these exits, in the form the DL4J backbones give it. */
    public MacTable macTable(ExitPoints exits) {
        List<MacTable.LayerMacs> layers = new ArrayList<>();
        for (Map.Entry<Onnx.NodeProto, Long> e : nodeMacs.entrySet()) {
            Onnx.NodeProto node = e.getKey();
            long[] shape = node.getOutputCount() == 0 ? null : shapes.get(node.getOutput(0));
            layers.add(new MacTable.LayerMacs(node.getName().isEmpty() ? node.getOutput(0) : node.getName(),
                    node.getOpType(), shape == null ? "?" : shapeText(shape), e.getValue()));
        }
        List<MacTable.ExitMacs> rows = new ArrayList<>();
        for (int i = 0; i < exits.size(); i++) {
            Candidate c = candidate(exits.vertex(i));
            if (c == null) {
                checkExits(exits.vertices());
            }
            rows.add(new MacTable.ExitMacs(exits.label(i), c.tensor(), c.cumulativeMacs(), c.share()));
        }
        rows.add(new MacTable.ExitMacs(ExitPoints.FINAL, output, totalMacs, 1.0));
        return new MacTable(layers, rows, totalMacs);
    }

    private static String shapeText(long[] shape) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < shape.length; i++) {
            s.append(i > 1 ? "×" : "").append(shape[i]);
        }
        return s.toString();
    }

    private static String text(long[] shape) {
        return shape == null ? "unknown" : java.util.Arrays.toString(shape);
    }

    /** @return the file the model came from */
    public Path file() {
        return file;
    }

    /** @return the checked, self-contained model */
    public Onnx.ModelProto model() {
        return model;
    }

    public Input input() {
        return input;
    }

    /** @return the name of the logits output */
    public String output() {
        return output;
    }

    public int numClasses() {
        return numClasses;
    }

    /** @return the MACs of the whole graph per image */
    public long totalMacs() {
        return totalMacs;
    }

    /** @return the candidate exit points, shallow to deep */
    public List<Candidate> candidates() {
        return candidates;
    }

    /** @return the shape of a tensor for one image (batch 1), or null when it is not a tensor of the graph */
    public long[] shape(String tensor) {
        long[] s = shapes.get(tensor);
        return s == null ? null : s.clone();
    }

    /** @return the candidates as a readable table */
    public String candidatesText(List<String> ticked) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "  %-3s %-48s %-10s %-12s %15s %7s%n", "", "tensor", "op", "shape",
                "MACs before", "share"));
        for (Candidate c : candidates) {
            text.append(String.format(Locale.ROOT, "  %-3s %-48s %-10s %-12s %,15d %6.1f%%%n",
                    ticked.contains(c.tensor()) ? "[x]" : "[ ]", c.tensor(), c.opType(), c.shapeText(),
                    c.cumulativeMacs(), 100 * c.share()));
        }
        return text.toString();
    }
}
