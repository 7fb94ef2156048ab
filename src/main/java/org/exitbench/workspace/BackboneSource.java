package org.exitbench.workspace;

/** Where the backbone of a run comes from. */
public enum BackboneSource {
    /** {@code backbone.zip} next to the dataset: the shipped backbone of the bundled sample. */
    DATASET("the dataset's backbone.zip"),
    /** A backbone file the user chose. */
    FILE("a backbone file"),
    /** One trained here, before the branches, and saved in the workspace. */
    TRAIN_NEW("train a new backbone");

    private final String label;

    BackboneSource(String label) {
        this.label = label;
    }

    /** @return how the settings form names the choice */
    public String label() {
        return label;
    }
}
