package org.exitbench.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.data.Dataset;

/**
 * Everything a feature cache's content depends on. A cache is valid for a backbone and dataset exactly when their
 * keys are equal.
 *
 * @param datasetFingerprint  {@link DatasetFingerprint#of(Dataset)}
 * @param backboneFingerprint {@link Backbone#fingerprint()}
 * @param exitVertices        the exit points' vertices
 * @param pooling             the pooling at every exit
 */
public record FeatureCacheKey(String datasetFingerprint, String backboneFingerprint, List<String> exitVertices,
                              FeaturePooling pooling) {

    public FeatureCacheKey {
        Objects.requireNonNull(datasetFingerprint, "datasetFingerprint");
        Objects.requireNonNull(backboneFingerprint, "backboneFingerprint");
        Objects.requireNonNull(pooling, "pooling");
        exitVertices = List.copyOf(exitVertices);
    }

    /** Computes the key of a backbone and dataset (hashes the parameters and all pixels: well under a second). */
    public static FeatureCacheKey of(Backbone backbone, Dataset dataset, FeaturePooling pooling) {
        return new FeatureCacheKey(DatasetFingerprint.of(dataset), backbone.fingerprint(),
                backbone.exitPoints().vertices(), pooling);
    }

    /**
     * Says, in words, what differs between a cache made for {@code old} and this key.
     *
     * @return one phrase per difference; empty when the keys are equal
     */
    public List<String> changesFrom(FeatureCacheKey old) {
        List<String> changes = new ArrayList<>();
        if (!backboneFingerprint.equals(old.backboneFingerprint)) {
            changes.add("the backbone changed");
        }
        if (!datasetFingerprint.equals(old.datasetFingerprint)) {
            changes.add("the dataset changed");
        }
        if (!exitVertices.equals(old.exitVertices)) {
            changes.add("the exit points changed (" + String.join(", ", old.exitVertices) + " → "
                    + String.join(", ", exitVertices) + ")");
        }
        if (!pooling.equals(old.pooling)) {
            changes.add("the pooling changed (" + old.pooling.describe() + " → " + pooling.describe() + ")");
        }
        return changes;
    }
}
