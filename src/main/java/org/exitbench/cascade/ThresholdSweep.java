package org.exitbench.cascade;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Accuracy-versus-compute curves over one global threshold: the same τ at every exit and class (SDN style).
 * Sweeps over the CPM margin need calibration and live in {@code org.exitbench.calibrate.MarginSweep}.
 */
public final class ThresholdSweep {

    private ThresholdSweep() {
    }

    /**
     * Evaluates the cascade once per value.
     *
     * @param evaluator evaluates on the samples to report on (usually the test split); used from this thread
     * @param rule      the score the threshold is compared with
     * @param values    the global thresholds to try
     * @return one point per value, in the order given
     * @throws org.exitbench.progress.CancelledException when {@code cancel} is cancelled between two values
     */
    public static List<OperatingPoint> overGlobalThreshold(CascadeEvaluator evaluator, ExitRule rule,
            double[] values, ProgressListener progress, CancellationToken cancel) {
        Objects.requireNonNull(evaluator, "evaluator");
        ExitScores scores = evaluator.scores();
        List<OperatingPoint> points = new ArrayList<>(values.length);
        for (int v = 0; v < values.length; v++) {
            cancel.throwIfCancelled();
            Thresholds t = Thresholds.uniform(rule, scores.exitCount(), scores.classCount(), values[v]);
            points.add(OperatingPoint.of(values[v], evaluator.evaluate(t), t));
            progress.report("Global threshold " + values[v], v + 1, values.length);
        }
        return points;
    }

    /** @return {@code count} values evenly spaced from {@code from} to {@code to}, both included */
    public static double[] evenlySpaced(double from, double to, int count) {
        if (count < 2) {
            throw new IllegalArgumentException("count must be at least 2, was " + count);
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = from + (to - from) * i / (count - 1);
        }
        return values;
    }
}
