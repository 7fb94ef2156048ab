package org.exitbench.app.operatingpoint;

import java.util.Objects;
import org.exitbench.cascade.ExitScores;

/**
 * What one set of trained branches said about the validation and the test split, under a name the charts show
 * ("boosted", "non-boosted", "synthetic demo scores").
 *
 * @param name       how the charts label curves drawn from these scores
 * @param validation the scores of the calibration (validation) split
 * @param test       the scores of the test split, on which results are reported
 */
public record ScoreSet(String name, ExitScores validation, ExitScores test) {

    /** @throws IllegalArgumentException when the two splits differ in exits or classes */
    public ScoreSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        if (validation.exitCount() != test.exitCount() || validation.classCount() != test.classCount()) {
            throw new IllegalArgumentException(name + ": the validation scores have " + validation.exitCount()
                    + " exits × " + validation.classCount() + " classes, the test scores " + test.exitCount()
                    + " × " + test.classCount());
        }
    }

    /** @return K, the number of exit branches */
    public int exitCount() {
        return validation.exitCount();
    }

    /** @return C */
    public int classCount() {
        return validation.classCount();
    }
}
