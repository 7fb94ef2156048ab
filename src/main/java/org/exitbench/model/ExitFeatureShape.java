package org.exitbench.model;

/**
 * The feature map at one exit point and the size of the pooled branch input taken from it.
 *
 * @param vertex     the backbone vertex
 * @param channels   C of the C×H×W map
 * @param height     H
 * @param width      W
 * @param featureDim values per image after pooling ({@link FeaturePooling#featureDim(int)})
 */
public record ExitFeatureShape(String vertex, int channels, int height, int width, int featureDim) {
}
