package org.exitbench.app.data;

/**
 * An entry of the thumbnail grid's class filter: one class, or all of them.
 *
 * @param label the class label, or -1 for all classes
 * @param name  what the filter shows
 */
public record ClassChoice(int label, String name) {

    /** Every class. */
    public static final ClassChoice ALL = new ClassChoice(-1, "All classes");

    /** @return whether an image with {@code imageLabel} passes this filter */
    public boolean accepts(int imageLabel) {
        return label < 0 || label == imageLabel;
    }

    @Override
    public String toString() {
        return name;
    }
}
