package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seeded per-class selection behind the validation carve and the IDX importer. */
class StratifiedSamplerTest {

    /** 1×1 images whose single pixel is the image's index, so a subset shows where each image came from. */
    private static ImageDataset indexed(int[] labels, int classes) {
        byte[] pixels = new byte[labels.length];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            pixels[i] = (byte) i;
            sources.add("image" + i);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return new ImageDataset(pixels, labels, 1, 1, 1, names, sources);
    }

    @Test
    void carvesTheRoundedFractionOfEachClassButLeavesEveryClassInTrain() {
        // Class sizes 40, 9, 1 and 2.
        int[] labels = new int[52];
        for (int i = 0; i < 52; i++) {
            labels[i] = i < 40 ? 0 : i < 49 ? 1 : i < 50 ? 2 : 3;
        }

        ImageDataset[] parts = StratifiedSampler.carveValidation(indexed(labels, 4), 0.5, 11L);

        assertArrayEquals(new int[] {20, 5, 0, 1}, parts[1].classCounts(), "round(0.5 * n) (4.5 rounds up), "
                + "at most n - 1");
        assertArrayEquals(new int[] {20, 4, 1, 1}, parts[0].classCounts());
    }

    @Test
    void theCarveIsDisjointCompleteOrderedAndSeeded() {
        int[] labels = DatasetFixtures.roundRobinLabels(3, 30);
        ImageDataset data = indexed(labels, 3);

        ImageDataset[] parts = StratifiedSampler.carveValidation(data, 0.2, 99L);

        Set<String> train = new HashSet<>(parts[0].sources());
        Set<String> valid = new HashSet<>(parts[1].sources());
        assertEquals(90, train.size() + valid.size());
        assertTrue(valid.stream().noneMatch(train::contains));
        assertArrayEquals(new int[] {6, 6, 6}, parts[1].classCounts());
        for (ImageDataset part : parts) {
            for (int i = 1; i < part.size(); i++) {
                assertTrue(part.pixel(i - 1, 0, 0, 0) < part.pixel(i, 0, 0, 0), "original order is kept");
            }
            for (int i = 0; i < part.size(); i++) {
                assertEquals(labels[part.pixel(i, 0, 0, 0)], part.label(i), "labels travel with their images");
            }
        }
        assertEquals(parts[1].sources(), StratifiedSampler.carveValidation(data, 0.2, 99L)[1].sources());
        assertNotEquals(parts[1].sources(), StratifiedSampler.carveValidation(data, 0.2, 100L)[1].sources());
    }

    @Test
    void shuffledIndicesByClassArePermutationsOfEachClass() {
        int[] labels = {2, 0, 1, 2, 2, 0, 1, 0, 2};

        int[][] byClass = StratifiedSampler.shuffledIndicesByClass(labels, 4, new Random(1));

        assertEquals(4, byClass.length);
        assertEquals(Set.of(1, 5, 7), toSet(byClass[0]));
        assertEquals(Set.of(2, 6), toSet(byClass[1]));
        assertEquals(Set.of(0, 3, 4, 8), toSet(byClass[2]));
        assertEquals(0, byClass[3].length);
        assertArrayEquals(byClass[2], StratifiedSampler.shuffledIndicesByClass(labels, 4, new Random(1))[2]);
    }

    private static Set<Integer> toSet(int[] values) {
        Set<Integer> set = new HashSet<>();
        for (int v : values) {
            set.add(v);
        }
        return set;
    }
}
