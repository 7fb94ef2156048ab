package org.exitbench.train;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;

/**
 * Trained and calibrated exit branches: the cascade they form, and how they got there.
 *
 * <p>The cascade holds only the trained branches; skipped exits are left out (they cost nothing). Exit j of
 * {@link #validScores()}, {@link #testScores()} and {@link #thresholds()} is the branch at feature-cache exit
 * {@code cacheExits()[j]}. When every branch was skipped there is no cascade: the scores and thresholds are
 * empty and every sample goes to the backbone.
 *
 * @param mode                 how the branches were trained
 * @param spec                 their architecture
 * @param settings             the training settings
 * @param cpm                  the calibration settings
 * @param outcomes             one per exit that was considered, in order, trained or skipped
 * @param branches             the trained branches, in cascade order
 * @param cacheExits           per trained branch, its exit index in the feature cache
 * @param validProbabilities   per trained branch, its softmax on every validation sample (N × C)
 * @param testProbabilities    per trained branch, its softmax on every test sample (N × C)
 * @param validScores          the validation scores of the cascade, or null without branches
 * @param testScores           the test scores of the cascade, or null without branches
 * @param thresholds           CPM thresholds (trained branches × classes), or null without branches
 * @param elapsed              wall time of the whole training and calibration
 */
public record BranchTrainingResult(BranchTrainingMode mode, BranchSpec spec, BranchTrainingSettings settings,
                                   CpmSettings cpm, List<BranchOutcome> outcomes, List<ExitBranch> branches,
                                   int[] cacheExits, List<float[]> validProbabilities,
                                   List<float[]> testProbabilities, ExitScores validScores, ExitScores testScores,
                                   Thresholds thresholds, Duration elapsed) {

    public BranchTrainingResult {
        Objects.requireNonNull(mode, "mode");
        outcomes = List.copyOf(outcomes);
        branches = List.copyOf(branches);
        validProbabilities = List.copyOf(validProbabilities);
        testProbabilities = List.copyOf(testProbabilities);
        cacheExits = cacheExits.clone();
        if (branches.size() != cacheExits.length || (branches.isEmpty() != (thresholds == null))) {
            throw new IllegalArgumentException("branches, exits and thresholds disagree");
        }
    }

    /** @return whether at least one branch was trained */
    public boolean hasCascade() {
        return !branches.isEmpty();
    }

    /** @return the per-branch MACs, in cascade order */
    public long[] branchMacs() {
        return branches.stream().mapToLong(ExitBranch::macs).toArray();
    }

    /** @return the outcome at feature-cache exit {@code exit}, if that exit was considered */
    public Optional<BranchOutcome> outcomeAt(int exit) {
        return outcomes.stream().filter(o -> o.exit() == exit).findFirst();
    }

    @Override
    public int[] cacheExits() {
        return cacheExits.clone();
    }
}
