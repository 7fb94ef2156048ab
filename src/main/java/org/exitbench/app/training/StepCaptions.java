package org.exitbench.app.training;

import java.util.Locale;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTrainingMode;

/**
 * The one-sentence captions of a run's steps: what the backbone's feature cache, boosted training, CPM calibration
 * and the survivors are, in words a class can follow, with the run's own numbers once they are known.
 */
final class StepCaptions {

    private StepCaptions() {
    }

    static String backbone() {
        return "A new backbone CNN learns the whole task first; it is then frozen, and the exits attach to it.";
    }

    static String features(int exits) {
        return "The frozen backbone looks at every image once; what it sees at each of the " + exits + " exit points"
                + " is cached, so the branches train in seconds and never run the backbone again.";
    }

    static String branch(BranchTrainingMode mode, int exit, String vertex, int learnsFrom) {
        String images = learnsFrom < 0 ? "the" : DisplayText.count(learnsFrom);
        return switch (mode) {
            case BOOSTED -> exit == 0
                    ? "Branch 1, a tiny 1-D convolution on the backbone's features after " + vertex + ", learns from"
                            + " all " + images + " training images."
                    : "Branch " + (exit + 1) + " learns only from the " + images + " training images the earlier"
                            + " exits left: boosted training (BTS-EE) fits each branch to the harder images it will"
                            + " really see.";
            case NON_BOOSTED -> "Branch " + (exit + 1) + " learns from all " + images + " training images"
                    + " (non-boosted, the paper's baseline), although at run time it only sees what earlier exits"
                    + " leave.";
            case SOFT -> "Branch " + (exit + 1) + " learns from all " + images + " training images, each weighted by"
                    + " how likely it is to get past the earlier exits (soft, our reading of CalexNet).";
        };
    }

    static String calibrate(int exit, CpmSettings cpm, int validExited, int validReaching) {
        String taken = validReaching < 0 ? "" : ": it takes " + DisplayText.count(validExited) + " of the "
                + DisplayText.count(validReaching) + " validation images that reach it";
        return "CPM gives exit " + (exit + 1) + " one threshold per class, so that where it answers it stays within"
                + " the margin of the backbone's own precision on that class (" + margin(cpm) + ")" + taken + ".";
    }

    static String survivors(int exit, int exits, int trainLeft, int validLeft) {
        String next = exit + 1 < exits ? "branch " + (exit + 2) : "the backbone's own head, the last exit";
        if (trainLeft < 0) {
            return "The images exit " + (exit + 1) + " does not take go on to " + next + ".";
        }
        return DisplayText.count(trainLeft) + " training and " + DisplayText.count(validLeft) + " validation images"
                + " that exit " + (exit + 1) + " did not take go on to " + next + ".";
    }

    static String comparison(BranchTrainingMode mode) {
        return "For comparison, the same branches trained " + switch (mode) {
            case NON_BOOSTED -> "on all images each (non-boosted, the paper's baseline)";
            case BOOSTED -> "boosted (BTS-EE)";
            case SOFT -> "with soft survival weights (our reading of CalexNet)";
        } + "; their curves appear as the reference in Calibration and Analysis.";
    }

    static String done() {
        return "Done: the cascade is in the Calibration and Analysis panes; every number there is measured on this"
                + " run's branches.";
    }

    static String modeTitle(BranchTrainingMode mode) {
        String name = ExperimentConfig.modeName(mode);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** @return "m = 0.20, anchor − m" or "m = 0.00, (1 − m) · anchor" */
    static String margin(CpmSettings cpm) {
        return String.format(Locale.ROOT, "m = %.2f, bar %s", cpm.margin(), cpm.marginForm() == MarginForm.ADDITIVE
                ? "anchor \u2212 m" : "(1 \u2212 m) \u00b7 anchor");
    }
}
