package org.exitbench.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTrainingMode;

/**
 * What a sweep found: for every mode compared with the baseline, paired differences per trial and their
 * {@link PairedStatistics} over the whole grid and per axis value; and, per mode and accuracy budget, the largest
 * compute reduction a configuration reaches.
 *
 * <p>The metrics, each "mode − baseline" on the same configuration and seed, in percentage points:
 * <ul>
 *   <li><b>reduction at ≤ b points</b>: for each mode, the margin whose validation accuracy is within b points of
 *       the backbone's and that saves the most compute on validation; the difference of the test compute
 *       reductions at those margins ({@link SweepResult.ModeResult#atBudget}). Both modes get the same budget, so
 *       this compares what each saves for the same accuracy, chosen as a user would, without looking at test.</li>
 *   <li><b>accuracy at matched compute</b>: the mean, over the compute reductions both modes' test curves reach,
 *       of the difference between the best test accuracy each reaches with at least that reduction (the area
 *       between the two Pareto fronts, divided by the range's width). It reads the test split for the fronts, the
 *       same way for both modes.</li>
 *   <li><b>accuracy / reduction at the training margin</b>: the cascades as trained, at the configuration's own
 *       margin (the paper's setting). The two modes then usually sit at different compute, so neither difference
 *       alone says which mode is better.</li>
 * </ul>
 *
 * @param baseline   the mode compared against
 * @param trials     trials in the definition (configurations × seeds)
 * @param finished   of those, how many have a result that succeeded
 * @param failed     how many failed
 * @param comparisons one per mode other than the baseline
 * @param best       per mode and budget, the configuration with the largest reduction
 */
