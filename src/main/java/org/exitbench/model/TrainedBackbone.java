package org.exitbench.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.store.JsonDocuments;

/**
 * A backbone ready for use: the network plus what the rest of Exitbench must know about it (its spec, class
 * names, input normalisation, exit points and how it was made). This is what packages pass around; save and load
 * it with {@link BackboneFile}.
 *
 * <p>The graph is mutable (training changes it), so {@link #fingerprint()} is computed on each call.
 *
 * @param graph      the initialised network
 * @param spec       what the network is
 * @param classNames the class names, index = output unit
 * @param stats      the normalisation its inputs need (measured on the training split)
 * @param exitPoints where early exits attach
 * @param provenance free-form facts about how it was made (dataset, epochs, seed, accuracy, …), in order
 */
public record TrainedBackbone(ComputationGraph graph, BackboneSpec spec, List<String> classNames, ChannelStats stats,
                              ExitPoints exitPoints, Map<String, String> provenance) implements Backbone {

    public TrainedBackbone {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(exitPoints, "exitPoints");
        classNames = List.copyOf(classNames);
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        if (classNames.size() != spec.numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a backbone with "
                    + spec.numClasses() + " classes");
        }
        if (stats.channels() != spec.inputChannels()) {
            throw new IllegalArgumentException("normalisation has " + stats.channels()
                    + " channels, the backbone takes " + spec.inputChannels());
        }
        checkGraphMatchesSpec(graph, spec);
        exitPoints.validate(graph.getConfiguration(), spec.inputType(inputFormat(graph)));
    }

    /** A backbone with the spec's default exit points and no provenance. */
    public static TrainedBackbone of(ComputationGraph graph, BackboneSpec spec, List<String> classNames,
                                     ChannelStats stats) {
        return new TrainedBackbone(graph, spec, classNames, stats, ExitPoints.defaultsFor(spec), Map.of());
    }

    @Override
    public TrainedBackbone withExitPoints(ExitPoints newExitPoints) {
        return new TrainedBackbone(graph, spec, classNames, stats, newExitPoints, provenance);
    }

    public TrainedBackbone withProvenance(Map<String, String> newProvenance) {
        return new TrainedBackbone(graph, spec, classNames, stats, exitPoints, newProvenance);
    }

    @Override
    public int inputChannels() {
        return spec.inputChannels();
    }

    @Override
    public int inputHeight() {
        return spec.inputHeight();
    }

    @Override
    public int inputWidth() {
        return spec.inputWidth();
    }

    @Override
    public String describe() {
        return spec.describe();
    }

    /** A {@link FeatureExtractor}; DL4J takes its thread count from OMP_NUM_THREADS, so {@code threads} is unused. */
    @Override
    public BackboneFeatures features(FeaturePooling pooling, int batchSize, int threads) {
        return new FeatureExtractor(this, pooling, batchSize);
    }

    /** @return the network's input type, in the layout the graph was built with */
    public InputType inputType() {
        return spec.inputType(inputFormat(graph));
    }

    /** @return the exact multiply-accumulate counts of this backbone, cumulative at its exit points */
    @Override
    public MacTable macTable() {
        return MacCounter.count(graph.getConfiguration(), exitPoints, inputType());
    }

    /**
     * A SHA-256 over the spec, class names, normalisation and every parameter (batch-norm running statistics
     * included): equal fingerprints mean the backbone computes the same function on the same inputs. Exit points
     * and provenance are not part of it. The feature cache stores it to notice a changed backbone.
     *
     * @return 64 lowercase hex digits
     */
    @Override
    public String fingerprint() {
        MessageDigest digest = sha256();
        digest.update("exitbench-backbone-fingerprint-v1\n".getBytes(StandardCharsets.UTF_8));
        try {
            digest.update(JsonDocuments.newMapper().writeValueAsBytes(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + spec, e);
        }
        digest.update(String.join("\n", classNames).getBytes(StandardCharsets.UTF_8));
        ByteBuffer numbers = ByteBuffer.allocate(16 * stats.channels()).order(ByteOrder.LITTLE_ENDIAN);
        for (double m : stats.mean()) {
            numbers.putDouble(m);
        }
        for (double s : stats.std()) {
            numbers.putDouble(s);
        }
        digest.update(numbers.array());
        float[] params = graph.params().toFloatVector();
        ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float p : params) {
            if (!block.hasRemaining()) {
                digest.update(block.array(), 0, block.position());
                block.clear();
            }
            block.putFloat(p);
        }
        digest.update(block.array(), 0, block.position());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * The layout of the graph's input: that of its first convolution, unless an {@link NchwToNhwcPreProcessor} in
     * front of it takes NCHW input for an NHWC network.
     */
    static CNN2DFormat inputFormat(ComputationGraph graph) {
        GraphTopology topology = new GraphTopology(graph.getConfiguration());
        for (String name : topology.order()) {
            GraphVertex vertex = graph.getConfiguration().getVertices().get(name);
            if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                return lv.getPreProcessor() instanceof NchwToNhwcPreProcessor ? CNN2DFormat.NCHW
                        : conv.getCnn2dDataFormat();
            }
        }
        return CNN2DFormat.NCHW;
    }

    private static void checkGraphMatchesSpec(ComputationGraph graph, BackboneSpec spec) {
        var conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("a backbone graph needs one input and one output, has inputs "
                    + conf.getNetworkInputs() + " and outputs " + conf.getNetworkOutputs());
        }
        String output = conf.getNetworkOutputs().get(0);
        InputType produced = new GraphTopology(conf).activationTypes(spec.inputType(inputFormat(graph))).get(output);
        // DL4J reports size 0 for parameter-free heads such as LossLayer; those are checked when first run.
        if (!(produced instanceof InputType.InputTypeFeedForward ff)
                || ff.getSize() != 0 && ff.getSize() != spec.numClasses()) {
            throw new IllegalArgumentException("the graph's output '" + output + "' gives " + produced
                    + ", the spec says " + spec.numClasses() + " classes");
        }
        for (String name : new GraphTopology(conf).order()) {
            if (conf.getVertices().get(name) instanceof LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof ConvolutionLayer first) {
                if (first.getNIn() != spec.inputChannels()) {
                    throw new IllegalArgumentException("the graph's first convolution '" + name + "' takes "
                            + first.getNIn() + " channels, the spec says " + spec.inputChannels());
                }
                return;
            }
        }
    }
}
