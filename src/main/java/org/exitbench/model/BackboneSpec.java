package org.exitbench.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What a backbone is: its architecture, stage widths and blocks, input geometry and number of classes. Together
 * with a seed it determines the built network exactly ({@link #build(long)}), and it is saved with every trained
 * backbone so the rest of Exitbench knows the network's shape without inspecting it.
 *
 * <p>Stage {@code s} (1-based) has {@code widths.get(s-1)} channels and {@code blocks.get(s-1)} BasicBlocks; its
 * first block has stride 1 in stage 1 and stride 2 in every later stage (as ResNet-18's 1/2/2/2). The stem
 * convolution has the width of stage 1. Vertex names are listed in {@link BackboneVertices}.
 *
 * @param architecture  the family; {@link Architecture#EXTERNAL} for graphs built elsewhere (widths and blocks
 *                      empty)
 * @param widths        output channels per stage
 * @param blocks        BasicBlocks per stage
 * @param inputChannels 1 (grayscale) or 3 (RGB)
 * @param inputHeight   image height in pixels
 * @param inputWidth    image width in pixels
 * @param numClasses    classes of the softmax head
 */
public record BackboneSpec(Architecture architecture, List<Integer> widths, List<Integer> blocks, int inputChannels,
                           int inputHeight, int inputWidth, int numClasses) {

    /** ResNet-18's stage widths. */
    public static final List<Integer> RESNET18_WIDTHS = List.of(64, 128, 256, 512);
    /** ResNet-18's BasicBlocks per stage. */
    public static final List<Integer> RESNET18_BLOCKS = List.of(2, 2, 2, 2);

    public BackboneSpec {
        Objects.requireNonNull(architecture, "architecture");
        widths = List.copyOf(widths);
        blocks = List.copyOf(blocks);
        if (inputChannels != 1 && inputChannels != 3) {
            throw new IllegalArgumentException("inputChannels must be 1 or 3, was " + inputChannels);
        }
        if (inputHeight <= 0 || inputWidth <= 0) {
            throw new IllegalArgumentException("input size must be positive, was " + inputHeight + "x" + inputWidth);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, was " + numClasses);
        }
        switch (architecture) {
            case EXTERNAL -> {
                if (!widths.isEmpty() || !blocks.isEmpty()) {
                    throw new IllegalArgumentException("an EXTERNAL backbone has no widths or blocks");
                }
            }
            case RESNET18_CIFAR -> {
                if (!widths.equals(RESNET18_WIDTHS) || !blocks.equals(RESNET18_BLOCKS)) {
                    throw new IllegalArgumentException("RESNET18_CIFAR has widths " + RESNET18_WIDTHS + " and blocks "
                            + RESNET18_BLOCKS + ", was " + widths + " and " + blocks + "; use SMALL_RESNET for others");
                }
            }
            case SMALL_RESNET -> {
                if (widths.isEmpty() || widths.size() != blocks.size()) {
                    throw new IllegalArgumentException("widths and blocks need one entry per stage, were " + widths
                            + " and " + blocks);
                }
                if (widths.stream().anyMatch(w -> w <= 0) || blocks.stream().anyMatch(b -> b <= 0)) {
                    throw new IllegalArgumentException("widths and blocks must be positive, were " + widths + " and "
                            + blocks);
                }
            }
        }
    }

    /** ResNet-18, CIFAR style, for images of the given geometry. */
    public static BackboneSpec resnet18Cifar(int inputChannels, int inputHeight, int inputWidth, int numClasses) {
        return new BackboneSpec(Architecture.RESNET18_CIFAR, RESNET18_WIDTHS, RESNET18_BLOCKS, inputChannels,
                inputHeight, inputWidth, numClasses);
    }

    /** A small ResNet, e.g. widths 16/32/64 with 1 block each. */
    public static BackboneSpec smallResNet(List<Integer> widths, List<Integer> blocks, int inputChannels,
                                           int inputHeight, int inputWidth, int numClasses) {
        return new BackboneSpec(Architecture.SMALL_RESNET, widths, blocks, inputChannels, inputHeight, inputWidth,
                numClasses);
    }

    /** Describes a graph built elsewhere: only its input geometry and classes are known. */
    public static BackboneSpec external(int inputChannels, int inputHeight, int inputWidth, int numClasses) {
        return new BackboneSpec(Architecture.EXTERNAL, List.of(), List.of(), inputChannels, inputHeight, inputWidth,
                numClasses);
    }

    /** @return the number of stages (0 for an external graph) */
    public int stageCount() {
        return widths.size();
    }

    /** @return the names of the stage output vertices, {@code stage1..stageN} */
    public List<String> stageVertices() {
        List<String> names = new ArrayList<>();
        for (int s = 1; s <= stageCount(); s++) {
            names.add(BackboneVertices.stage(s));
        }
        return names;
    }

    /** @return the network input type in the given layout */
    public InputType inputType(CNN2DFormat format) {
        return InputType.convolutional(inputHeight, inputWidth, inputChannels, format);
    }

    /**
     * Builds the network configuration. Needs no parameters, so it is cheap even for ResNet-18 (MAC counting
     * uses it).
     *
     * @throws IllegalStateException for an {@link Architecture#EXTERNAL} spec
     */
    public ComputationGraphConfiguration configuration(long seed, NetworkSettings settings) {
        if (architecture == Architecture.EXTERNAL) {
            throw new IllegalStateException(
                    "an EXTERNAL backbone cannot be rebuilt from its spec; load its model file");
        }
        return ResNetGraphBuilder.configuration(this, seed, settings);
    }

    /** Builds and initialises the network with {@link NetworkSettings#defaults()}. */
    public ComputationGraph build(long seed) {
        return build(seed, NetworkSettings.defaults());
    }

    /**
     * Builds and initialises the network: the same spec, seed and settings give the same parameters.
     *
     * @throws IllegalStateException for an {@link Architecture#EXTERNAL} spec
     */
    public ComputationGraph build(long seed, NetworkSettings settings) {
        ComputationGraph graph = new ComputationGraph(configuration(seed, settings));
        graph.init();
        return graph;
    }

    /** @return a one-line description, e.g. "ResNet-18 (CIFAR) 64/128/256/512 × 2/2/2/2, 3×32×32, 10 classes" */
    public String describe() {
        String geometry = inputChannels + "×" + inputHeight + "×" + inputWidth + ", " + numClasses + " classes";
        return switch (architecture) {
            case RESNET18_CIFAR -> "ResNet-18 (CIFAR) " + joined(widths) + " × " + joined(blocks) + ", " + geometry;
            case SMALL_RESNET -> "Small ResNet " + joined(widths) + " × " + joined(blocks) + ", " + geometry;
            case EXTERNAL -> "External graph, " + geometry;
        };
    }

    private static String joined(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining("/"));
    }
}
