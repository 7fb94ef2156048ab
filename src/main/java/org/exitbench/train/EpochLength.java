package org.exitbench.train;

/**
 * How many gradient updates an epoch of branch training is. By default an epoch is one pass over the rows a
 * branch learns from, so a boosted branch that learns from a few hundred survivors gets a handful of updates
 * while the non-boosted branch at the same exit, learning from every training image, gets many: starvation is
 * then confounded with the covariate shift boosting is about (issue 17). A fixed number of updates per epoch gives
 * every branch of every mode the same budget, epochs × updates mini-batches (fewer only when early stopping ends
 * it), drawn from the branch's rows in reshuffled passes.
 *
 * @param updates mini-batches per epoch; 0 for one pass over the rows
 */
public record EpochLength(int updates) {

    /** The most updates per epoch. */
    public static final int MAX_UPDATES = 100_000;

    /** @throws IllegalArgumentException naming the field when out of range */
    public EpochLength {
        if (updates < 0 || updates > MAX_UPDATES) {
            throw new IllegalArgumentException("updates per epoch must be 0 (one pass over the rows) to "
                    + MAX_UPDATES + ", was " + updates);
        }
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
        return isOnePass() ? (rows + batchSize - 1) / batchSize : updates;
    }

    /** @return "one pass" or "40 updates" */
    public String describe() {
        return isOnePass() ? "one pass over the rows" : updates + " updates";
    }
}
