package org.exitbench.train;

/**
 * How many gradient updates an epoch of branch training is. By default an epoch is one pass over the rows a
 * branch learns from, so a boosted branch that learns from a few hundred survivors gets a handful of updates
 * while the non-boosted branch at the same exit, learning from every training image, gets many: starvation is
 * then confounded with the covariate shift boosting is about (issue 17). A fixed number of updates per epoch gives
 * every branch of every mode the same budget, epochs × updates mini-batches (fewer only when early stopping ends
 * it), drawn from the branch's rows in reshuffled passes. {@link #fullSplit()}, the default of new configurations,
 * sets that number per dataset: one pass over the whole training split, what a non-boosted branch gets anyway.
 *
 * @param updates mini-batches per epoch; 0 for one pass over the rows; {@value #FULL_SPLIT} for one pass over the
 *                whole training split (the same for every branch, {@link #resolve resolved} when the split is known)
 */
public record EpochLength(int updates) {

    /** The most updates per epoch. */
    public static final int MAX_UPDATES = 100_000;
    /** The value of {@link #fullSplit()}: as many updates as one pass over the whole training split takes. */
    public static final int FULL_SPLIT = -1;

    /** @throws IllegalArgumentException naming the field when out of range */
    public EpochLength {
        if (updates < FULL_SPLIT || updates > MAX_UPDATES) {
            throw new IllegalArgumentException("updates per epoch must be " + FULL_SPLIT + " (one pass over the "
                    + "training split), 0 (one pass over the rows) or up to " + MAX_UPDATES + ", was " + updates);
        }
    }

    /**
     * @return every branch of every mode gets as many updates per epoch as one pass over the whole training split
     *         takes: the equal budget of issue 17 without a number to choose per dataset
     */
    public static EpochLength fullSplit() {
        return new EpochLength(FULL_SPLIT);
    }

    /** @return whether the updates per epoch are one pass over the whole training split, still to be resolved */
    public boolean isFullSplit() {
        return updates == FULL_SPLIT;
    }

    /**
     * @param splitRows the rows of the whole training split
     * @param batchSize samples per mini-batch
     * @return a fixed number of updates, one pass over {@code splitRows}, for {@link #fullSplit()}; this otherwise
     */
    public EpochLength resolve(int splitRows, int batchSize) {
        if (!isFullSplit()) {
            return this;
        }
        return new EpochLength(Math.max(1, Math.min(MAX_UPDATES, (splitRows + batchSize - 1) / batchSize)));
    }

    /** @return one pass over the rows per epoch */
    public static EpochLength onePass() {
        return new EpochLength(0);
    }

    /** @return whether an epoch is one pass over the rows */
    public boolean isOnePass() {
        return updates == 0;
    }

    /**
     * @param rows      the rows a branch learns from
     * @param batchSize samples per mini-batch
     * @return the mini-batches of one epoch
     */
    public int batchesPerEpoch(int rows, int batchSize) {
        if (isFullSplit()) {
            throw new IllegalStateException("resolve a full-split epoch length with the training split's size first");
        }
        return isOnePass() ? (rows + batchSize - 1) / batchSize : updates;
    }

    /** @return "one pass over the rows", "one pass over the training split" or "40 updates" */
    public String describe() {
        return isOnePass() ? "one pass over the rows" : isFullSplit() ? "one pass over the training split"
                : updates + " updates";
    }
}
