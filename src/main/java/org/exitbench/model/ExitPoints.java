package org.exitbench.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Where the early exits attach: one backbone vertex per early exit, from shallow to deep. The backbone's own
 * head is always the last exit and is not listed, so a cascade has {@link #exitCount()} = {@link #size()} + 1
 * exits.
 *
 * <p>The defaults follow PAPER.md §2.3: after stages 1, 2 and 3 of ResNet-18 (CalexNet uses three branches; the
 * positions are our reconstruction), and after every stage but the last of a small ResNet.
 *
 * @param vertices the names of the vertices whose activations feed the branches, shallow to deep
 */
public record ExitPoints(List<String> vertices) {

    /** The label of the backbone's own head, the last exit. */
    public static final String FINAL = "final";

    public ExitPoints {
        vertices = List.copyOf(vertices);
        if (vertices.isEmpty()) {
            throw new IllegalArgumentException("at least one early exit point is needed");
        }
        Set<String> seen = new HashSet<>();
        for (String v : vertices) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("exit point names must not be blank: " + vertices);
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException("exit point '" + v + "' is listed twice: " + vertices);
            }
            if (FINAL.equals(v)) {
                throw new IllegalArgumentException("'" + FINAL + "' names the backbone head, which is always the last"
                        + " exit; list only the early exits");
            }
        }
    }

    /** Exit points at the given vertices, shallow to deep. */
    public static ExitPoints of(String... vertices) {
        return new ExitPoints(List.of(vertices));
    }

    /**
     * The default exit points of a backbone: stages 1–3 of ResNet-18, every stage but the last of a small ResNet.
     *
     * @throws IllegalArgumentException for a one-stage small ResNet or an external graph, which have no default
     */
    public static ExitPoints defaultsFor(BackboneSpec spec) {
        return switch (spec.architecture()) {
            case RESNET18_CIFAR -> of(BackboneVertices.stage(1), BackboneVertices.stage(2), BackboneVertices.stage(3));
            case SMALL_RESNET -> {
                if (spec.stageCount() < 2) {
                    throw new IllegalArgumentException("a one-stage backbone has no stage output before its head; "
                            + "give the exit points explicitly");
                }
                yield new ExitPoints(spec.stageVertices().subList(0, spec.stageCount() - 1));
            }
            case EXTERNAL -> throw new IllegalArgumentException("an external graph has no default exit points; "
                    + "give the vertex names explicitly");
        };
    }

    /** @return the number of early exits */
    public int size() {
        return vertices.size();
    }

    /** @return the number of exits including the backbone head */
    public int exitCount() {
        return vertices.size() + 1;
    }

    /** @return the vertex of early exit {@code i} (0-based) */
    public String vertex(int i) {
        return vertices.get(i);
    }

    /** @return the vertex name of exit {@code i}, or {@value #FINAL} for the backbone head ({@code i == size()}) */
    public String label(int i) {
        return i == vertices.size() ? FINAL : vertices.get(i);
    }

    /**
     * Checks that every exit point is a convolutional feature map of the graph and that they lie, in order, on the
     * way to the graph's output.
     *
     * @param conf  the backbone's configuration
     * @param input the backbone's input type
     * @throws IllegalArgumentException naming the offending exit point and what the graph offers instead
     */
    public void validate(ComputationGraphConfiguration conf, InputType input) {
        GraphTopology topology = new GraphTopology(conf);
        if (conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("a backbone needs exactly one output, the graph has "
                    + conf.getNetworkOutputs());
        }
        String output = conf.getNetworkOutputs().get(0);
        for (String vertex : vertices) {
            if (!topology.contains(vertex)) {
                throw new IllegalArgumentException("exit point '" + vertex + "' is not a vertex of the backbone; "
                        + describeCandidates(topology));
            }
            if (topology.isNetworkInput(vertex) || vertex.equals(output)) {
                throw new IllegalArgumentException("exit point '" + vertex + "' is the network "
                        + (vertex.equals(output) ? "output, which is always the last exit" : "input")
                        + "; " + describeCandidates(topology));
            }
        }
        Map<String, InputType> types = topology.activationTypes(input);
        for (String vertex : vertices) {
            InputType type = types.get(vertex);
            if (type == null || type.getType() != InputType.Type.CNN) {
                throw new IllegalArgumentException("exit point '" + vertex + "' gives a " + type
                        + " activation; exits need a convolutional feature map (C×H×W)");
            }
        }
        List<String> chain = new ArrayList<>(vertices);
        chain.add(output);
        for (int i = 1; i < chain.size(); i++) {
            if (!topology.ancestorsAndSelf(chain.get(i)).contains(chain.get(i - 1))) {
                throw new IllegalArgumentException("exit point '" + chain.get(i - 1) + "' does not come before '"
                        + chain.get(i) + "'; list exit points from shallow to deep, each feeding the next");
            }
        }
    }

    private static String describeCandidates(GraphTopology topology) {
        List<String> stages = topology.order().stream().filter(v -> v.matches("stage\\d+")).toList();
        if (!stages.isEmpty()) {
            return "its stage outputs are " + String.join(", ", stages);
        }
        List<String> order = topology.order();
        return "its vertices include " + order.stream().limit(12).collect(Collectors.joining(", "))
                + (order.size() > 12 ? ", …" : "");
    }

    @Override
    public String toString() {
        return String.join(", ", vertices) + " (+ " + FINAL + ")";
    }
}
