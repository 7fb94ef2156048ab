package org.exitbench.model;

import java.util.List;
import java.util.Locale;

/**
 * The exact multiply-accumulate (MAC) count of a network, layer by layer and cumulatively at each exit point.
 * Counts convolutions and dense layers only; batch-norm, activations, additions and pooling are left out, as in
 * PAPER.md §6.
 *
 * @param layers every layer that was counted, in topological order (including those that cost 0)
 * @param exits  one entry per exit, shallow to deep; the last is the whole network
 * @param total  the MACs of the whole network
 */
public record MacTable(List<LayerMacs> layers, List<ExitMacs> exits, long total) {

    public MacTable {
        layers = List.copyOf(layers);
        exits = List.copyOf(exits);
    }

    /**
     * One layer's cost.
     *
     * @param vertex      the layer's vertex name
     * @param type        the DL4J layer class, e.g. ConvolutionLayer
     * @param outputShape the activation it produces, e.g. "64×32×32"
     * @param macs        its multiply-accumulates per image
     */
    public record LayerMacs(String vertex, String type, String outputShape, long macs) {
    }

    /**
     * The cost of running the network up to an exit point: every layer the exit's vertex depends on.
     *
     * @param label          the exit's label ({@link ExitPoints#label(int)})
     * @param vertex         the vertex the exit reads
     * @param cumulativeMacs MACs of all layers needed to compute that vertex, per image
     * @param share          {@code cumulativeMacs / total}
     */
    public record ExitMacs(String label, String vertex, long cumulativeMacs, double share) {
    }

    /** @return the cumulative MACs of exit {@code i}; the last exit gives {@link #total()} */
    public long cumulativeMacs(int exit) {
        return exits.get(exit).cumulativeMacs();
    }

    /** @return a readable table: every layer with a cost, then the exits */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (LayerMacs layer : layers) {
            if (layer.macs() > 0) {
                text.append(String.format(Locale.ROOT, "%-22s %-24s %-14s %,15d%n", layer.vertex(), layer.type(),
                        layer.outputShape(), layer.macs()));
            }
        }
        for (ExitMacs exit : exits) {
            text.append(String.format(Locale.ROOT, "exit %-17s at %-21s %,15d MACs  %5.1f %%%n", exit.label(),
                    exit.vertex(), exit.cumulativeMacs(), 100 * exit.share()));
        }
        return text.toString();
    }
}
