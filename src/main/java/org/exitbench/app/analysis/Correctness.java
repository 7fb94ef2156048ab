package org.exitbench.app.analysis;

/** The gallery's filter on whether the cascade answered an image correctly. */
public enum Correctness {
    ALL("All"),
    CORRECT("Correct"),
    WRONG("Wrong");

    private final String label;

    Correctness(String label) {
        this.label = label;
    }

    /** @return whether an image the cascade answered {@code correct}ly passes */
    public boolean accepts(boolean correct) {
        return this == ALL || (this == CORRECT) == correct;
    }

    @Override
    public String toString() {
        return label;
    }
}
