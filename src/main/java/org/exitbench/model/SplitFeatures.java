package org.exitbench.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one backbone pass over a split produced: for each early exit the pooled branch inputs (N × featureDim,
 * row-major), the backbone's logits (N × classes) and predicted class, and the ground-truth labels.
 *
 * <p>The arrays are handed out without copying, because a CINIC-10-size split holds 160 MB of features at GAP
 * size and branch training, calibration and sweeps read them many times. Treat them as read-only: nothing in
 * Exitbench writes to them, and the feature cache's checksums are computed when it is saved.
 */
public final class SplitFeatures {

    private final int size;
    private final int[] featureDims;
    private final List<float[]> features;
    private final int numClasses;
    private final float[] logits;
    private final int[] predictions;
    private final int[] labels;

    /**
     * Takes over the given arrays without copying them; the caller must not change them afterwards.
     *
     * @param featureDims values per image at each early exit
     * @param features    per early exit, size × featureDim values
     * @param numClasses  the number of classes
     * @param logits      size × numClasses values
     * @param predictions the backbone's predicted class per image
     * @param labels      the ground-truth class per image
     * @throws IllegalArgumentException when the array sizes disagree
     */
    public SplitFeatures(int[] featureDims, List<float[]> features, int numClasses, float[] logits, int[] predictions,
                         int[] labels) {
        this.size = labels.length;
        this.featureDims = featureDims.clone();
        this.features = List.copyOf(features);
        this.numClasses = numClasses;
        this.logits = Objects.requireNonNull(logits, "logits");
        this.predictions = Objects.requireNonNull(predictions, "predictions");
        this.labels = labels;
        if (featureDims.length != features.size()) {
            throw new IllegalArgumentException(featureDims.length + " feature sizes for " + features.size() + " exits");
        }
        for (int e = 0; e < featureDims.length; e++) {
            if ((long) size * featureDims[e] != features.get(e).length) {
                throw new IllegalArgumentException("exit " + e + " has " + features.get(e).length + " values, expected "
                        + size + " × " + featureDims[e]);
            }
        }
        if ((long) size * numClasses != logits.length || predictions.length != size) {
            throw new IllegalArgumentException("logits or predictions do not match " + size + " images of "
                    + numClasses + " classes");
        }
    }

    /** @return the number of images */
    public int size() {
        return size;
    }

    /** @return the number of early exits */
    public int exitCount() {
        return featureDims.length;
    }

    /** @return values per image at early exit {@code exit} */
    public int featureDim(int exit) {
        return featureDims[exit];
    }

    /** @return the pooled features of early exit {@code exit}: size × featureDim, row-major; read-only, not copied */
    public float[] features(int exit) {
        return features.get(exit);
    }

    public int numClasses() {
        return numClasses;
    }

    /** @return the backbone's logits: size × numClasses, row-major; read-only, not copied */
    public float[] logits() {
        return logits;
    }

    /** @return the backbone's predicted class per image; read-only, not copied */
    public int[] predictions() {
        return predictions;
    }

    /** @return the ground-truth class per image; read-only, not copied */
    public int[] labels() {
        return labels;
    }

    /** @return the fraction of images the backbone classifies correctly */
    public double backboneAccuracy() {
        if (size == 0) {
            return 0;
        }
        int correct = 0;
        for (int i = 0; i < size; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / size;
    }

    /** Equal when every array holds the same values (bit for bit). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SplitFeatures other) || size != other.size || numClasses != other.numClasses
                || !Arrays.equals(featureDims, other.featureDims) || !Arrays.equals(logits, other.logits)
                || !Arrays.equals(predictions, other.predictions) || !Arrays.equals(labels, other.labels)) {
            return false;
        }
        for (int e = 0; e < features.size(); e++) {
            if (!Arrays.equals(features.get(e), other.features.get(e))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, numClasses, Arrays.hashCode(featureDims), Arrays.hashCode(labels));
    }

    @Override
    public String toString() {
        return "SplitFeatures[" + size + " images, feature sizes " + Arrays.toString(featureDims) + ", " + numClasses
                + " classes]";
    }
}