public record SweepSummary(String baseline, int trials, int finished, int failed, List<Comparison> comparisons,
                           List<BestReduction> best) {

    /**
     * A measure compared between two modes.
     *
     * @param id        its CSV name, e.g. "reduction_at_2"
     * @param title     what reports call it
     * @param reduction whether it is a compute reduction (else an accuracy): which tolerance applies
     * @param budget    the accuracy budget it is measured at, or NaN
     */
    public record Metric(String id, String title, boolean reduction, double budget) {
    }

    /**
     * One metric's statistics.
     *
     * @param metric     the metric
     * @param statistics the paired statistics
     */
    public record MetricStatistics(Metric metric, PairedStatistics statistics) {
    }

    /**
     * The differences of one trial.
     *
     * @param configuration the configuration
     * @param seed          the seed
     * @param differences   per metric id, mode − baseline in points (NaN when undefined)
     */
    public record PairedTrial(SweepConfiguration configuration, long seed, Map<String, Double> differences) {
    }

    /**
     * The statistics of the configurations that share one value of an axis.
     *
     * @param axis    the axis
     * @param label   its value
     * @param metrics the statistics of each metric on those configurations
     */
    public record Level(String axis, String label, List<MetricStatistics> metrics) {
    }

    /**
     * One mode against the baseline.
     *
     * @param mode     the mode
     * @param metrics  the metrics, in report order
     * @param overall  their statistics over every configuration
     * @param levels   their statistics per axis value
     * @param trials   the paired differences of every trial where both modes finished
     */
    public record Comparison(String mode, List<Metric> metrics, List<MetricStatistics> overall, List<Level> levels,
                             List<PairedTrial> trials) {
    }

    /**
     * The largest compute reduction one mode reaches within an accuracy budget.
     *
     * @param mode             the mode
     * @param budget           the budget in points
     * @param configuration    the configuration chosen on validation (largest mean validation reduction), or null
     *                         when none saves compute within the budget
     * @param seeds            seeds averaged
     * @param testReduction    its mean test reduction
     * @param testDrop         its mean test accuracy loss in points
     * @param bestOnTest       the configuration with the largest mean test reduction among those whose mean test
     *                         loss is within the budget: chosen on test, so optimistic (as a best-case table is)
     * @param bestTestReduction that configuration's mean test reduction
     * @param bestTestDrop     and its mean test loss
     */
    public record BestReduction(String mode, double budget, SweepConfiguration configuration, int seeds,
                                double testReduction, double testDrop, SweepConfiguration bestOnTest,
                                double bestTestReduction, double bestTestDrop) {
    }

    /**
     * Computes the summary.
     *
     * @param results per {@link SweepFolder#trialName}, the stored results (others than the definition's are
     *                ignored)
     */
    public static SweepSummary of(SweepDefinition definition, List<SweepConfiguration> configurations,
                                  Map<String, SweepResult> results) {
        int trials = 0;
        int finished = 0;
        int failed = 0;
        for (SweepConfiguration c : configurations) {
            for (long seed : definition.seeds()) {
                trials++;
                SweepResult r = results.get(SweepFolder.trialName(c.key(), seed));
                if (r != null) {
                    finished += r.succeeded() ? 1 : 0;
                    failed += r.succeeded() ? 0 : 1;
                }
            }
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (BranchTrainingMode mode : definition.comparedModes()) {
            comparisons.add(compare(definition, configurations, results, mode));
        }
        List<BestReduction> best = new ArrayList<>();
        for (BranchTrainingMode mode : definition.modes()) {
            for (double budget : definition.budgets()) {
                best.add(best(definition, configurations, results, mode, budget));
            }
        }
        return new SweepSummary(ExperimentConfig.modeName(definition.baseline()), trials, finished, failed,
                comparisons, best);
    }

    /** @return the metrics of a definition, in report order */
    public static List<Metric> metrics(SweepDefinition definition) {
        List<Metric> metrics = new ArrayList<>();
        for (double b : definition.budgets()) {
            metrics.add(new Metric("reduction_at_" + number(b), "compute reduction at ≤ " + number(b)
                    + " point" + (b == 1 ? "" : "s") + " loss", true, b));
        }
        metrics.add(new Metric("matched_accuracy", "accuracy at matched compute", false, Double.NaN));
        metrics.add(new Metric("trained_accuracy", "accuracy at the training margin", false, Double.NaN));
        metrics.add(new Metric("trained_reduction", "compute reduction at the training margin", true, Double.NaN));
        return metrics;
    }

    /** @return a budget or tolerance as written: "2", "0.5" */
    public static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static Comparison compare(SweepDefinition definition, List<SweepConfiguration> configurations,
                                      Map<String, SweepResult> results, BranchTrainingMode mode) {
        List<Metric> metrics = metrics(definition);
        List<PairedTrial> paired = new ArrayList<>();
        for (SweepConfiguration c : configurations) {
            for (long seed : definition.seeds()) {
                SweepResult r = results.get(SweepFolder.trialName(c.key(), seed));
                if (r == null || !r.succeeded()) {
                    continue;
                }
                Optional<SweepResult.ModeResult> a = r.mode(mode);
                Optional<SweepResult.ModeResult> b = r.mode(definition.baseline());
                if (a.isPresent() && b.isPresent()) {
                    paired.add(new PairedTrial(c, seed, differences(metrics, r, a.get(), b.get())));
                }
            }
        }
        List<MetricStatistics> overall = statistics(metrics, paired, definition.tolerance());
        List<Level> levels = new ArrayList<>();
        for (SweepDefinition.Axis axis : definition.axes()) {
            for (SweepDefinition.Variant level : axis.levels()) {
                List<PairedTrial> subset = paired.stream()
                        .filter(p -> level.label().equals(p.configuration().labels().get(axis.name()))).toList();
                levels.add(new Level(axis.name(), level.label(), statistics(metrics, subset,
                        definition.tolerance())));
            }
        }
        return new Comparison(ExperimentConfig.modeName(mode), metrics, overall, levels, paired);
    }

    private static Map<String, Double> differences(List<Metric> metrics, SweepResult r, SweepResult.ModeResult a,
                                                   SweepResult.ModeResult b) {
        Map<String, Double> d = new LinkedHashMap<>();
        for (Metric m : metrics) {
            double value;
            if (!Double.isNaN(m.budget())) {
                value = 100 * (a.atBudget(m.budget(), r.backboneValidAccuracy(), r.backboneTestAccuracy())
                        .testReduction() - b.atBudget(m.budget(), r.backboneValidAccuracy(),
                        r.backboneTestAccuracy()).testReduction());
            } else if (m.id().equals("matched_accuracy")) {
                value = 100 * matchedAccuracyDifference(a.curve(), b.curve());
            } else if (m.id().equals("trained_accuracy")) {
                value = 100 * (a.atTrainingMargin().testAccuracy() - b.atTrainingMargin().testAccuracy());
            } else {
                value = 100 * (a.atTrainingMargin().testReduction() - b.atTrainingMargin().testReduction());
            }
            d.put(m.id(), value);
        }
        return d;
    }

    private static List<MetricStatistics> statistics(List<Metric> metrics, List<PairedTrial> paired,
                                                     SweepDefinition.Tolerance tolerance) {
        List<MetricStatistics> out = new ArrayList<>();
        for (Metric m : metrics) {
            Map<String, List<Double>> byUnit = new LinkedHashMap<>();
            for (PairedTrial p : paired) {
                byUnit.computeIfAbsent(p.configuration().key(), k -> new ArrayList<>())
                        .add(p.differences().get(m.id()));
            }
            out.add(new MetricStatistics(m, PairedStatistics.of(byUnit,
                    m.reduction() ? tolerance.reductionPoints() : tolerance.accuracyPoints())));
        }
        return out;
    }

    /** The number of steps the common compute range is divided into for the matched-compute mean. */
    private static final int RANGE_STEPS = 200;

    /**
     * The mean difference in test accuracy between two curves' Pareto fronts over the compute reductions both
     * reach (from the larger of their smallest reductions, and at least 0, to the smaller of their largest).
     *
     * @return a fraction (not points); NaN when the ranges do not overlap or a curve is empty
     */
    static double matchedAccuracyDifference(List<SweepResult.Point> a, List<SweepResult.Point> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Double.NaN;
        }
        double low = Math.max(0, Math.max(minReduction(a), minReduction(b)));
        double high = Math.min(maxReduction(a), maxReduction(b));
        if (!(high > low)) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i <= RANGE_STEPS; i++) {
            double r = low + (high - low) * i / RANGE_STEPS;
            sum += attainable(a, r) - attainable(b, r);
        }
        return sum / (RANGE_STEPS + 1);
    }

    /** @return the best test accuracy among points with a test reduction of at least {@code reduction} */
    static double attainable(List<SweepResult.Point> curve, double reduction) {
        double best = Double.NaN;
        for (SweepResult.Point p : curve) {
            if (p.testReduction() >= reduction - 1e-12 && (Double.isNaN(best) || p.testAccuracy() > best)) {
                best = p.testAccuracy();
            }
        }
        return best;
    }

    private static double minReduction(List<SweepResult.Point> curve) {
        return curve.stream().mapToDouble(SweepResult.Point::testReduction).min().orElse(Double.NaN);
    }

    private static double maxReduction(List<SweepResult.Point> curve) {
        return curve.stream().mapToDouble(SweepResult.Point::testReduction).max().orElse(Double.NaN);
    }

    private static BestReduction best(SweepDefinition definition, List<SweepConfiguration> configurations,
                                      Map<String, SweepResult> results, BranchTrainingMode mode, double budget) {
        SweepConfiguration chosen = null;
        double[] chosenMeans = null;
        SweepConfiguration onTest = null;
        double[] onTestMeans = null;
        for (SweepConfiguration c : configurations) {
            double[] means = budgetMeans(definition, results, c, mode, budget);
            if (means == null) {
                continue;
            }
            // means: valid reduction, valid accuracy, test reduction, test drop (points), seeds
            if (means[0] > 0 && (chosenMeans == null || means[0] > chosenMeans[0]
                    || (means[0] == chosenMeans[0] && means[1] > chosenMeans[1]))) {
                chosen = c;
                chosenMeans = means;
            }
            if (means[3] <= budget + 1e-9 && means[2] > 0 && (onTestMeans == null || means[2] > onTestMeans[2])) {
                onTest = c;
                onTestMeans = means;
            }
        }
        String name = ExperimentConfig.modeName(mode);
        return new BestReduction(name, budget, chosen, chosenMeans == null ? 0 : (int) chosenMeans[4],
                chosenMeans == null ? 0 : chosenMeans[2], chosenMeans == null ? 0 : chosenMeans[3], onTest,
                onTestMeans == null ? 0 : onTestMeans[2], onTestMeans == null ? 0 : onTestMeans[3]);
    }

    /** @return the seed means at a budget: valid reduction, valid accuracy, test reduction, test drop, seeds */
    private static double[] budgetMeans(SweepDefinition definition, Map<String, SweepResult> results,
                                        SweepConfiguration c, BranchTrainingMode mode, double budget) {
        double[] sums = new double[5];
        for (long seed : definition.seeds()) {
            SweepResult r = results.get(SweepFolder.trialName(c.key(), seed));
            if (r == null || !r.succeeded() || r.mode(mode).isEmpty()) {
                continue;
            }
            SweepResult.Point p = r.mode(mode).get().atBudget(budget, r.backboneValidAccuracy(),
                    r.backboneTestAccuracy());
            sums[0] += p.validReduction();
            sums[1] += p.validAccuracy();
            sums[2] += p.testReduction();
            sums[3] += 100 * (r.backboneTestAccuracy() - p.testAccuracy());
            sums[4]++;
        }
        if (sums[4] == 0) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            sums[i] /= sums[4];
        }
        return sums;
    }

    /** @return the comparison of one mode, if it was compared */
    public Optional<Comparison> comparison(String mode) {
        return comparisons.stream().filter(c -> c.mode().equals(mode)).findFirst();
    }
}
