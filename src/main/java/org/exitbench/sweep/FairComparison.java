package org.exitbench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exitbench.experiment.ConfigJson;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTrainingMode;

/**
 * The comparisons of issue 17 that are fair by construction, for every mode against the baseline:
 * <ul>
 *   <li><b>protocol (a), at the training margin</b>: each cascade as trained, at its own margin (the paper's
 *       protocol). A boosted cascade's later branches learned from the survivors of exactly that margin, so nothing
 *       is judged at a margin it was not trained for;</li>
 *   <li><b>protocol (b), matched compute along retrained curves</b>: the configurations that differ only in the
 *       definition's {@link SweepDefinition#marginAxis() margin axis} give, per mode and seed, a curve of retrained
 *       points (one per training margin); the modes are compared by the mean accuracy gap between the two curves'
 *       Pareto fronts over the compute both reach, and by the compute each saves within an accuracy budget (points
 *       chosen on validation);</li>
 *   <li><b>re-calibrated</b> (the protocol of report v1, for comparison): one trained cascade re-calibrated along
 *       the sweep's margins.</li>
 * </ul>
 * Intervals are {@link ClusterInterval cluster t-intervals}: differences that share the baseline's branches (same
 * seed and everything but CPM alike, since CPM does not change what a non-boosted branch learns) are resampled
 * together.
 *
 * <p>The ceiling rows put CPM and the global threshold (both at the training margin) beside the oracle exit policy
 * of the same branches ({@link SweepResult.Ceiling}).
 *
 * @param baseline   the baseline mode
 * @param marginAxis the margin axis, or null when the definition has none (protocol b is then empty)
 * @param modes      one per compared mode
 * @param ceilings   one per mode, the baseline included
 */
