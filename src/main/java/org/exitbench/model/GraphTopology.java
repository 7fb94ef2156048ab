package org.exitbench.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Structural queries over a graph configuration: order, ancestors, activation shapes. Works on its own copy of
 * the configuration, because DL4J's type inference adds preprocessors to the configuration it runs on.
 * Public for {@code deploy.BackboneSegments}, which cuts a backbone where it narrows to one activation.
 */
public final class GraphTopology {

    private final ComputationGraphConfiguration conf;
    private final Map<String, List<String>> inputsOf;

    /** @param conf the configuration to query (copied) */
    public GraphTopology(ComputationGraphConfiguration conf) {
        this.conf = conf.clone();
        this.inputsOf = this.conf.getVertexInputs();
    }

    /** @return this topology's copy of the configuration, with preprocessors once types were inferred */
    ComputationGraphConfiguration configuration() {
        return conf;
    }

    /** @return every vertex and network input in a topological order (inputs first, ties in declaration order) */
    List<String> order() {
        List<String> order = new ArrayList<>(conf.getNetworkInputs());
        Set<String> placed = new LinkedHashSet<>(order);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (String vertex : conf.getVertices().keySet()) {
                if (!placed.contains(vertex) && placed.containsAll(inputsOf.getOrDefault(vertex, List.of()))) {
                    placed.add(vertex);
                    order.add(vertex);
                    progress = true;
                }
            }
        }
        return order;
    }

    boolean contains(String vertex) {
        return conf.getVertices().containsKey(vertex) || conf.getNetworkInputs().contains(vertex);
    }

    boolean isNetworkInput(String vertex) {
        return conf.getNetworkInputs().contains(vertex);
    }

    /** @return the vertex itself and every vertex it depends on, network inputs included */
    public Set<String> ancestorsAndSelf(String vertex) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(vertex);
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (seen.add(v)) {
                pending.addAll(inputsOf.getOrDefault(v, List.of()));
            }
        }
        return seen;
    }

    /** @return the inputs of a vertex, in order */
    public List<String> inputsOf(String vertex) {
        return inputsOf.getOrDefault(vertex, List.of());
    }

    /** The output type of every vertex (network inputs included) for the given network input types. */
    Map<String, InputType> activationTypes(InputType... inputs) {
        if (inputs.length != conf.getNetworkInputs().size()) {
            throw new IllegalArgumentException("the graph has " + conf.getNetworkInputs().size()
                    + " inputs, " + inputs.length + " input types given");
        }
        Map<String, InputType> types = new HashMap<>(conf.getLayerActivationTypes(true, inputs));
        for (int i = 0; i < inputs.length; i++) {
            types.put(conf.getNetworkInputs().get(i), inputs[i]);
        }
        return types;
    }
}
