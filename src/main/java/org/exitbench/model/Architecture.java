package org.exitbench.model;

/** The backbone families Exitbench can build, plus graphs built elsewhere and loaded as they are. */
public enum Architecture {
    /**
     * ResNet-18 in the CIFAR style: 3×3 stem convolution with 64 channels and no max-pool, then four stages of
     * two BasicBlocks with 64/128/256/512 channels and strides 1/2/2/2. The BTS-EE paper's backbone (abstract).
     */
    RESNET18_CIFAR,
    /** A ResNet of the same shape with configurable widths and blocks per stage, for demos and tests. */
    SMALL_RESNET,
    /** A graph built outside Exitbench (a plain DL4J model zip); it cannot be rebuilt from its spec. */
    EXTERNAL
}
