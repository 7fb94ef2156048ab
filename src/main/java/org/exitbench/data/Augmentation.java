package org.exitbench.data;

/**
 * Training-time augmentation, each part switchable: flips are right for natural images (CIFAR, CINIC-10) and
 * wrong for digits.
 *
 * @param cropPadding pad each side by this many pixels (zeros) and take a random crop of the original size;
 *                    0 switches cropping off
 * @param horizontalFlip flip half of the images left to right
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {

    /** No augmentation: for evaluation, feature extraction, and deterministic tests. */
    public static final Augmentation NONE = new Augmentation(0, false);

    /** The usual CIFAR recipe: random crop with 4-pixel padding and horizontal flips. */
    public static final Augmentation CIFAR_STANDARD = new Augmentation(4, true);

    public Augmentation {
        if (cropPadding < 0) {
            throw new IllegalArgumentException("cropPadding must be 0 or more, was " + cropPadding);
        }
    }

    /** @return whether any augmentation is switched on */
    public boolean isActive() {
        return cropPadding > 0 || horizontalFlip;
    }
}
