package org.exitbench.data;

import java.util.Random;

/**
 * Seeded, per-class random selection: the validation carve of the readers and the selection of the IDX
 * importer both draw from each class separately, so every class keeps its share.
 */
public final class StratifiedSampler {

    private StratifiedSampler() {
    }

    /**
     * Groups positions by label and shuffles each group with {@code random}, class by class in label order
     * (Fisher–Yates), so the same generator state always gives the same groups.
     *
     * @param labels     one label per position, each in [0, numClasses)
     * @param numClasses the number of classes
     * @param random     the generator; advanced by the shuffles
     * @return for each class, its positions in a random order
     */
    public static int[][] shuffledIndicesByClass(int[] labels, int numClasses, Random random) {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        for (int[] group : byClass) {
            for (int i = group.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = group[i];
                group[i] = group[j];
                group[j] = t;
            }
        }
        return byClass;
    }

    /**
     * Moves a seeded random {@code fraction} of each class of {@code train} into a validation split. Each class
     * gives {@code round(fraction × count)} images, but always keeps at least one for training. Both parts keep
     * the original order of the images, and together they hold every image exactly once.
     *
     * @param train    the training images to split
     * @param fraction the share of each class to move, in (0, 1)
     * @param seed     the seed of the selection
     * @return the remaining training images and the carved validation images, in that order
     */
    public static ImageDataset[] carveValidation(ImageDataset train, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1), was " + fraction);
        }
        int[][] byClass = shuffledIndicesByClass(train.labels(), train.numClasses(), new Random(seed));
        boolean[] toValid = new boolean[train.size()];
        int validCount = 0;
        for (int[] group : byClass) {
            int take = (int) Math.min(Math.round(fraction * group.length), Math.max(0, group.length - 1));
            for (int k = 0; k < take; k++) {
                toValid[group[k]] = true;
            }
            validCount += take;
        }
        int[] validIndices = new int[validCount];
        int[] trainIndices = new int[train.size() - validCount];
        int v = 0;
        int t = 0;
        for (int i = 0; i < toValid.length; i++) {
            if (toValid[i]) {
                validIndices[v++] = i;
            } else {
                trainIndices[t++] = i;
            }
        }
        return new ImageDataset[] {train.subset(trainIndices), train.subset(validIndices)};
    }
}
