package org.exitbench.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;

/**
 * A small generated dataset that a tiny CNN can learn in a few epochs: grayscale stripe patterns whose class is
 * the stripes' orientation (horizontal, vertical, diagonal, anti-diagonal), with random period, phase, contrast
 * and pixel noise.
 */
final class StripeImages {

    static final int SIZE = 12;
    static final List<String> CLASSES = List.of("horizontal", "vertical", "diagonal", "anti-diagonal");

    private StripeImages() {
    }

    /**
     * @param classes  how many of the four orientations to use (2 to 4)
     * @param perClass images per class in train, validation and test
     * @param seed     the generator seed
     */
    static Dataset dataset(int classes, int[] perClass, long seed) {
        Random random = new Random(seed);
        List<String> names = CLASSES.subList(0, classes);
        Map<Split, ImageDataset> splits = Map.of(
                Split.TRAIN, split(names, perClass[0], random, false, 25),
                Split.VALID, split(names, perClass[1], random, false, 25),
                Split.TEST, split(names, perClass[2], random, false, 25));
        return new Dataset("stripes", Path.of("stripes"), DatasetFormat.IMAGE_FOLDER, splits,
                DatasetMetadata.asOnDisk());
    }

    /**
     * Two orientations, nearly noise-free, whose validation labels are swapped: the better a network learns the
     * train split, the worse its validation accuracy, so the first epoch stays the best one.
     */
    static Dataset withSwappedValidationLabels(int perClass, long seed) {
        Random random = new Random(seed);
        List<String> names = CLASSES.subList(0, 2);
        Map<Split, ImageDataset> splits = Map.of(
                Split.TRAIN, split(names, perClass, random, false, 5),
                Split.VALID, split(names, perClass, random, true, 5),
                Split.TEST, split(names, perClass, random, false, 5));
        return new Dataset("swapped stripes", Path.of("swapped"), DatasetFormat.IMAGE_FOLDER, splits,
                DatasetMetadata.asOnDisk());
    }

    private static ImageDataset split(List<String> names, int perClass, Random random, boolean swapLabels,
                                      double noise) {
        int n = names.size() * perClass;
        byte[] pixels = new byte[n * SIZE * SIZE];
        int[] labels = new int[n];
        List<String> sources = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int orientation = i % names.size();
            labels[i] = swapLabels ? names.size() - 1 - orientation : orientation;
            double period = 2.5 + 2 * random.nextDouble();
            double phase = random.nextDouble() * 2 * Math.PI;
            double contrast = 50 + 60 * random.nextDouble();
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int t = switch (orientation) {
                        case 0 -> y;
                        case 1 -> x;
                        case 2 -> x + y;
                        default -> x - y;
                    };
                    double value = 128 + contrast * Math.sin(2 * Math.PI * t / period + phase)
                            + noise * random.nextGaussian();
                    pixels[(i * SIZE + y) * SIZE + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
                }
            }
            sources.add("generated#" + i);
        }
        return new ImageDataset(pixels, labels, 1, SIZE, SIZE, names, sources);
    }
}
