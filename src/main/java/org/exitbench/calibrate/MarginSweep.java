package org.exitbench.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.Thresholds;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Accuracy-versus-compute curves over the CPM margin m: calibrate on one split at each margin, evaluate on
 * another. Feed the points to {@link org.exitbench.cascade.ParetoFront#of} for the non-dominated front.
 */
public final class MarginSweep {

    private MarginSweep() {
    }

    /**
     * @param settings    every CPM setting except the margin, which takes each of {@code margins} in turn
     * @param margins     the margins to try, each in [−1, 1]
     * @param calibration the scores to calibrate on (the validation split)
     * @param evaluator   evaluates on the samples to report on (usually the test split); used from this thread
     * @return one point per margin, in the order given, with the margin as parameter
     * @throws org.exitbench.progress.CancelledException when {@code cancel} is cancelled between two margins
     */
    public static List<OperatingPoint> overMargin(CpmSettings settings, double[] margins, ExitScores calibration,
            CascadeEvaluator evaluator, ProgressListener progress, CancellationToken cancel) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(evaluator, "evaluator");
        List<OperatingPoint> points = new ArrayList<>(margins.length);
        for (int i = 0; i < margins.length; i++) {
            cancel.throwIfCancelled();
            Thresholds t = new CpmCalibrator(settings.toBuilder().margin(margins[i]).build()).calibrate(calibration);
            points.add(OperatingPoint.of(margins[i], evaluator.evaluate(t), t));
            progress.report("CPM margin " + margins[i], i + 1, margins.length);
        }
        return points;
    }
}
