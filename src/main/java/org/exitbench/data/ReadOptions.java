package org.exitbench.data;

/**
 * How to read a dataset.
 *
 * @param validationFraction fraction of each training class carved into a validation split when the dataset
 *                           has none (stratified); in (0, 1)
 * @param splitSeed          the seed of that carve
 * @param skipCorrupt        skip files that cannot be decoded (and list them in the metadata) instead of failing
 * @param resizeHeight       resize every image to this height, or 0 to require one size for all images
 * @param resizeWidth        resize every image to this width, or 0 to require one size for all images
 * @param threads            decoding threads; 0 means one per available core
 */
public record ReadOptions(double validationFraction, long splitSeed, boolean skipCorrupt,
                          int resizeHeight, int resizeWidth, int threads) {

    /** The defaults: carve 10 % with seed 42 when needed, fail on corrupt files, no resizing, all cores. */
    public static final ReadOptions DEFAULTS = new ReadOptions(0.1, 42L, false, 0, 0, 0);

    public ReadOptions {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), was " + validationFraction);
        }
        if (resizeHeight < 0 || resizeWidth < 0 || (resizeHeight == 0) != (resizeWidth == 0)) {
            throw new IllegalArgumentException("resize must be both 0 (off) or both positive, was "
                    + resizeHeight + "x" + resizeWidth);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all cores) or more, was " + threads);
        }
    }

    /** @return these options with corrupt files skipped (or not) */
    public ReadOptions withSkipCorrupt(boolean skip) {
        return new ReadOptions(validationFraction, splitSeed, skip, resizeHeight, resizeWidth, threads);
    }

    /** @return these options with every image resized to {@code height}×{@code width} */
    public ReadOptions withResize(int height, int width) {
        return new ReadOptions(validationFraction, splitSeed, skipCorrupt, height, width, threads);
    }

    /** @return whether images are resized */
    public boolean resizes() {
        return resizeHeight > 0;
    }

    /** @return the number of decoding threads to use */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
