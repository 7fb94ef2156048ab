package org.exitbench.app.operatingpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.model.DatasetFingerprint;
import org.exitbench.train.BranchTrainingMode;

/**
 * Turns a finished run ({@link ExperimentRun}: per training mode the validation and test scores of its branches,
 * their thresholds and costs) into the operating point's inputs. One mode's cascade is the primary score set the
 * thresholds act on; a second mode, when the run trained one with the same exits, is the comparison drawn as
 * reference curves (boosted against non-boosted, as BTS-EE compares them). The run's samples are the dataset's
 * images in file order, so the galleries show them when the open dataset is the one the run scored.
 *
 * @param source the inputs for the operating point
 * @param notes  what the user should know about them (no pictures, no comparison), one sentence each
 */
public record RunCascadeSource(CascadeSource source, List<String> notes) {

    public RunCascadeSource {
        Objects.requireNonNull(source, "source");
        notes = List.copyOf(notes);
    }

    /**
     * @param run the run
     * @return the mode whose cascade the panes show by default: boosted (BTS-EE), else soft, else non-boosted;
     *         empty when no mode trained a branch
     */
    public static Optional<BranchTrainingMode> defaultPrimary(ExperimentRun run) {
        for (BranchTrainingMode mode : List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.SOFT,
                BranchTrainingMode.NON_BOOSTED)) {
            if (run.mode(mode).filter(ExperimentRun.ModeResult::hasCascade).isPresent()) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    /**
     * Builds the inputs and sorts their scores (what galleries and calibration read), so call it off the UI thread.
     *
     * @param run         the run
     * @param primaryMode the mode the thresholds act on; it must have trained at least one branch
     * @param dataset     the open dataset, or {@code null}: its images are shown when it is the dataset the run
     *                    scored (same fingerprint and split sizes)
     * @param start       thresholds to start from (hand-tuned ones saved in the workspace), or {@code null} for the
     *                    run's own CPM thresholds
     * @return the inputs and notes
     * @throws IllegalArgumentException when the mode trained no branch, or {@code start} does not fit its cascade
     */
    public static RunCascadeSource of(ExperimentRun run, BranchTrainingMode primaryMode, Dataset dataset,
            Thresholds start) {
        return of(run, primaryMode, dataset, start, false);
    }

    /**
     * As {@link #of(ExperimentRun, BranchTrainingMode, Dataset, Thresholds)}, for a run shown while its dataset is
     * still being opened: without a dataset, and without the note that none is open when one is on its way.
     *
     * @param datasetComing whether a dataset is being opened (the run is shown again with its images then)
     */
    public static RunCascadeSource of(ExperimentRun run, BranchTrainingMode primaryMode, Dataset dataset,
            Thresholds start, boolean datasetComing) {
        ExperimentRun.ModeResult primary = run.mode(primaryMode).filter(ExperimentRun.ModeResult::hasCascade)
                .orElseThrow(() -> new IllegalArgumentException("run " + run.id() + " has no "
                        + ExperimentConfig.modeName(primaryMode) + " cascade"));
        List<String> notes = new ArrayList<>();
        ScoreSet comparison = comparison(run, primary, notes);
        SampleImages images = imagesOf(run, primary, dataset, datasetComing ? new ArrayList<>() : notes);
        List<String> classNames = run.metrics().backbone().classNames();
        ScoreSet primarySet = withInputs(run, primaryMode, new ScoreSet(ExperimentConfig.modeName(primaryMode),
                primary.validScores(), primary.testScores()), notes);
        for (ExitScores scores : List.of(primary.validScores(), primary.testScores())) {
            for (int k = 0; k < scores.exitCount(); k++) {
                scores.ranking(ExitRule.MAX_SOFTMAX, k);
            }
        }
        Thresholds thresholds = start != null ? start : primary.thresholds();
        CascadeSource source = new CascadeSource(displayName(run.id(), primaryMode), false, classNames,
                primary.costModel(), primarySet, comparison, images, thresholds);
        return new RunCascadeSource(source, notes);
    }

    /**
     * @return the set with the run's saved softmax outputs attached, so the Calibration pane can fit other exit
     *         decision rules; the set alone (and a note) when the run folder lacks them or they do not fit
     */
    private static ScoreSet withInputs(ExperimentRun run, BranchTrainingMode mode, ScoreSet set, List<String> notes) {
        try {
            int classes = set.classCount();
            return new ScoreSet(set.name(), set.validation(), set.test(),
                    DecisionInputs.of(run.exitProbabilities(mode, "valid"), classes),
                    DecisionInputs.of(run.exitProbabilities(mode, "test"), classes));
        } catch (RuntimeException e) {
            notes.add("Only max-softmax and entropy can decide exits: the run's softmax outputs could not be read ("
                    + e.getMessage() + ").");
            return set;
        }
    }

    /** @return "run 20261125-115238 · boosted": what the top bar and the panes call a run's cascade */
    public static String displayName(String runId, BranchTrainingMode mode) {
        return "run " + runId + " · " + ExperimentConfig.modeName(mode);
    }

    /** The other mode whose cascade has the same exits and costs: non-boosted first (the paper's baseline). */
    private static ScoreSet comparison(ExperimentRun run, ExperimentRun.ModeResult primary, List<String> notes) {
        for (BranchTrainingMode mode : List.of(BranchTrainingMode.NON_BOOSTED, BranchTrainingMode.BOOSTED,
                BranchTrainingMode.SOFT)) {
            if (mode == primary.mode()) {
                continue;
            }
            Optional<ExperimentRun.ModeResult> other = run.mode(mode).filter(ExperimentRun.ModeResult::hasCascade);
            if (other.isEmpty()) {
                continue;
            }
            if (!other.get().costModel().equals(primary.costModel())) {
                notes.add("The " + ExperimentConfig.modeName(mode) + " cascade of this run has other exits than the "
                        + ExperimentConfig.modeName(primary.mode()) + " one (a branch was skipped), so it is not"
                        + " drawn for comparison.");
                continue;
            }
            // With its softmax outputs, so a decision rule picked for the primary can be fitted on it too.
            return withInputs(run, mode, new ScoreSet(ExperimentConfig.modeName(mode), other.get().validScores(),
                    other.get().testScores()), new ArrayList<>());
        }
        return null;
    }

    private static SampleImages imagesOf(ExperimentRun run, ExperimentRun.ModeResult primary, Dataset dataset,
            List<String> notes) {
        if (dataset == null) {
            notes.add("No dataset is open, so the galleries show sample numbers instead of images.");
            return SampleImages.NONE;
        }
        boolean sameSizes = dataset.split(Split.VALID).size() == primary.validScores().sampleCount()
                && dataset.split(Split.TEST).size() == primary.testScores().sampleCount();
        if (!sameSizes || !DatasetFingerprint.of(dataset).equals(run.metrics().provenance().datasetFingerprint())) {
            notes.add("Run " + run.id() + " scored " + run.metrics().provenance().dataset() + ", not the open dataset "
                    + dataset.name() + ", so the galleries show sample numbers instead of images.");
            return SampleImages.NONE;
        }
        return SampleImages.inOrderOf(dataset);
    }
}
