package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.experiment.RunImageScorer;

/**
 * The way of an image from outside the dataset through the cascade at given thresholds: the same steps as a test
 * image's {@link SamplePath} (each exit's top classes and confidences, the threshold it faced, where it left), but
 * with no ground truth.
 *
 * @param exitTaken where it left: 0..K−1 for a branch, K for the backbone head
 * @param answer    the cascade's answer
 * @param macs      the MACs it cost
 * @param fullMacs  the MACs of the full backbone, for comparison
 * @param steps     one step per exit, then the backbone head
 */
public record TryImagePath(int exitTaken, int answer, long macs, long fullMacs, List<PathStep> steps) {

    public TryImagePath {
        steps = List.copyOf(steps);
    }

    /** @return K, the number of branches */
    public int exitCount() {
        return steps.size() - 1;
    }

    /** @return the answering exit's probability of the answer */
    public double confidence() {
        return steps.get(exitTaken).top().get(0).probability();
    }

    /**
     * Decides the image's exit as the cascade does ({@link RunImageScorer#exitTaken}: the first exit whose score
     * reaches the threshold of the class it predicts) and lists every exit's view of it.
     *
     * @param scores     the image's scores, sample 0, with the thresholds' score attached when their rule is derived
     * @param thresholds the current thresholds
     * @param costs      what each exit costs
     */
    public static TryImagePath of(ExitScores scores, Thresholds thresholds, CostModel costs) {
        int exits = scores.exitCount();
        if (thresholds.exitCount() != exits || costs.exitCount() != exits) {
            throw new IllegalArgumentException("the thresholds have " + thresholds.exitCount() + " exits and the costs "
                    + costs.exitCount() + ", the image's scores " + exits);
        }
        int taken = RunImageScorer.exitTaken(scores, 0, thresholds);
        List<PathStep> steps = new ArrayList<>(exits + 1);
        for (int k = 0; k < exits; k++) {
            List<PathStep.RankedClass> top = new ArrayList<>();
            for (int r = 0; r < scores.topCount(); r++) {
                top.add(new PathStep.RankedClass(scores.topClass(k, 0, r), scores.topProbability(k, 0, r)));
            }
            steps.add(new PathStep(k, k <= taken, k == taken, scores.score(thresholds.rule(), k, 0),
                    thresholds.get(k, scores.predicted(k, 0)), top, costs.costOfExit(k)));
        }
        List<PathStep.RankedClass> top = new ArrayList<>();
        for (int r = 0; r < scores.topCount(); r++) {
            int c = scores.backboneTopClass(0, r);
            if (c >= 0) {
                top.add(new PathStep.RankedClass(c, scores.backboneTopProbability(0, r)));
            }
        }
        steps.add(new PathStep(exits, taken == exits, taken == exits, Double.NaN, Double.NaN, top,
                costs.costOfExit(exits)));
        int answer = taken == exits ? scores.backbonePredicted(0) : scores.predicted(taken, 0);
        return new TryImagePath(taken, answer, costs.costOfExit(taken), costs.fullBackboneMacs(), steps);
    }
}
