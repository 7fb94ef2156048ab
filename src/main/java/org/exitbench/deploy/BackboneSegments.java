package org.exitbench.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.model.GraphTopology;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Splits a network at cut vertices into consecutive segments, each its own {@link ComputationGraph}: the first
 * reads the network input and ends at the first cut, the next reads the first cut's activation (as its network
 * input, named after the cut vertex) and ends at the second, and the last ends at the network's output. Chained,
 * the segments compute exactly what the whole network computes: every segment holds the same layers with the
 * same configuration and parameters, and the activation that crosses a cut is the only thing handed on.
 *
 * <p>A cut is valid only where the network narrows to that one activation: a vertex after the cut must not read
 * anything computed before it other than the cut vertex itself (a residual connection spanning the cut would).
 * The stage outputs of Exitbench's ResNets satisfy this; an invalid cut is refused, naming the vertex that crosses
 * it.
 */
public final class BackboneSegments {

    private BackboneSegments() {
    }

    /**
     * The vertices of each segment, without building anything: the check behind {@link #split}.
     *
     * @param graph the initialised network (one input, one output)
     * @param cuts  the cut vertices, shallow to deep
     * @return per segment, its vertices in a topological order; there are {@code cuts.size() + 1} segments
     * @throws IllegalArgumentException when a cut is not a vertex, the cuts are out of order, or a connection
     *                                  crosses a cut
     */
    public static List<List<String>> plan(ComputationGraph graph, List<String> cuts) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("only a network with one input and one output can be split, this one "
                    + "has inputs " + conf.getNetworkInputs() + " and outputs " + conf.getNetworkOutputs());
        }
        GraphTopology topology = new GraphTopology(conf);
        String input = conf.getNetworkInputs().get(0);
        List<String> boundaries = new ArrayList<>();
        boundaries.add(input);
        for (String cut : cuts) {
            if (!conf.getVertices().containsKey(cut)) {
                throw new IllegalArgumentException("'" + cut + "' is not a vertex of the network");
            }
            boundaries.add(cut);
        }
        boundaries.add(conf.getNetworkOutputs().get(0));
        List<String> order = vertices(graph);
        List<List<String>> segments = new ArrayList<>();
        Set<String> done = topology.ancestorsAndSelf(input);
        for (int s = 1; s < boundaries.size(); s++) {
            String from = boundaries.get(s - 1);
            String to = boundaries.get(s);
            Set<String> needed = topology.ancestorsAndSelf(to);
            if (!needed.contains(from) || from.equals(to)) {
                throw new IllegalArgumentException("cut '" + to + "' does not follow '" + from + "': cuts must lie "
                        + "on the path from the input to the output, shallow to deep");
            }
            List<String> members = new ArrayList<>();
            for (String vertex : order) {
                if (needed.contains(vertex) && !done.contains(vertex)) {
                    members.add(vertex);
                }
            }
            for (String vertex : members) {
                for (String in : topology.inputsOf(vertex)) {
                    if (!in.equals(from) && !members.contains(in)) {
                        throw new IllegalArgumentException("cannot cut at '" + from + "': vertex '" + vertex
                                + "' after the cut also reads '" + in + "' from before it");
                    }
                }
            }
            segments.add(List.copyOf(members));
            done.addAll(needed);
        }
        return List.copyOf(segments);
    }

    /**
     * Splits an initialised network.
     *
     * @param graph the network, one input and one output
     * @param input the type of its input (in the layout the network was built with)
     * @param cuts  the cut vertices, shallow to deep
     * @return {@code cuts.size() + 1} initialised segments sharing no memory with {@code graph}; segment s reads
     *         the activation of cut s − 1 (the network input for s = 0) and outputs cut s (the network output for
     *         the last)
     * @throws IllegalArgumentException as {@link #plan}
     */
    public static List<ComputationGraph> split(ComputationGraph graph, InputType input, List<String> cuts) {
        List<List<String>> plan = plan(graph, cuts);
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        Map<String, InputType> types = new HashMap<>(conf.clone().getLayerActivationTypes(true, input));
        types.put(conf.getNetworkInputs().get(0), input);
        List<ComputationGraph> segments = new ArrayList<>();
        for (int s = 0; s < plan.size(); s++) {
            String from = s == 0 ? conf.getNetworkInputs().get(0) : cuts.get(s - 1);
            String to = s < cuts.size() ? cuts.get(s) : conf.getNetworkOutputs().get(0);
            segments.add(assemble(conf, from, types.get(from), List.of(graph), List.of(plan.get(s)), to));
        }
        return List.copyOf(segments);
    }

    /**
     * Joins consecutive segments (as {@link #split} makes them) back into one network.
     *
     * @param segments the segments, first to last; segment s + 1's input is named after segment s's output
     * @param input    the type of the first segment's input
     * @return a new initialised network from the first segment's input to the last one's output
     */
    public static ComputationGraph join(List<ComputationGraph> segments, InputType input) {
        List<List<String>> members = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            ComputationGraph segment = segments.get(s);
            if (s > 0 && !segment.getConfiguration().getNetworkInputs()
                    .equals(segments.get(s - 1).getConfiguration().getNetworkOutputs())) {
                throw new IllegalArgumentException("segment " + (s + 1) + " reads "
                        + segment.getConfiguration().getNetworkInputs() + ", segment " + s + " gives "
                        + segments.get(s - 1).getConfiguration().getNetworkOutputs());
            }
            members.add(vertices(segment));
        }
        ComputationGraphConfiguration first = segments.get(0).getConfiguration();
        return assemble(first, first.getNetworkInputs().get(0), input, segments, members,
                segments.get(segments.size() - 1).getConfiguration().getNetworkOutputs().get(0));
    }

    /**
     * Builds a network of the given vertices of the given source networks, with their configuration and parameters.
     *
     * @param settings  the configuration whose workspace and cache settings the new network takes
     * @param members   per source, the vertices it contributes, in a topological order
     */
    private static ComputationGraph assemble(ComputationGraphConfiguration settings, String input,
                                             InputType inputType, List<ComputationGraph> sources,
                                             List<List<String>> members, String output) {
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .trainingWorkspaceMode(settings.getTrainingWorkspaceMode())
                .inferenceWorkspaceMode(settings.getInferenceWorkspaceMode())
                .cacheMode(settings.getCacheMode())
                .graphBuilder()
                .addInputs(input)
                .setInputTypes(inputType);
        Map<String, ComputationGraph> owner = new HashMap<>();
        for (int s = 0; s < sources.size(); s++) {
            ComputationGraphConfiguration conf = sources.get(s).getConfiguration();
            for (String name : members.get(s)) {
                owner.put(name, sources.get(s));
                GraphVertex vertex = conf.getVertices().get(name);
                String[] inputs = conf.getVertexInputs().getOrDefault(name, List.of()).toArray(String[]::new);
                if (vertex instanceof LayerVertex layer) {
                    InputPreProcessor pre = layer.getPreProcessor() == null ? null : layer.getPreProcessor().clone();
                    builder.addLayer(name, layer.getLayerConf().getLayer().clone(), pre, inputs);
                } else {
                    builder.addVertex(name, vertex.clone(), inputs);
                }
            }
        }
        builder.setOutputs(output);
        ComputationGraph assembled = new ComputationGraph(builder.build());
        assembled.init();
        for (org.deeplearning4j.nn.api.Layer layer : assembled.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            for (Map.Entry<String, INDArray> param : owner.get(name).getLayer(name).paramTable().entrySet()) {
                layer.setParam(param.getKey(), param.getValue());
            }
        }
        return assembled;
    }

    /** @return a network's vertices in its topological order, network inputs left out */
    private static List<String> vertices(ComputationGraph graph) {
        List<String> order = new ArrayList<>();
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (!graph.getConfiguration().getNetworkInputs().contains(name)) {
                order.add(name);
            }
        }
        return order;
    }
}
