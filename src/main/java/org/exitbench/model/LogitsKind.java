package org.exitbench.model;

/** What the cached backbone "logits" are. Either kind gives the same softmax, at any temperature. */
public enum LogitsKind {
    /** The head's pre-softmax activations, computed from its input and its weights. */
    PRE_SOFTMAX,
    /**
     * The logarithm of the head's softmax output, clamped at the smallest normal float, for heads whose
     * pre-softmax value cannot be recovered. It differs from the true logits by a constant per image, which
     * softmax (with or without temperature) and argmax ignore.
     */
    LOG_SOFTMAX
}
