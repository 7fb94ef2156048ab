package org.exitbench.deploy.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.data.ChannelStats;

/**
 * Assembles the files of an ONNX export from its parts, each a single-input, single-output model: the backbone
 * segments (normalised NCHW image → map at exit 1, …, map at exit K → class probabilities) and the exits (map →
 * branch probabilities). The parts come from DL4J networks ({@link Dl4jOnnxWriter}, {@link BranchOnnxWriter}) or,
 * for the backbone, from an imported ONNX model cut into segments; either way they are embedded with their tensor
 * names prefixed, so parts from anywhere combine.
 *
 * <p>The one-file cascade is a chain of ONNX {@code If} nodes. For exit k: run segment k, run branch k, take
 * ĉ = argmax and the score (max softmax, or 1 − normalised entropy), look up τ[k][ĉ] and test score ≥ τ; the
 * {@code then} branch returns exit k's answer, the {@code else} branch holds segment k + 1 and the next exit, so a
 * runtime never executes the segments after the exit that fired. Thresholds are stored as the smallest float not
 * below the calibrated double, so that the float comparison decides exactly as the workbench's double one
 * (score ≥ τ ⇔ score ≥ ⌈τ⌉<sub>float</sub> for a float score).
 */
final class CascadeOnnxAssembler {

    /** The newest default-domain opset accepted in imported parts (18 changed the reduce operators we write). */
    static final int NEWEST_OPSET = 17;
    static final String PIXELS = "pixels";
    static final String MAP = "map";
    /** A non-head segment's output. */
    static final String MAP_OUT = "map_out";
    static final String PROBABILITIES = "probabilities";
    static final String CLASS = "class";
    static final String EXIT = "exit";
    static final String CONFIDENCE = "confidence";

    private final List<Onnx.ModelProto> segments;
    private final List<Onnx.ModelProto> branches;
    private final ChannelStats stats;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final Thresholds thresholds;
    private final ExitDecisionRule decisionRule;
    /** While {@link #cascade()} writes the If chain: the answers of the exits the current level lies behind. */
    private final List<DecisionOnnxWriter.Answer> reached = new ArrayList<>();
    private final int opset;
    private final boolean imageChannelsLast;

    /**
     * @param segments          K + 1 backbone segments
     * @param branches          K exits
     * @param imageChannelsLast whether the first segment reads the normalised image as [N, H, W, C]
     */
    CascadeOnnxAssembler(List<Onnx.ModelProto> segments, List<Onnx.ModelProto> branches, ChannelStats stats,
                         int channels, int height, int width, int classes, Thresholds thresholds,
                         boolean imageChannelsLast) {
        this(segments, branches, stats, channels, height, width, classes, thresholds, imageChannelsLast,
                org.exitbench.deploy.CascadeParts.builtIn(thresholds));
    }

    /**
     * @param decisionRule the rule whose score the thresholds compare; a derived rule (temperature, learned head,
     *                     agreement) is written as ONNX operators ({@link DecisionOnnxWriter})
     */
    CascadeOnnxAssembler(List<Onnx.ModelProto> segments, List<Onnx.ModelProto> branches, ChannelStats stats,
                         int channels, int height, int width, int classes, Thresholds thresholds,
                         boolean imageChannelsLast, ExitDecisionRule decisionRule) {
        this.imageChannelsLast = imageChannelsLast;
        if (segments.size() != branches.size() + 1) {
            throw new IllegalArgumentException(segments.size() + " segments for " + branches.size() + " exits");
        }
        this.segments = List.copyOf(segments);
        this.branches = List.copyOf(branches);
        this.stats = stats;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        if (decisionRule.slot() != thresholds.rule()) {
            throw new IllegalArgumentException("the decision rule " + decisionRule.id() + " scores "
                    + decisionRule.slot() + ", the thresholds compare " + thresholds.rule());
        }
        this.thresholds = thresholds;
        this.decisionRule = decisionRule;
        int newest = OnnxGraphBuilder.OPSET;
        List<Onnx.ModelProto> all = new ArrayList<>(segments);
        all.addAll(branches);
        for (Onnx.ModelProto part : all) {
            newest = Math.max(newest, opset(part));
        }
        this.opset = newest;
    }

    /** @return the opset the assembled models declare */
    int opset() {
        return opset;
    }

