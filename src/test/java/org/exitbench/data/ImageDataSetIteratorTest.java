package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The seeded DL4J iterator: determinism, epoch order, exact normalisation, and what flips and crops do. */
class ImageDataSetIteratorTest {

    private static final List<String> CLASSES = List.of("zero", "one", "two");

    /** {@code n} images of C×H×W with seeded random pixels and labels i % 3. */
    private static ImageDataset randomImages(int n, int channels, int height, int width) {
        byte[] pixels = new byte[n * channels * height * width];
        new Random(123).nextBytes(pixels);
        int[] labels = new int[n];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            sources.add("image" + i);
        }
        return new ImageDataset(pixels, labels, channels, height, width, CLASSES, sources);
    }

    /** {@code n} copies of a black 1×size×size image with one white pixel at (y, x). */
    private static ImageDataset onePixel(int n, int size, int y, int x) {
        byte[] pixels = new byte[n * size * size];
        for (int i = 0; i < n; i++) {
            pixels[i * size * size + y * size + x] = (byte) 255;
        }
        return new ImageDataset(pixels, new int[n], 1, size, size, CLASSES,
                Collections.nCopies(n, "one-pixel"));
    }

    private static List<DataSet> epoch(ImageDataSetIterator iterator) {
        List<DataSet> batches = new ArrayList<>();
        while (iterator.hasNext()) {
            batches.add(iterator.next());
        }
        return batches;
    }

    /** The positions of the white pixel in each image of a batch (identity stats: white = 1, black = 0). */
    private static List<int[]> hotPixels(INDArray features) {
        List<int[]> found = new ArrayList<>();
        long[] shape = features.shape();
        for (int n = 0; n < shape[0]; n++) {
            int[] at = null;
            for (int y = 0; y < shape[2]; y++) {
                for (int x = 0; x < shape[3]; x++) {
                    float v = features.getFloat(n, 0, y, x);
                    if (v == 1f) {
                        assertEquals(null, at, "more than one white pixel in image " + n);
                        at = new int[] {y, x};
                    } else {
                        assertEquals(0f, v, "pixel " + y + "," + x + " of image " + n);
                    }
                }
            }
            found.add(at);
        }
        return found;
    }

    @Test
    void theSameSeedGivesIdenticalAugmentedBatchesAndTheLastBatchIsSmaller() {
        ImageDataset data = randomImages(20, 3, 6, 6);
        ChannelStats stats = ChannelStats.of(data);
        ImageDataSetIterator first = new ImageDataSetIterator(data, 7, stats, Augmentation.CIFAR_STANDARD, true, 3L);
        ImageDataSetIterator second = new ImageDataSetIterator(data, 7, stats, Augmentation.CIFAR_STANDARD, true, 3L);

        for (int e = 0; e < 2; e++) {
            List<DataSet> a = epoch(first);
            List<DataSet> b = epoch(second);
            assertEquals(List.of(7L, 7L, 6L), a.stream().map(d -> d.getFeatures().size(0)).toList());
            for (int k = 0; k < a.size(); k++) {
                assertEquals(a.get(k).getFeatures(), b.get(k).getFeatures(), "epoch " + e + " batch " + k);
                assertEquals(a.get(k).getLabels(), b.get(k).getLabels());
            }
            first.reset();
            second.reset();
        }
        ImageDataSetIterator otherSeed = new ImageDataSetIterator(data, 7, stats, Augmentation.CIFAR_STANDARD, true,
                4L);
        assertNotEquals(epoch(new ImageDataSetIterator(data, 7, stats, Augmentation.CIFAR_STANDARD, true, 3L))
                .get(0).getFeatures(), epoch(otherSeed).get(0).getFeatures());
    }

    @Test
    void eachEpochVisitsEveryImageOnceInANewOrderThatAResumeReproduces() {
        ImageDataset data = randomImages(50, 1, 2, 2);
        ImageDataSetIterator iterator = new ImageDataSetIterator(data, 8, ChannelStats.identity(1), Augmentation.NONE,
                true, 9L);

        int[] epoch0 = iterator.epochOrder();
        iterator.reset();
        int[] epoch1 = iterator.epochOrder();

        assertEquals(1, iterator.epoch());
        assertFalse(Arrays.equals(epoch0, epoch1), "two epochs in the same order");
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, Arrays.stream(epoch0).sorted().toArray());
        assertArrayEquals(identity, Arrays.stream(epoch1).sorted().toArray());
        ImageDataSetIterator resumed = new ImageDataSetIterator(data, 8, ChannelStats.identity(1), Augmentation.NONE,
                true, 9L);
        resumed.startEpoch(1);
        assertArrayEquals(epoch1, resumed.epochOrder());
    }

    @Test
    void withoutAugmentationFeaturesAreTheNormalisedPixelsAndLabelsAreOneHot() {
        ImageDataset data = randomImages(5, 3, 2, 3);
        ChannelStats stats = new ChannelStats(new double[] {0.5, 0.4, 0.3}, new double[] {0.25, 0.2, 0.1});

        List<DataSet> batches = epoch(ImageDataSetIterator.inOrder(data, 4, stats));

        for (int i = 0; i < 5; i++) {
            DataSet batch = batches.get(i / 4);
            int n = i % 4;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        double expected = (data.pixel(i, c, y, x) / 255.0 - stats.mean()[c]) / stats.std()[c];
                        assertEquals(expected, batch.getFeatures().getFloat(n, c, y, x), 1e-5);
                    }
                }
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(k == data.label(i) ? 1f : 0f, batch.getLabels().getFloat(n, k));
            }
        }
    }

    @Test
    void horizontalFlipMirrorsAboutHalfTheImagesAndNothingElse() {
        ImageDataSetIterator iterator = new ImageDataSetIterator(onePixel(64, 5, 1, 0), 64, ChannelStats.identity(1),
                new Augmentation(0, true), true, 21L);

        List<int[]> hot = hotPixels(iterator.next().getFeatures());

        int kept = 0;
        int mirrored = 0;
        for (int[] at : hot) {
            if (Arrays.equals(at, new int[] {1, 0})) {
                kept++;
            } else if (Arrays.equals(at, new int[] {1, 4})) {
                mirrored++;
            } else {
                throw new AssertionError("white pixel moved to " + Arrays.toString(at));
            }
        }
        assertTrue(kept > 16 && mirrored > 16, kept + " kept, " + mirrored + " mirrored");
    }

    @Test
    void randomCropShiftsTheImageByAtMostThePaddingFillingWithZeros() {
        ImageDataSetIterator iterator = new ImageDataSetIterator(onePixel(100, 9, 4, 4), 100,
                ChannelStats.identity(1), new Augmentation(2, false), true, 5L);

        List<int[]> hot = hotPixels(iterator.next().getFeatures());

        Set<String> shifts = new HashSet<>();
        for (int[] at : hot) {
            assertTrue(at != null && Math.abs(at[0] - 4) <= 2 && Math.abs(at[1] - 4) <= 2,
                    "white pixel at " + Arrays.toString(at));
            shifts.add((at[0] - 4) + "," + (at[1] - 4));
        }
        assertTrue(shifts.size() >= 15, "only " + shifts.size() + " of 25 possible shifts in 100 images");
    }
}
