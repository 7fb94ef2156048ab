package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;

/**
 * One test image's way through the cascade at the current thresholds: every exit's top classes and confidences,
 * the threshold it faced, where it left, and what that cost.
 *
 * @param sample    the test sample
 * @param label     its ground truth
 * @param exitTaken where it left: 0..K−1 for a branch, K for the backbone head
 * @param answer    the cascade's answer
 * @param macs      the MACs it cost
 * @param fullMacs  the MACs of the full backbone, for comparison
 * @param steps     one step per exit, then the backbone head
 */
public record SamplePath(int sample, int label, int exitTaken, int answer, long macs, long fullMacs,
        List<PathStep> steps) {

    public SamplePath {
        steps = List.copyOf(steps);
    }

    /** @return whether the cascade's answer is the ground truth */
    public boolean correct() {
        return answer == label;
    }

    /** @return K, the number of branches */
    public int exitCount() {
        return steps.size() - 1;
    }

    /**
     * @param result an evaluation of the operating point
     * @param sample a test sample
     * @return the sample's path under the result's thresholds
     */
    public static SamplePath of(OperatingPointResult result, int sample) {
        ExitScores scores = result.source().primary().test();
        Thresholds thresholds = result.thresholds();
        CostModel costs = result.source().costModel();
        int exits = scores.exitCount();
        int taken = result.testExitOf(sample);
        List<PathStep> steps = new ArrayList<>(exits + 1);
        for (int k = 0; k < exits; k++) {
            List<PathStep.RankedClass> top = new ArrayList<>();
            for (int r = 0; r < scores.topCount(); r++) {
                top.add(new PathStep.RankedClass(scores.topClass(k, sample, r), scores.topProbability(k, sample, r)));
            }
            steps.add(new PathStep(k, k <= taken, k == taken, scores.score(thresholds.rule(), k, sample),
                    thresholds.get(k, scores.predicted(k, sample)), top, costs.costOfExit(k)));
        }
        List<PathStep.RankedClass> top = new ArrayList<>();
        for (int r = 0; r < scores.topCount(); r++) {
            int c = scores.backboneTopClass(sample, r);
            if (c >= 0) {
                top.add(new PathStep.RankedClass(c, scores.backboneTopProbability(sample, r)));
            }
        }
        steps.add(new PathStep(exits, taken == exits, taken == exits, Double.NaN, Double.NaN, top,
                costs.costOfExit(exits)));
        return new SamplePath(sample, scores.label(sample), taken, result.testAnswerOf(sample),
                costs.costOfExit(taken), costs.fullBackboneMacs(), steps);
    }
}