    /** @return segment k as a file: pixels (k = 0, normalised inside) or a map in; a map or probabilities out */
    Onnx.ModelProto segment(int k) {
        boolean head = k == segments.size() - 1;
        OnnxGraphBuilder g = new OnnxGraphBuilder("segment" + (k + 1));
        String in;
        if (k == 0) {
            g.input(PIXELS, Onnx.TensorProto.DataType.FLOAT, "batch", (long) channels, (long) height, (long) width);
            in = normalise(g, PIXELS);
        } else {
            Onnx.ValueInfoProto declared = segments.get(k).getGraph().getInput(0);
            g.input(MAP, Onnx.TensorProto.DataType.FLOAT, dims(declared));
            in = MAP;
        }
        String out = embed(g, segments.get(k), in, "s" + (k + 1));
        String name = head ? PROBABILITIES : MAP_OUT;
        g.add("Identity", List.of(out), List.of(g.reserve(name)));
        g.output(name, Onnx.TensorProto.DataType.FLOAT, head ? new Object[] {"batch", (long) classes}
                : dims(segments.get(k).getGraph().getOutput(0)));
        return OnnxGraphBuilder.model(g.build(), opset, "Exitbench backbone segment " + (k + 1));
    }

    /**
     * A segment file and its exit's branch file as one model, for a predictor that runs both for every row that
     * reaches them: the segment's input in; its map ({@value #MAP_OUT}, channels last) and the branch's
     * {@value #PROBABILITIES} out. For the head pass no branch: its probabilities are then the only output.
     *
     * <p>Maps travel between stages channels last ([N, H, W, C]) and are turned back to NCHW inside the next
     * stage: ONNX Runtime computes convolutions in a blocked channel layout and converts to and from channels last
     * far faster than to and from NCHW (at the sample's first exit this took about a fifth of the stage's time).
     *
     * @param mapIn whether the stage reads a map handed on by the previous stage (else the segment's own input)
     * @throws IllegalArgumentException when a part is not a plain single-input, single-output graph
     */
    static Onnx.ModelProto stage(Onnx.ModelProto segment, Onnx.ModelProto branch, boolean mapIn) {
        Onnx.GraphProto segmentGraph = segment.getGraph();
        OnnxGraphBuilder g = new OnnxGraphBuilder("stage");
        Onnx.ValueInfoProto declared = segmentGraph.getInput(0);
        Onnx.TensorProto.DataType type = Onnx.TensorProto.DataType.FLOAT;
        String in;
        if (mapIn) {
            g.input(MAP, type, channelsLast(dims(declared)));
            in = fromChannelsLast(g, MAP);
        } else {
            g.input(declared.getName(), type, dims(declared));
            in = declared.getName();
        }
        String map = embed(g, segment, in, "segment");
        int opset = opset(segment);
        if (branch == null) {
            g.add("Identity", List.of(map), List.of(g.reserve(PROBABILITIES)));
            g.output(PROBABILITIES, type, dims(segmentGraph.getOutput(0)));
        } else {
            String probabilities = embed(g, branch, map, "exit");
            g.add("Transpose", List.of(map), List.of(g.reserve(MAP_OUT)), OnnxGraphBuilder.ints("perm", 0, 2, 3, 1));
            g.add("Identity", List.of(probabilities), List.of(g.reserve(PROBABILITIES)));
            g.output(MAP_OUT, type, channelsLast(dims(segmentGraph.getOutput(0))));
            g.output(PROBABILITIES, type, dims(branch.getGraph().getOutput(0)));
            opset = Math.max(opset, opset(branch));
        }
        return OnnxGraphBuilder.model(g.build(), opset, "Exitbench stage: " + segment.getDocString()
                + (branch == null ? "" : " + " + branch.getDocString()));
    }

    /** @return NCHW dimensions as NHWC */
    private static Object[] channelsLast(Object[] nchw) {
        if (nchw.length != 4) {
            throw new IllegalArgumentException("a map handed between stages must be 4-D, this one has "
                    + nchw.length + " dimensions");
        }
        return new Object[] {nchw[0], nchw[2], nchw[3], nchw[1]};
    }

    /** @return the NCHW form of an [N, H, W, C] tensor */
    private static String fromChannelsLast(OnnxGraphBuilder g, String map) {
        return g.node("Transpose", map + "_nchw", List.of(map), OnnxGraphBuilder.ints("perm", 0, 3, 1, 2));
    }

    /** @return exit k's branch as a file: map in, probabilities out */
    Onnx.ModelProto branch(int k) {
        return branches.get(k);
    }

