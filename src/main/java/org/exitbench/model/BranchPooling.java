package org.exitbench.model;

import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * How a branch pools the output of its convolution before the dense softmax. Stride-2 pooling keeps the
 * position along the sequence (for the channel-vector branch: which channels responded) and feeds the flattened
 * result to the dense layer; global pooling keeps only one value per filter. Pooling costs no MACs.
 */
public enum BranchPooling {

    /** Max over windows of 2 with stride 2, then flattened: the channel-vector branch's default. */
    MAX_STRIDE_2(PoolingType.MAX, false),

    /** Average over windows of 2 with stride 2, then flattened. */
    AVERAGE_STRIDE_2(PoolingType.AVG, false),

    /** Maximum over the whole sequence or map, per filter. */
    GLOBAL_MAX(PoolingType.MAX, true),

    /** Average over the whole sequence or map, per filter: the token and 2-D branches' default. */
    GLOBAL_AVERAGE(PoolingType.AVG, true);

    private final PoolingType type;
    private final boolean global;

    BranchPooling(PoolingType type, boolean global) {
        this.type = type;
        this.global = global;
    }

    /** @return DL4J's pooling type */
    public PoolingType poolingType() {
        return type;
    }

    /** @return the same pooling as DL4J's subsampling layers name it */
    public SubsamplingLayer.PoolingType subsamplingType() {
        return type == PoolingType.MAX ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG;
    }

    /** @return whether the pooling covers the whole sequence or map */
    public boolean isGlobal() {
        return global;
    }

    /** @return the pooling a branch type uses unless told otherwise */
    public static BranchPooling defaultFor(BranchType type) {
        return type == BranchType.CONV1D_CHANNELS ? MAX_STRIDE_2 : GLOBAL_AVERAGE;
    }
}
