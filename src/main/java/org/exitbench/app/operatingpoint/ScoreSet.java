package org.exitbench.app.operatingpoint;

import java.util.Objects;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.decision.DecisionInputs;

/**
 * What one set of trained branches said about the validation and the test split, under a name the charts show
 * ("boosted", "non-boosted", "synthetic demo scores").
 *
 * @param name       how the charts label curves drawn from these scores
 * @param validation the scores of the calibration (validation) split
 * @param test       the scores of the test split, on which results are reported
 * @param validationInputs every exit's full softmax output on the validation split, which exit decision rules other
 *                   than max-softmax are fitted on and read (issue 20); {@code null} where the source has none
 *                   (synthetic scores)
 * @param testInputs the same on the test split; {@code null} exactly when {@code validationInputs} is
 */
public record ScoreSet(String name, ExitScores validation, ExitScores test, DecisionInputs validationInputs,
                       DecisionInputs testInputs) {

    /** A score set without softmax outputs: only max-softmax and entropy can decide its exits. */
    public ScoreSet(String name, ExitScores validation, ExitScores test) {
        this(name, validation, test, null, null);
    }

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
        if ((validationInputs == null) != (testInputs == null)) {
            throw new IllegalArgumentException(name + ": softmax outputs for one split only");
        }
        if (validationInputs != null && (validationInputs.samples() != validation.sampleCount()
                || testInputs.samples() != test.sampleCount() || validationInputs.exitCount() != validation.exitCount()
                || testInputs.exitCount() != test.exitCount())) {
            throw new IllegalArgumentException(name + ": the softmax outputs do not fit the scores (samples or exits)");
        }
    }

    /** @return whether decision rules beyond max-softmax and entropy can be fitted on this set */
    public boolean hasDecisionInputs() {
        return validationInputs != null;
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
