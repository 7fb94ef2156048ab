package org.exitbench.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tiny real backbones and generated image datasets that keep the model tests to seconds. */
final class TestBackbones {

    static final List<String> CLASSES = List.of("dark", "striped", "bright");

    private TestBackbones() {
    }

    /** A three-stage small ResNet (4/8/16 channels × 1 block) for 16×16 images. */
    static BackboneSpec tinySpec(int channels) {
        return BackboneSpec.smallResNet(List.of(4, 8, 16), List.of(1, 1, 1), channels, 16, 16, CLASSES.size());
    }

    static TrainedBackbone tinyBackbone(int channels, long seed) {
        BackboneSpec spec = tinySpec(channels);
        return TrainedBackbone.of(spec.build(seed), spec, CLASSES, ChannelStats.identity(channels));
    }

    /**
     * Every vertex's activation for the given NCHW input, with feature maps in NCHW whatever layout the graph
     * computes in, so tests can state shapes and index maps one way.
     */
    static Map<String, INDArray> activationsNchw(ComputationGraph graph, INDArray input) {
        Map<String, InputType> types = new GraphTopology(graph.getConfiguration()).activationTypes(
                InputType.convolutional(input.size(2), input.size(3), input.size(1), CNN2DFormat.NCHW));
        Map<String, INDArray> activations = new java.util.HashMap<>(graph.feedForward(input, false));
        activations.replaceAll((vertex, a) -> types.get(vertex) instanceof InputType.InputTypeConvolutional c
                && c.getFormat() == CNN2DFormat.NHWC ? a.permute(0, 3, 1, 2) : a);
        return activations;
    }

    /**
     * Images whose class is visible: class 0 dark noise, class 1 horizontal stripes, class 2 bright noise.
     *
     * @param n    number of images
     * @param seed the pixel seed
     */
    static ImageDataset images(int n, int channels, int size, long seed) {
        Random random = new Random(seed);
        int imageBytes = channels * size * size;
        byte[] pixels = new byte[n * imageBytes];
        int[] labels = new int[n];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES.size();
            labels[i] = label;
            sources.add("generated#" + i);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int value = switch (label) {
                            case 0 -> random.nextInt(60);
                            case 1 -> (y % 4 < 2 ? 200 : 30) + random.nextInt(20);
                            default -> 190 + random.nextInt(60);
                        };
                        pixels[i * imageBytes + (c * size + y) * size + x] = (byte) value;
                    }
                }
            }
        }
        return new ImageDataset(pixels, labels, channels, size, size, CLASSES, sources);
    }

    /** A dataset of three generated splits with the given sizes. */
    static Dataset dataset(int channels, int size, int train, int valid, int test, long seed) {
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, images(train, channels, size, seed));
        splits.put(Split.VALID, images(valid, channels, size, seed + 1));
        splits.put(Split.TEST, images(test, channels, size, seed + 2));
        return new Dataset("generated", java.nio.file.Path.of("generated"), DatasetFormat.IMAGE_FOLDER, splits,
                DatasetMetadata.asOnDisk());
    }
}