public record FairComparison(String baseline, String marginAxis, List<ModeComparison> modes,
                             List<CeilingRow> ceilings) {

    /**
     * One mode against the baseline.
     *
     * @param mode                the mode
     * @param trainedAccuracy     protocol (a): test accuracy difference, points
     * @param trainedReduction    protocol (a): test compute-reduction difference, points
     * @param byTrainingMargin    protocol (a) per level of the margin axis
     * @param matchedAccuracy     protocol (b): accuracy gap between the retrained curves' fronts, points
     * @param budgetReductions    protocol (b): per budget of the definition, the compute-reduction difference at
     *                            the retrained point chosen on validation, points
     * @param recalibratedMatched the v1 protocol's accuracy at matched compute, with the cluster interval
     * @param byAxis              protocols (a) and (b) per level of every other axis
     */
    public record ModeComparison(String mode, ClusterInterval trainedAccuracy, ClusterInterval trainedReduction,
                                 List<Level> byTrainingMargin, ClusterInterval matchedAccuracy,
                                 List<ClusterInterval> budgetReductions, ClusterInterval recalibratedMatched,
                                 List<Level> byAxis) {
    }

    /**
     * The comparison on the configurations sharing one level of an axis.
     *
     * @param axis             the axis
     * @param label            the level
     * @param trainedAccuracy  protocol (a), accuracy
     * @param trainedReduction protocol (a), compute reduction
     * @param matchedAccuracy  protocol (b), or an empty interval for the margin axis itself
     * @param budgetReductions protocol (b) per budget of the definition: the compute-reduction difference at the
     *                         retrained point chosen on validation; empty for the margin axis itself
     * @param recalibratedBudgetReductions the v1 protocol per budget: the compute-reduction difference at the
     *                         point chosen on validation along one cascade re-calibrated; with cluster intervals,
     *                         unlike the summary's per-configuration ones, since a level's configurations share
     *                         each seed's baseline
     */
    public record Level(String axis, String label, ClusterInterval trainedAccuracy,
                        ClusterInterval trainedReduction, ClusterInterval matchedAccuracy,
                        List<ClusterInterval> budgetReductions, List<ClusterInterval> recalibratedBudgetReductions) {
    }

    /**
     * Means over a mode's trained cascades (every configuration and seed) of where CPM, the global threshold and
     * the oracle put them on test, at the training margin.
     *
     * @param mode                 the mode
     * @param cascades             the cascades averaged
     * @param cpmReduction         CPM's compute reduction
     * @param cpmDrop              CPM's accuracy loss against the backbone, points
     * @param globalReduction      the global threshold's compute reduction
     * @param globalDrop           its accuracy loss, points
     * @param agreeReduction       the oracle that exits where a branch agrees with the backbone: its reduction
     *                             (accuracy: the backbone's)
     * @param rightReduction       the oracle that exits where a branch is right: its reduction
     * @param rightGain            its accuracy gain over the backbone, points
     */
    public record CeilingRow(String mode, int cascades, double cpmReduction, double cpmDrop, double globalReduction,
                             double globalDrop, double agreeReduction, double rightReduction, double rightGain) {

        /** @return the share of the agreeing oracle's saving that CPM realises */
        public double cpmShareOfCeiling() {
            return agreeReduction > 0 ? cpmReduction / agreeReduction : Double.NaN;
        }

        /** @return the share the global threshold realises */
        public double globalShareOfCeiling() {
            return agreeReduction > 0 ? globalReduction / agreeReduction : Double.NaN;
        }
    }

    /**
     * @param results per {@link SweepFolder#trialName}, the stored results
     */
    public static FairComparison of(SweepDefinition definition, List<SweepConfiguration> configurations,
                                    Map<String, SweepResult> results) {
        List<ModeComparison> modes = new ArrayList<>();
        for (BranchTrainingMode mode : definition.comparedModes()) {
            modes.add(compare(definition, configurations, results, mode));
        }
        List<CeilingRow> ceilings = new ArrayList<>();
        for (BranchTrainingMode mode : definition.modes()) {
            ceilings.add(ceiling(definition, configurations, results, mode));
        }
        return new FairComparison(ExperimentConfig.modeName(definition.baseline()), definition.marginAxis(), modes,
                ceilings);
    }

    /**
     * The verdict on "boosted beats the baseline" at the training margin (protocol a), where the two cascades
     * usually sit at different compute: it holds when the mode is better on accuracy or compute with an interval
     * above 0 and worse on neither; a trade-off (better on one, worse on the other) is "mixed".
     */
    public static String verdictAtTrainingMargin(ModeComparison m) {
        if (m.trainedAccuracy().units() == 0) {
            return "not measured";
        }
        if (!m.trainedAccuracy().hasInterval()) {
            return "undecided (one cluster)";
        }
        boolean up = m.trainedAccuracy().above() || m.trainedReduction().above();
        boolean down = m.trainedAccuracy().below() || m.trainedReduction().below();
        if (up && !down) {
            return "holds";
        }
        if (down && !up) {
            return "does not hold";
        }
        return up ? "mixed (a trade-off)" : "does not hold (no difference)";
    }

    /**
     * The verdict at the training margin, where a difference counts only beyond the definition's tolerance (the one
     * that decides ties): an interval that excludes 0 around a mean smaller than that is a real but negligible
     * difference, not evidence for or against a claim about saving compute (a 0.2-point shift of compute, say).
     *
     * @param accuracyTolerance  points of accuracy within which a difference is a tie
     * @param reductionTolerance points of compute reduction within which a difference is a tie
     */
    public static String verdictAtTrainingMargin(ModeComparison m, double accuracyTolerance,
                                                 double reductionTolerance) {
        String plain = verdictAtTrainingMargin(m);
        if (!m.trainedAccuracy().hasInterval()) {
            return plain;
        }
        ClusterInterval acc = m.trainedAccuracy();
        ClusterInterval red = m.trainedReduction();
        boolean up = beyond(acc, accuracyTolerance, true) || beyond(red, reductionTolerance, true);
        boolean down = beyond(acc, accuracyTolerance, false) || beyond(red, reductionTolerance, false);
        if (up && !down) {
            return "holds";
        }
        if (down && !up) {
            return "does not hold";
        }
        if (up) {
            return "mixed (a trade-off)";
        }
        return acc.above() || acc.below() || red.above() || red.below()
                ? "does not hold (a difference within the tolerance)" : "does not hold (no difference)";
    }

    /**
     * The verdict from a difference at matched compute or budget, counting it only beyond {@code tolerance} points
     * (see {@link #verdictAtTrainingMargin(ModeComparison, double, double)}).
     */
    public static String verdict(ClusterInterval difference, double tolerance) {
        String plain = verdict(difference);
        if (!difference.hasInterval()) {
            return plain;
        }
        if (beyond(difference, tolerance, true)) {
            return "holds";
        }
        if (beyond(difference, tolerance, false)) {
            return "does not hold";
        }
        return difference.above() || difference.below() ? "does not hold (a difference within the tolerance)"
                : "does not hold (no difference)";
    }

    private static boolean beyond(ClusterInterval d, double tolerance, boolean up) {
        return up ? d.above() && d.mean() > tolerance : d.below() && d.mean() < -tolerance;
    }

    /** The verdict on "the mode beats the baseline" from a difference at matched compute or budget. */
    public static String verdict(ClusterInterval difference) {
        if (difference.units() == 0) {
            return "not measured";
        }
        if (!difference.hasInterval()) {
            return "undecided (one cluster)";
        }
        if (difference.above()) {
            return "holds";
        }
        return difference.below() ? "does not hold" : "does not hold (no difference)";
    }

    /** @return the comparison of one mode, if it was compared */
    public Optional<ModeComparison> mode(String name) {
        return modes.stream().filter(m -> m.mode().equals(name)).findFirst();
    }

    private static ModeComparison compare(SweepDefinition definition, List<SweepConfiguration> configurations,
                                          Map<String, SweepResult> results, BranchTrainingMode mode) {
        double accTol = definition.tolerance().accuracyPoints();
        double redTol = definition.tolerance().reductionPoints();
        List<Unit> trained = new ArrayList<>();
        for (SweepConfiguration c : configurations) {
            for (long seed : definition.seeds()) {
                SweepResult r = results.get(SweepFolder.trialName(c.key(), seed));
                if (r == null || !r.succeeded() || r.mode(mode).isEmpty() || r.mode(definition.baseline()).isEmpty()) {
                    continue;
                }
                SweepResult.ModeResult a = r.mode(mode).get();
                SweepResult.ModeResult b = r.mode(definition.baseline()).get();
                trained.add(new Unit(c, seed, r, a, b, cluster(c, seed)));
            }
        }
        ClusterInterval acc = interval(trained, u -> 100 * (u.a.atTrainingMargin().testAccuracy()
                - u.b.atTrainingMargin().testAccuracy()), accTol);
        ClusterInterval red = interval(trained, u -> 100 * (u.a.atTrainingMargin().testReduction()
                - u.b.atTrainingMargin().testReduction()), redTol);
        ClusterInterval recalibrated = interval(trained, u -> 100 * SweepSummary.matchedAccuracyDifference(
                u.a.curve(), u.b.curve()), accTol);
        String axisName = definition.marginAxis();
        List<Level> byMargin = new ArrayList<>();
        List<Level> byAxis = new ArrayList<>();
        List<Curve> curves = axisName == null ? List.of() : curves(trained, axisName);
        for (SweepDefinition.Axis axis : definition.axes()) {
            for (SweepDefinition.Variant level : axis.levels()) {
                List<Unit> subset = trained.stream()
                        .filter(u -> level.label().equals(u.configuration.labels().get(axis.name()))).toList();
                ClusterInterval la = interval(subset, u -> 100 * (u.a.atTrainingMargin().testAccuracy()
                        - u.b.atTrainingMargin().testAccuracy()), accTol);
                ClusterInterval lr = interval(subset, u -> 100 * (u.a.atTrainingMargin().testReduction()
                        - u.b.atTrainingMargin().testReduction()), redTol);
                List<ClusterInterval> recalibratedBudgets = new ArrayList<>();
                for (double budget : definition.budgets()) {
                    recalibratedBudgets.add(interval(subset, u -> 100 * (u.a.atBudget(budget,
                            u.result.backboneValidAccuracy(), u.result.backboneTestAccuracy()).testReduction()
                            - u.b.atBudget(budget, u.result.backboneValidAccuracy(),
                            u.result.backboneTestAccuracy()).testReduction()), redTol));
                }
                if (axis.name().equals(axisName)) {
                    byMargin.add(new Level(axis.name(), level.label(), la, lr, ClusterInterval.of(Map.of(), 0),
                            List.of(), recalibratedBudgets));
                } else {
                    List<Curve> curveSubset = curves.stream()
                            .filter(cv -> level.label().equals(cv.labels.get(axis.name()))).toList();
                    byAxis.add(new Level(axis.name(), level.label(), la, lr, matched(curveSubset, accTol),
                            budgetReductions(definition, curveSubset), recalibratedBudgets));
                }
            }
        }
        return new ModeComparison(ExperimentConfig.modeName(mode), acc, red, byMargin, matched(curves, accTol),
                budgetReductions(definition, curves), recalibrated, byAxis);
    }

    /** Protocol (b) within each budget: the retrained point each mode's curve reaches on validation, read on test. */
    private static List<ClusterInterval> budgetReductions(SweepDefinition definition, List<Curve> curves) {
        List<ClusterInterval> budgets = new ArrayList<>();
        for (double budget : definition.budgets()) {
            ClusterInterval.Builder builder = new ClusterInterval.Builder();
            for (Curve cv : curves) {
                SweepResult.Point pa = cv.a.atBudget(budget, cv.backboneValid, cv.backboneTest);
                SweepResult.Point pb = cv.b.atBudget(budget, cv.backboneValid, cv.backboneTest);
                builder.add(cv.cluster, 100 * (pa.testReduction() - pb.testReduction()));
            }
            budgets.add(builder.build(definition.tolerance().reductionPoints()));
        }
        return budgets;
    }

    /** One trial's pair of cascades. */
    private record Unit(SweepConfiguration configuration, long seed, SweepResult result, SweepResult.ModeResult a,
                        SweepResult.ModeResult b, String cluster) {
    }

    /**
     * The retrained points of one group (configurations alike but for the training margin) and seed, per mode, as
     * mode results whose curves are those points, so the budget rule and the front gap apply unchanged.
     */
    private record Curve(Map<String, String> labels, String cluster, SweepResult.ModeResult a,
                         SweepResult.ModeResult b, double backboneValid, double backboneTest) {
    }

    private static List<Curve> curves(List<Unit> trained, String axisName) {
        Map<String, List<Unit>> groups = new LinkedHashMap<>();
        for (Unit u : trained) {
            Map<String, String> rest = new LinkedHashMap<>(u.configuration.labels());
            rest.remove(axisName);
            groups.computeIfAbsent(rest + "|seed " + u.seed, k -> new ArrayList<>()).add(u);
        }
        List<Curve> curves = new ArrayList<>();
        for (List<Unit> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            List<SweepResult.Point> pa = new ArrayList<>();
            List<SweepResult.Point> pb = new ArrayList<>();
            for (Unit u : group) {
                pa.add(u.a.atTrainingMargin());
                pb.add(u.b.atTrainingMargin());
            }
            Unit first = group.get(0);
            Map<String, String> labels = new LinkedHashMap<>(first.configuration.labels());
            labels.remove(axisName);
            curves.add(new Curve(labels, first.cluster, asMode(first.a, pa), asMode(first.b, pb),
                    first.result.backboneValidAccuracy(), first.result.backboneTestAccuracy()));
        }
        return curves;
    }

    private static SweepResult.ModeResult asMode(SweepResult.ModeResult template, List<SweepResult.Point> points) {
        return new SweepResult.ModeResult(template.mode(), template.exits(), List.of(), template.branchMacs(), 0,
                points.get(0), points, null, null);
    }

    private static ClusterInterval matched(List<Curve> curves, double tolerance) {
        ClusterInterval.Builder builder = new ClusterInterval.Builder();
        for (Curve cv : curves) {
            builder.add(cv.cluster, 100 * SweepSummary.matchedAccuracyDifference(cv.a.curve(), cv.b.curve()));
        }
        return builder.build(tolerance);
    }

    private interface Difference {
        double of(Unit unit);
    }

    private static ClusterInterval interval(List<Unit> units, Difference difference, double tolerance) {
        ClusterInterval.Builder builder = new ClusterInterval.Builder();
        for (Unit u : units) {
            builder.add(u.cluster, difference.of(u));
        }
        return builder.build(tolerance);
    }

    /**
     * The baseline's identity: what its branches learned from. A non-boosted branch does not depend on CPM (its
     * margin, form, anchor), so configurations that differ only there share the same baseline cascade up to its
     * thresholds, and their differences are not independent.
     */
    static String cluster(SweepConfiguration c, long seed) {
        JsonNode config = ConfigJson.mapper().valueToTree(c.config().withSeed(seed).withDataset("-")
                .withBackbone(null));
        if (config instanceof ObjectNode object) {
            object.remove("cpm");
        }
        return config.toString();
    }

    private static CeilingRow ceiling(SweepDefinition definition, List<SweepConfiguration> configurations,
                                      Map<String, SweepResult> results, BranchTrainingMode mode) {
        double[] sums = new double[7];
        int n = 0;
        for (SweepConfiguration c : configurations) {
            for (long seed : definition.seeds()) {
                SweepResult r = results.get(SweepFolder.trialName(c.key(), seed));
                if (r == null || !r.succeeded() || r.mode(mode).isEmpty()) {
                    continue;
                }
                SweepResult.ModeResult m = r.mode(mode).get();
                if (m.ceiling() == null || m.globalAtTrainingMargin() == null) {
                    continue;
                }
                double backbone = r.backboneTestAccuracy();
                sums[0] += m.atTrainingMargin().testReduction();
                sums[1] += 100 * (backbone - m.atTrainingMargin().testAccuracy());
                sums[2] += m.globalAtTrainingMargin().testReduction();
                sums[3] += 100 * (backbone - m.globalAtTrainingMargin().testAccuracy());
                sums[4] += m.ceiling().agreeTestReduction();
                sums[5] += m.ceiling().rightTestReduction();
                sums[6] += 100 * (m.ceiling().rightTestAccuracy() - backbone);
                n++;
            }
        }
        if (n > 0) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] /= n;
            }
        }
        double nan = Double.NaN;
        return n == 0 ? new CeilingRow(ExperimentConfig.modeName(mode), 0, nan, nan, nan, nan, nan, nan, nan)
                : new CeilingRow(ExperimentConfig.modeName(mode), n, sums[0], sums[1], sums[2], sums[3], sums[4],
                        sums[5], sums[6]);
    }
}
