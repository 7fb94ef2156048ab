package org.exitbench.app.analysis;

import java.util.List;

/**
 * What one exit said about an image on its way through the cascade.
 *
 * @param exit        0..K−1 for a branch, K for the backbone head
 * @param reached     whether the image got this far (no earlier exit took it)
 * @param fired       whether the image left here
 * @param score       the score compared with the threshold (NaN for the backbone head, which has none)
 * @param threshold   τ of this exit for the class it predicted (NaN for the backbone head)
 * @param top         the most probable classes, best first, with their probabilities
 * @param macsIfLeft  the MACs the image costs if it leaves here
 */
public record PathStep(int exit, boolean reached, boolean fired, double score, double threshold,
        List<RankedClass> top, long macsIfLeft) {

    public PathStep {
        top = List.copyOf(top);
    }

    /**
     * @param classIndex  the class
     * @param probability its softmax probability (NaN when unknown)
     */
    public record RankedClass(int classIndex, double probability) {
    }
}
