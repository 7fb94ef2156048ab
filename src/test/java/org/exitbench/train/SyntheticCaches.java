package org.exitbench.train;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exitbench.data.Split;
import org.exitbench.model.ExitFeatureShape;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheKey;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.LogitsKind;
import org.exitbench.model.SplitFeatures;

/**
 * Feature caches made of generated numbers, shaped like a real one, so branch training can be specified in
 * seconds. Each sample has a class and a difficulty in [0, 1): its features at every exit are its class's
 * pattern scaled by (1 − difficulty) plus noise, clearer at later exits, so easy samples are separable early and
 * hard ones only late. The "backbone" predicts the true class for 90 % of the samples.
 */
final class SyntheticCaches {

    static final List<String> CLASSES = List.of("circle", "square", "star", "wave");
    static final int DIM = 12;

    private SyntheticCaches() {
    }

    /** A cache with two exits and the given split sizes. */
    static FeatureCache cache(int train, int valid, int test, long seed) {
        return cache(train, valid, test, seed, false);
    }

    /**
     * @param oneClassBackbone when true the backbone predicts class 0 for every sample (a degenerate teacher)
     */
    static FeatureCache cache(int train, int valid, int test, long seed, boolean oneClassBackbone) {
        Random random = new Random(seed);
        Map<Split, SplitFeatures> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, split(train, random, oneClassBackbone));
        splits.put(Split.VALID, split(valid, random, oneClassBackbone));
        splits.put(Split.TEST, split(test, random, oneClassBackbone));
        List<ExitFeatureShape> shapes = List.of(new ExitFeatureShape("stage1", DIM, 8, 8, DIM),
                new ExitFeatureShape("stage2", DIM, 4, 4, DIM));
        FeatureCacheKey key = new FeatureCacheKey("synthetic-data-" + seed, "synthetic-backbone",
                List.of("stage1", "stage2"), FeaturePooling.GLOBAL_AVERAGE);
        return new FeatureCache(key, shapes, CLASSES, LogitsKind.PRE_SOFTMAX, splits);
    }

    private static SplitFeatures split(int n, Random random, boolean oneClassBackbone) {
        int classes = CLASSES.size();
        float[] exit1 = new float[n * DIM];
        float[] exit2 = new float[n * DIM];
        float[] logits = new float[n * classes];
        int[] predictions = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(classes);
            double difficulty = random.nextDouble();
            labels[i] = label;
            for (int d = 0; d < DIM; d++) {
                double pattern = d / 3 == label ? 3.0 : 0.0;
                exit1[i * DIM + d] = (float) (pattern * (1 - difficulty) + random.nextGaussian() * 0.8);
                exit2[i * DIM + d] = (float) (pattern * (1 - 0.5 * difficulty) + random.nextGaussian() * 0.5);
            }
            int predicted = oneClassBackbone ? 0 : random.nextDouble() < 0.9 ? label : random.nextInt(classes);
            predictions[i] = predicted;
            for (int c = 0; c < classes; c++) {
                logits[i * classes + c] = (float) ((c == predicted ? 4.0 : 0.0) + random.nextGaussian() * 0.5);
            }
            // Keep the argmax of the logits equal to the prediction, as a real backbone's is.
            int argmax = 0;
            for (int c = 1; c < classes; c++) {
                argmax = logits[i * classes + c] > logits[i * classes + argmax] ? c : argmax;
            }
            if (argmax != predicted) {
                logits[i * classes + predicted] = logits[i * classes + argmax] + 0.5f;
            }
        }
        List<float[]> features = new ArrayList<>(List.of(exit1, exit2));
        return new SplitFeatures(new int[] {DIM, DIM}, features, classes, logits, predictions, labels);
    }
}
