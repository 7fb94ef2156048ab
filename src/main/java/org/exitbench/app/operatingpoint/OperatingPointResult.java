package org.exitbench.app.operatingpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.calibrate.ClassPrecisionReport;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Split;

/**
 * One evaluation of the current thresholds: on the validation split, where calibration is judged (with the
 * per-exit × per-class precision table), and on the test split, where results are reported (with the exit each
 * test sample took, for galleries). Every pane draws from one of these; none evaluates on its own. Immutable.
 */
public final class OperatingPointResult {

    private final CascadeSource source;
    private final Thresholds thresholds;
    private final CpmSettings settings;
    private final CascadeResult validation;
    private final ClassPrecisionReport table;
    private final CascadeResult test;
    private final int[] testExits;
    private final long revision;

    OperatingPointResult(CascadeSource source, Thresholds thresholds, CpmSettings settings, CascadeResult validation,
            ClassPrecisionReport table, CascadeResult test, int[] testExits, long revision) {
        this.source = Objects.requireNonNull(source, "source");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.validation = Objects.requireNonNull(validation, "validation");
        this.table = Objects.requireNonNull(table, "table");
        this.test = Objects.requireNonNull(test, "test");
        this.testExits = Objects.requireNonNull(testExits, "testExits");
        this.revision = revision;
    }

    /** @return the inputs evaluated */
    public CascadeSource source() {
        return source;
    }

    /** @return the thresholds evaluated */
    public Thresholds thresholds() {
        return thresholds;
    }

    /** @return the CPM settings the table's anchors and bars follow */
    public CpmSettings settings() {
        return settings;
    }

    /** @return the result on the validation split: what calibration is judged on */
    public CascadeResult validation() {
        return validation;
    }

    /** @return the result on the test split: what is reported */
    public CascadeResult test() {
        return test;
    }

    /** @return the result on {@code split}, which is {@link Split#VALID} or {@link Split#TEST} */
    public CascadeResult on(Split split) {
        if (split == Split.TRAIN) {
            throw new IllegalArgumentException("the operating point is evaluated on the validation and test splits");
        }
        return split == Split.TEST ? test : validation;
    }

    /** @return per exit and class, threshold, anchor, bar, precision and counts on the validation split */
    public ClassPrecisionReport table() {
        return table;
    }

    /** @return counts up with every evaluation of the same model, so views can tell a newer result */
    public long revision() {
        return revision;
    }

    /** @return the number of test samples */
    public int testSampleCount() {
        return testExits.length;
    }

    /** @return where test sample {@code sample} left: 0..K−1 for a branch, K for the backbone head */
    public int testExitOf(int sample) {
        return testExits[sample];
    }

    /** @return the cascade's answer for test sample {@code sample} */
    public int testAnswerOf(int sample) {
        int exit = testExits[sample];
        ExitScores scores = source.primary().test();
        return exit == scores.exitCount() ? scores.backbonePredicted(sample) : scores.predicted(exit, sample);
    }

    /** @return whether the cascade's answer for test sample {@code sample} is its ground truth */
    public boolean testCorrect(int sample) {
        return testAnswerOf(sample) == source.primary().test().label(sample);
    }

    /**
     * @return one sentence per exit that takes no validation sample at these thresholds ("Exit 2 never fires on
     *         the validation split."); empty when every exit fires
     */
    public List<String> silentExits() {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < validation.exitCount(); k++) {
            if (validation.exitedCount(k) == 0) {
                out.add("Exit " + (k + 1) + " never fires on the validation split.");
            }
        }
        return out;
    }
}
