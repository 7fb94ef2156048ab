package org.exitbench.app.operatingpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginSweep;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.OracleExitPolicy;
import org.exitbench.cascade.ThresholdSweep;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.report.CsvTable;

/**
 * The curves the accuracy-versus-compute charts draw behind the current operating point, for the primary score
 * set and, when the source has one, the comparison set, on the validation split (the Calibration pane) and on the
 * test split (the Analysis pane). They depend on the source and on the CPM settings other than the margin, not
 * on the thresholds, so they are computed in the background when those change, never per slider move.
 *
 * @param settings   the CPM settings the margin curves were calibrated with (their own margin ignored)
 * @param validation the primary set's curves on the validation split, then the comparison set's, if any
 * @param test       the same on the test split
 */
public record ReferenceCurves(CpmSettings settings, List<CurveSet> validation, List<CurveSet> test) {

    /**
     * The CPM margins swept: −0.1 to 0.5 in steps of 0.02 (the canonical 0.20 among them). The curve starts below 0
     * because <em>Find margin</em> searches negative margins too (issue 17), and the low-loss points it finds there
     * should lie on the curve drawn.
     */
    public static final double[] MARGINS = ThresholdSweep.evenlySpaced(-0.1, 0.5, 31);
    /** The global thresholds swept: 0 to 1 in steps of 0.025. */
    public static final double[] GLOBAL_THRESHOLDS = ThresholdSweep.evenlySpaced(0.0, 1.0, 41);

    public ReferenceCurves {
        Objects.requireNonNull(settings, "settings");
        validation = List.copyOf(validation);
        test = List.copyOf(test);
        if (validation.isEmpty() || validation.size() != test.size()) {
            throw new IllegalArgumentException("need the same curve sets, at least one, on both splits");
        }
    }

    /** @return the primary score set's curves on {@code split} (validation or test) */
    public CurveSet primary(Split split) {
        return on(split).get(0);
    }

    /** @return the comparison score set's curves on {@code split}, if the source has a comparison set */
    public Optional<CurveSet> comparison(Split split) {
        List<CurveSet> sets = on(split);
        return sets.size() > 1 ? Optional.of(sets.get(1)) : Optional.empty();
    }

    private List<CurveSet> on(Split split) {
        if (split == Split.TRAIN) {
            throw new IllegalArgumentException("reference curves exist for the validation and test splits");
        }
        return split == Split.TEST ? test : validation;
    }

    /**
     * Computes every curve: per score set, CPM calibrated on validation at each of {@link #MARGINS} and the
     * global thresholds of {@link #GLOBAL_THRESHOLDS}, each evaluated on validation and on test.
     *
     * @param source   the inputs
     * @param settings the CPM settings (the margin is swept)
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static ReferenceCurves compute(CascadeSource source, CpmSettings settings, ProgressListener progress,
            CancellationToken cancel) {
        List<ScoreSet> sets = new ArrayList<>();
        sets.add(source.primary());
        source.comparisonSet().ifPresent(sets::add);
        List<CurveSet> validation = new ArrayList<>();
        List<CurveSet> test = new ArrayList<>();
        int steps = sets.size() * 2;
        int step = 0;
        for (ScoreSet set : sets) {
            for (Split split : new Split[] {Split.VALID, Split.TEST}) {
                cancel.throwIfCancelled();
                progress.report("Curves of " + set.name() + " on the " + DisplayText.splitName(split) + " split", step++,
                        steps);
                ExitScores scores = split == Split.TEST ? set.test() : set.validation();
                CascadeEvaluator evaluator = new CascadeEvaluator(scores, source.costModel());
                CurveSet curves = new CurveSet(set.name(),
                        MarginSweep.overMargin(settings, MARGINS, set.validation(), evaluator,
                                ProgressListener.NONE, cancel),
                        ThresholdSweep.overGlobalThreshold(evaluator, settings.score(), GLOBAL_THRESHOLDS,
                                ProgressListener.NONE, cancel),
                        evaluator.evaluate(Thresholds.never(scores.exitCount(),
                                scores.classCount())).backboneAccuracy(),
                        OracleExitPolicy.evaluate(scores, source.costModel(), OracleExitPolicy.Criterion.BACKBONE,
                                null).computeReduction());
                (split == Split.TEST ? test : validation).add(curves);
            }
        }
        progress.report("Curves done", steps, steps);
        return new ReferenceCurves(settings, validation, test);
    }

    /**
     * @param curves the curves, or {@code null} while none are computed (then only the header)
     * @return every point as CSV: split, score set, curve ("cpm" over the margin, "global" over the threshold),
     *         its parameter, compute reduction, accuracy and change against the backbone
     */
    public static String csv(ReferenceCurves curves) {
        List<List<String>> rows = new ArrayList<>();
        if (curves != null) {
            for (Split split : new Split[] {Split.VALID, Split.TEST}) {
                for (CurveSet set : split == Split.TEST ? curves.test() : curves.validation()) {
                    addRows(rows, split, set.name(), "cpm", set.cpm());
                    addRows(rows, split, set.name(), "global", set.global());
                }
            }
        }
        return CsvTable.of(List.of("split", "scores", "curve", "parameter", "compute_reduction", "accuracy",
                "accuracy_change"), rows);
    }

    private static void addRows(List<List<String>> rows, Split split, String set, String curve,
            List<OperatingPoint> points) {
        for (OperatingPoint p : points) {
            rows.add(List.of(DisplayText.splitName(split), set, curve, number(p.parameter()),
                    number(p.computeReduction()), number(p.accuracy()), number(p.accuracyChange())));
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
