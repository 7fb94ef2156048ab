package org.exitbench.model;

/**
 * The vertex names of the backbones Exitbench builds, so that exit points, feature extraction and MAC tables
 * can refer to them.
 *
 * <ul>
 *   <li>{@value #INPUT}: the image batch;</li>
 *   <li>{@code stem_conv}, {@code stem_bn}, {@value #STEM}: the 3×3 stem convolution, its batch-norm and ReLU;</li>
 *   <li>inside block {@code b} of stage {@code s} (both 1-based), prefix {@code s<s>b<b>_}: {@code conv1},
 *       {@code bn1}, {@code relu1}, {@code conv2}, {@code bn2}, the projection shortcut {@code proj_conv} and
 *       {@code proj_bn} where the shape changes, and {@code add}; the block output (ReLU after the add) is
 *       {@code s<s>b<b>}, except for a stage's last block, whose output is {@code stage<s>};</li>
 *   <li>{@link #stage(int) stage1..stageN}: the stage outputs, where exits attach;</li>
 *   <li>{@value #GLOBAL_POOL}: global average pooling to a C-vector;</li>
 *   <li>{@value #OUTPUT}: the dense softmax head (a DL4J OutputLayer with cross-entropy loss).</li>
 * </ul>
 */
public final class BackboneVertices {

    /** The network input. */
    public static final String INPUT = "input";
    /** The stem's output, after its ReLU. */
    public static final String STEM = "stem";
    /** Global average pooling before the head. */
    public static final String GLOBAL_POOL = "global_pool";
    /** The dense softmax head. */
    public static final String OUTPUT = "output";

    private BackboneVertices() {
    }

    /** @return the output vertex of stage {@code s} (1-based), e.g. {@code stage2} */
    public static String stage(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("stages are numbered from 1, was " + s);
        }
        return "stage" + s;
    }

    /** @return the output of block {@code b} of stage {@code s} that is not the stage's last, e.g. {@code s2b1} */
    public static String blockOutput(int s, int b) {
        return "s" + s + "b" + b;
    }

    /** @return the name prefix of block {@code b} of stage {@code s} (both 1-based), e.g. {@code s2b1_} */
    public static String blockPrefix(int s, int b) {
        return "s" + s + "b" + b + "_";
    }
}