    /**
     * @return exit k's decision model (segments shape, derived rules only): its branch's probabilities and the
     *         earlier exits' answers in; score, fires and class out ({@link DecisionOnnxWriter#model})
     */
    Onnx.ModelProto decision(int k) {
        return DecisionOnnxWriter.model(decisionRule, thresholds, k, classes, opset);
    }

    /** @return whether the exits decide with a derived rule, which the segments shape writes as decision models */
    boolean derivedRule() {
        return thresholds.rule() == ExitRule.DERIVED;
    }

    /** @return the whole backbone, pixels in, probabilities out: the baseline without exits */
    Onnx.ModelProto backbone() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("backbone");
        g.input(PIXELS, Onnx.TensorProto.DataType.FLOAT, "batch", (long) channels, (long) height, (long) width);
        String current = normalise(g, PIXELS);
        for (int k = 0; k < segments.size(); k++) {
            current = embed(g, segments.get(k), current, "s" + (k + 1));
        }
        g.add("Identity", List.of(current), List.of(g.reserve(PROBABILITIES)));
        g.output(PROBABILITIES, Onnx.TensorProto.DataType.FLOAT, "batch", (long) classes);
        return OnnxGraphBuilder.model(g.build(), opset, "Exitbench backbone without exits");
    }

    /** @return the one-file cascade for batch 1: pixels in; class, exit, confidence and probabilities out */
    Onnx.ModelProto cascade() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("cascade");
        g.input(PIXELS, Onnx.TensorProto.DataType.FLOAT, 1L, (long) channels, (long) height, (long) width);
        String[] answer = level(g, 0, normalise(g, PIXELS));
        String[] names = {CLASS, EXIT, CONFIDENCE, PROBABILITIES};
        for (int i = 0; i < names.length; i++) {
            g.add("Identity", List.of(answer[i]), List.of(g.reserve(names[i])));
        }
        g.output(CLASS, Onnx.TensorProto.DataType.INT64, 1L);
        g.output(EXIT, Onnx.TensorProto.DataType.INT64, 1L);
        g.output(CONFIDENCE, Onnx.TensorProto.DataType.FLOAT, 1L);
        g.output(PROBABILITIES, Onnx.TensorProto.DataType.FLOAT, 1L, (long) classes);
        return OnnxGraphBuilder.model(g.build(), opset, "Exitbench early-exit cascade: " + branches.size()
                + " exits as If nodes, batch 1");
    }

    /**
     * Writes segment k and what follows into {@code g}.
     *
     * @return the tensors (class, exit, confidence, probabilities) of the answer
     */
    private String[] level(OnnxGraphBuilder g, int k, String input) {
        String map = embed(g, segments.get(k), input, "s" + (k + 1));
        int exits = branches.size();
        String probabilities = k < exits ? embed(g, branches.get(k), map, "b" + (k + 1)) : map;
        String predicted = g.node("ArgMax", "class" + (k + 1), List.of(probabilities), OnnxGraphBuilder.integer("axis", 1),
                OnnxGraphBuilder.integer("keepdims", 0));
        String confidence = g.node("ReduceMax", "confidence" + (k + 1), List.of(probabilities),
                OnnxGraphBuilder.ints("axes", 1), OnnxGraphBuilder.integer("keepdims", 0));
        if (k == exits) {
            String exit = g.fresh("exit_head");
            g.add("Constant", List.of(), List.of(exit), OnnxGraphBuilder.tensor("value", OnnxGraphBuilder.longTensor(exits)));
            return new String[] {predicted, exit, confidence, probabilities};
        }
        reached.subList(k, reached.size()).clear();
        reached.add(new DecisionOnnxWriter.Answer(probabilities, predicted, confidence));
        // Derived rules read earlier exits' answers too: the else branches see them in their enclosing graphs.
        String score = thresholds.rule() == ExitRule.DERIVED ? DecisionOnnxWriter.score(g, decisionRule, k, classes,
                List.copyOf(reached)) : thresholds.rule() == ExitRule.ENTROPY ? certainty(g, probabilities, k)
                : confidence;
        String tau = g.node("Gather", "tau" + (k + 1), List.of(g.floats("thresholds" + (k + 1), thresholdRow(k),
                classes), predicted), OnnxGraphBuilder.integer("axis", 0));
        String fires = g.node("GreaterOrEqual", "fires" + (k + 1), List.of(score, tau));

        OnnxGraphBuilder taken = g.subgraph("exit" + (k + 1) + "_taken");
        String exitIndex = taken.fresh("exit" + (k + 1) + "_index");
        taken.add("Constant", List.of(), List.of(exitIndex), OnnxGraphBuilder.tensor("value", OnnxGraphBuilder.longTensor(k)));
        String[] here = {taken.node("Identity", "class_at" + (k + 1), List.of(predicted)), exitIndex,
                taken.node("Identity", "confidence_at" + (k + 1), List.of(confidence)),
                taken.node("Identity", "probabilities_at" + (k + 1), List.of(probabilities))};
        declareAnswer(taken, here);

        // The map enters the else branch channels last (see stage(…) for why).
        String handed = g.node("Transpose", "map" + (k + 1) + "_nhwc", List.of(map), OnnxGraphBuilder.ints("perm", 0, 2, 3,
                1));
        OnnxGraphBuilder onward = g.subgraph("after_exit" + (k + 1));
        declareAnswer(onward, level(onward, k + 1, fromChannelsLast(onward, handed)));

        String[] outputs = new String[4];
        for (int i = 0; i < 4; i++) {
            outputs[i] = g.fresh("answer" + (k + 1) + "_" + i);
        }
        g.add("If", List.of(fires), List.of(outputs), OnnxGraphBuilder.graph("then_branch", taken.build()),
                OnnxGraphBuilder.graph("else_branch", onward.build()));
        return outputs;
    }

    private void declareAnswer(OnnxGraphBuilder g, String[] answer) {
        g.output(answer[0], Onnx.TensorProto.DataType.INT64, 1L);
        g.output(answer[1], Onnx.TensorProto.DataType.INT64, 1L);
        g.output(answer[2], Onnx.TensorProto.DataType.FLOAT, 1L);
        g.output(answer[3], Onnx.TensorProto.DataType.FLOAT, 1L, (long) classes);
    }

    /** 1 − clip(H / ln C, 0, 1), H the entropy of the probabilities (0 · ln 0 taken as 0), as ExitScores computes. */
    private String certainty(OnnxGraphBuilder g, String p, int k) {
        String floor = g.floats("tiny" + (k + 1), new float[] {Float.MIN_NORMAL}, 1);
        String logs = g.node("Log", "log_p" + (k + 1), List.of(g.node("Max", "p_floor" + (k + 1), List.of(p, floor))));
        String sum = g.node("ReduceSum", "p_log_p" + (k + 1), List.of(g.node("Mul", "terms" + (k + 1),
                List.of(p, logs)), g.longs("class_axis" + (k + 1), new long[] {1}, 1)), OnnxGraphBuilder.integer("keepdims", 0));
        String normalised = g.node("Div", "entropy" + (k + 1), List.of(g.node("Neg", "h" + (k + 1), List.of(sum)),
                g.floats("log_classes" + (k + 1), new float[] {(float) Math.log(classes)}, 1)));
        String clipped = g.node("Clip", "entropy_clipped" + (k + 1), List.of(normalised,
                g.floats("zero" + (k + 1), new float[] {0f}), g.floats("one" + (k + 1), new float[] {1f})));
        return g.node("Sub", "certainty" + (k + 1), List.of(g.floats("one_" + (k + 1), new float[] {1f}, 1),
                clipped));
    }

    /** @return exit k's thresholds as floats that compare with float scores exactly as the doubles do */
    float[] thresholdRow(int k) {
        double[] row = thresholds.row(k);
        float[] out = new float[row.length];
        for (int c = 0; c < row.length; c++) {
            out[c] = ceilFloat(row[c]);
        }
        return out;
    }

    /** @return the smallest float ≥ {@code value} (infinities kept) */
    static float ceilFloat(double value) {
        float f = (float) value;
        return f < value ? Math.nextUp(f) : f;
    }

    /** pixels / 255 − mean, / std per channel, as {@link ChannelStats#normalize} does. */
    private String normalise(OnnxGraphBuilder g, String pixels) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = (float) stats.mean()[c];
            std[c] = (float) stats.std()[c];
        }
        String scaled = g.node("Div", "unit_pixels", List.of(pixels, g.floats("pixel_range", new float[] {255f}, 1)));
        String centred = g.node("Sub", "centred", List.of(scaled, g.floats("mean", mean, 1, channels, 1, 1)));
        String normalised = g.node("Div", "normalised", List.of(centred, g.floats("std", std, 1, channels, 1, 1)));
        return imageChannelsLast ? g.node("Transpose", "normalised_nhwc", List.of(normalised),
                OnnxGraphBuilder.ints("perm", 0, 2, 3, 1)) : normalised;
    }

    /**
     * Copies a part's nodes and weights into {@code g} with every tensor name prefixed.
     *
     * @param input the tensor of {@code g} that feeds the part's single input
     * @return the tensor of {@code g} holding the part's single output
     */
    static String embed(OnnxGraphBuilder g, Onnx.ModelProto part, String input, String prefix) {
        Onnx.GraphProto graph = part.getGraph();
        if (graph.getOutputCount() != 1) {
            throw new IllegalArgumentException("a cascade part must have one output, " + prefix + " has "
                    + graph.getOutputCount());
        }
        Map<String, String> renamed = new HashMap<>();
        List<String> weights = graph.getInitializerList().stream().map(Onnx.TensorProto::getName).toList();
        String partInput = null;
        for (Onnx.ValueInfoProto in : graph.getInputList()) {
            if (!weights.contains(in.getName())) {
                if (partInput != null) {
                    throw new IllegalArgumentException("a cascade part must have one input, " + prefix + " reads "
                            + partInput + " and " + in.getName());
                }
                partInput = in.getName();
            }
        }
        if (partInput == null) {
            throw new IllegalArgumentException("the cascade part " + prefix + " has no input");
        }
        renamed.put(partInput, input);
        Onnx.GraphProto.Builder copy = Onnx.GraphProto.newBuilder();
        for (Onnx.TensorProto weight : graph.getInitializerList()) {
            String name = g.fresh(prefix + "/" + weight.getName());
            renamed.put(weight.getName(), name);
            copy.addInitializer(weight.toBuilder().setName(name));
        }
        for (Onnx.NodeProto node : graph.getNodeList()) {
            for (Onnx.AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG() || attribute.getGraphsCount() > 0) {
                    throw new IllegalArgumentException("the cascade part " + prefix + " holds a subgraph (node "
                            + node.getName() + ", " + node.getOpType() + "); parts must be plain graphs");
                }
            }
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                throw new IllegalArgumentException("the cascade part " + prefix + " uses the operator domain '"
                        + node.getDomain() + "' (node " + node.getName() + "); only standard ONNX operators are "
                        + "exported");
            }
            Onnx.NodeProto.Builder n = node.toBuilder().clearInput().clearOutput()
                    .setName(g.fresh(prefix + "/" + (node.getName().isEmpty() ? node.getOpType() : node.getName())));
            for (String in : node.getInputList()) {
                if (in.isEmpty()) {
                    n.addInput(in);
                    continue;
                }
                String mapped = renamed.get(in);
                if (mapped == null) {
                    throw new IllegalArgumentException("the cascade part " + prefix + " reads '" + in + "' (node "
                            + node.getName() + ") before anything computes it");
                }
                n.addInput(mapped);
            }
            for (String out : node.getOutputList()) {
                String name = out.isEmpty() ? out : g.fresh(prefix + "/" + out);
                renamed.put(out, name);
                n.addOutput(name);
            }
            copy.addNode(n);
        }
        String output = renamed.get(graph.getOutput(0).getName());
        if (output == null) {
            throw new IllegalArgumentException("the cascade part " + prefix + " never computes its output "
                    + graph.getOutput(0).getName());
        }
        g.absorb(copy.build());
        return output;
    }

    /** @return a model's default-domain opset */
    static int opset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                if (id.getVersion() > NEWEST_OPSET) {
                    throw new IllegalArgumentException("a cascade part uses ONNX opset " + id.getVersion()
                            + "; parts up to opset " + NEWEST_OPSET + " are exported (re-export it with opset "
                            + OnnxGraphBuilder.OPSET + ")");
                }
                return (int) id.getVersion();
            }
        }
        return OnnxGraphBuilder.OPSET;
    }

    /** @return a declared value's dimensions (symbolic ones as their names) */
    static Object[] dims(Onnx.ValueInfoProto value) {
        List<Onnx.TensorShapeProto.Dimension> list = value.getType().getTensorType().getShape().getDimList();
        Object[] dims = new Object[list.size()];
        for (int i = 0; i < dims.length; i++) {
            Onnx.TensorShapeProto.Dimension d = list.get(i);
            dims[i] = d.hasDimValue() ? (Object) d.getDimValue() : (d.getDimParam().isEmpty() ? "batch"
                    : d.getDimParam());
        }
        return dims;
    }
}
