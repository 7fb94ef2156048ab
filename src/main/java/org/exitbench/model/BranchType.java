package org.exitbench.model;

/**
 * The architecture family of an exit branch. The papers name only "lightweight branches based on 1D
 * convolutions" (BTS-EE abstract); the two 1-D readings below are our reconstruction (PAPER §2.4), and the 2-D
 * branch is the conventional baseline they are compared with.
 */
public enum BranchType {

    /**
     * Reading (a), the default: the globally pooled C-vector read as a one-channel sequence of length C, then a
     * 1-D convolution, an activation, pooling and a dense softmax. When the cache holds a k×k map, the branch
     * first averages its k² cells per channel (a fixed, free pooling), so it still sees a C-vector.
     */
    CONV1D_CHANNELS("1-D conv over the channel vector"),

    /**
     * Reading (b): the pooled k×k map read as a sequence of k² spatial tokens with C channels each, then a 1-D
     * convolution across tokens (kernel 1 is a per-token projection), global pooling and a dense softmax.
     * Needs a cache pooled to a grid of at least 2.
     */
    CONV1D_TOKENS("1-D conv over spatial tokens"),

    /**
     * The conventional baseline (PTEEnet-like): a 3×3 convolution over the pooled k×k map, global average
     * pooling and a dense softmax. Needs a cache pooled to a grid of at least 2.
     */
    CONV2D("2-D conv baseline");

    private final String title;

    BranchType(String title) {
        this.title = title;
    }

    /** @return a short name for tables, e.g. "1-D conv over the channel vector" */
    public String title() {
        return title;
    }

    /** @return whether this branch needs a spatial map (a pooling grid of at least 2) in the cache */
    public boolean needsSpatialMap() {
        return this != CONV1D_CHANNELS;
    }
}
