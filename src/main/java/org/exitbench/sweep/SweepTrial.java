package org.exitbench.sweep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.GlobalThresholdCalibrator;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OracleExitPolicy;
import org.exitbench.cascade.ScoreRows;
import org.exitbench.model.SplitFeatures;
import org.exitbench.train.TargetLabels;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.HeadTrainer;
import org.exitbench.experiment.ExitRuleStudy;
import org.exitbench.data.Split;
import org.exitbench.experiment.ConfigJson;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.MacTable;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchFitMemo;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainer;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.BranchTrainingResult;

/**
 * One trial of a sweep: a configuration trained with one seed in each mode on the shared feature cache, and each
 * cascade evaluated at its own margin and re-calibrated along the sweep's margins (CPM on validation, evaluated
 * on validation and test).
 *
 * @param caches      the feature cache per pooling grid, each with the exits of every configuration
 * @param exitCache   the backbone vertices of the caches' exits, shallow to deep
 * @param defaultExits the exits of a configuration that names none: the backbone's own
 * @param macs        the backbone's MAC table for those exits
 * @param memo        branch fits shared between trials
 * @param margins     the margins of the curves
 */
record SweepTrial(Map<Integer, FeatureCache> caches, List<String> exitCache, List<String> defaultExits, MacTable macs,
                  BranchFitMemo memo, List<Double> margins) {

    /**
     * Trains and evaluates one configuration with one seed.
     *
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    SweepResult run(SweepConfiguration configuration, long seed, CancellationToken cancel) {
        long started = System.nanoTime();
        ExperimentConfig config = configuration.config().withSeed(seed);
        FeatureCache cache = caches.get(config.poolingGrid());
        int[] exits = exitIndices(config);
        List<SweepResult.ModeResult> modes = new ArrayList<>();
        for (BranchTrainingMode mode : config.training().modes()) {
            cancel.throwIfCancelled();
            BranchTrainingResult result = new BranchTrainer(config.branchSpec(), config.trainingSettings(mode),
                    config.cpmSettings(), memo, config.epochLength(), config.calibration()).train(cache, exits, ProgressListener.NONE, BranchTrainingListener.NONE,
                    cancel);
            modes.add(evaluate(result, config.cpmSettings(), config.calibration(), cache, configuration.exitRule(),
                    seed));
        }
        return new SweepResult(configuration.key(), configuration.id(), configuration.labels(), seed, null,
                ConfigJson.mapper().valueToTree(config), cache.split(Split.VALID).backboneAccuracy(),
                cache.split(Split.TEST).backboneAccuracy(), modes, secondsSince(started), Instant.now().toString());
    }

    /** @return the record of a trial that failed with {@code error} */
    SweepResult failed(SweepConfiguration configuration, long seed, Throwable error, long startedNanos) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + error.getMessage();
        return new SweepResult(configuration.key(), configuration.id(), configuration.labels(), seed, message,
                ConfigJson.mapper().valueToTree(configuration.config().withSeed(seed)), Double.NaN, Double.NaN,
                List.of(), secondsSince(startedNanos), Instant.now().toString());
    }

    private int[] exitIndices(ExperimentConfig config) {
        List<String> wanted = config.exitPoints() != null ? config.exitPoints() : defaultExits;
        int[] exits = new int[wanted.size()];
        for (int i = 0; i < exits.length; i++) {
            exits[i] = exitCache.indexOf(wanted.get(i));
            if (exits[i] < 0) {
                throw new IllegalStateException("exit " + wanted.get(i) + " is not in the sweep's feature cache "
                        + exitCache);
            }
        }
        return exits;
    }

    /**
     * @param exitRule the decision rule the cascade is calibrated and evaluated with (null or max-softmax: the
     *                 branches' max-softmax, exactly as before rules were pluggable)
     */
    private SweepResult.ModeResult evaluate(BranchTrainingResult result, CpmSettings cpm, CalibrationSplit split,
                                            FeatureCache cache, String exitRule, long seed) {
        String mode = ExperimentConfig.modeName(result.mode());
        List<String> skipped = result.outcomes().stream().filter(o -> !o.trained())
                .map(o -> o.vertex() + ": " + o.skipReason()).toList();
        List<String> trained = result.outcomes().stream().filter(BranchOutcome::trained).map(BranchOutcome::vertex)
                .toList();
        double seconds = result.elapsed().toNanos() / 1e9;
        if (!result.hasCascade()) {
            SweepResult.Point alone = SweepResult.Point.backboneAlone(cache.split(Split.VALID).backboneAccuracy(),
                    cache.split(Split.TEST).backboneAccuracy(), 0);
            return new SweepResult.ModeResult(mode, trained, skipped, List.of(), seconds, alone, List.of(), null,
                    null);
        }
        CostModel costs = ExperimentPipeline.costModel(result.cacheExits(), result.branchMacs(), macs);
        if (exitRule != null && !exitRule.equals("max-softmax")) {
            return evaluateWithRule(result, cpm, split, cache, costs, exitRule, seed, mode, trained, skipped, seconds);
        }
        CascadeEvaluator valid = new CascadeEvaluator(result.validScores(), costs);
        CascadeEvaluator test = new CascadeEvaluator(result.testScores(), costs);
        // CPM re-calibrates on the calibration part alone, and validation numbers come from the other part, so an
        // operating point chosen on validation was not fitted there (the whole split when the split is off).
        SplitFeatures validSplit = cache.split(Split.VALID);
        CalibrationSplit.Parts parts = split.split(validSplit.labels());
        boolean[] held = split.isOn() ? parts.stoppingMask() : null;
        ExitScores calibration = ScoreRows.select(result.validProbabilities().toArray(float[][]::new),
                TargetLabels.backboneProbabilities(validSplit), validSplit.labels(), cache.numClasses(),
                parts.calibration());
        SweepResult.Point trainedAt = point(cpm.margin(), result.thresholds(), valid, test, held);
        List<SweepResult.Point> curve = new ArrayList<>(margins.size());
        for (double m : margins) {
            Thresholds t = new CpmCalibrator(cpm.toBuilder().margin(m).build()).calibrate(calibration);
            curve.add(point(m, t, valid, test, held));
        }
        Thresholds global = new GlobalThresholdCalibrator(cpm).calibrate(calibration);
        SweepResult.Point globalAt = point(cpm.margin(), global, valid, test, held);
        List<Long> branchMacs = new ArrayList<>();
        for (long m : result.branchMacs()) {
            branchMacs.add(m);
        }
        return new SweepResult.ModeResult(mode, trained, skipped, branchMacs, seconds, trainedAt, curve, globalAt,
                ceiling(result, costs, held));
    }

    /**
     * As the max-softmax evaluation, with a fitted decision rule (issue 20): the rule is fitted as {@code exitbench
     * exit-rules} fits it (temperature on the calibration rows, heads on the training split's survivors under the
     * trained thresholds, seeded by the trial), its score replaces the branches' max-softmax, CPM calibrates on that
     * score, and a head's MACs are charged to its exit. The ceiling does not depend on the rule.
     */
    private SweepResult.ModeResult evaluateWithRule(BranchTrainingResult result, CpmSettings cpm,
                                                    CalibrationSplit split, FeatureCache cache, CostModel costs,
                                                    String exitRule, long seed, String mode, List<String> trained,
                                                    List<String> skipped, double seconds) {
        int classes = cache.numClasses();
        SplitFeatures validSplit = cache.split(Split.VALID);
        CalibrationSplit.Parts parts = split.split(validSplit.labels());
        boolean[] held = split.isOn() ? parts.stoppingMask() : null;
        float[][] validProbabilities = result.validProbabilities().toArray(float[][]::new);
        ExitScores calibration = ScoreRows.select(validProbabilities, TargetLabels.backboneProbabilities(validSplit),
                validSplit.labels(), classes, parts.calibration());
        DecisionInputs validInputs = DecisionInputs.of(validProbabilities, classes);
        DecisionInputs calibrationInputs = validInputs.rows(parts.calibration());
        int[] calibrationLabels = new int[calibration.sampleCount()];
        for (int i = 0; i < calibrationLabels.length; i++) {
            calibrationLabels[i] = calibration.label(i);
        }
        ExitDecisionRule rule = ExitRuleStudy.fit(ExitRuleStudy.RuleChoice.parse(exitRule), calibrationInputs,
                calibrationLabels, () -> headData(result, cache, costs), HeadTrainer.Settings.defaults(seed));
        CostModel charged = rule.withCost(costs);
        CascadeEvaluator valid = new CascadeEvaluator(rule.attach(result.validScores(), validInputs), charged);
        CascadeEvaluator test = new CascadeEvaluator(rule.attach(result.testScores(), DecisionInputs.of(
                result.testProbabilities().toArray(float[][]::new), classes)), charged);
        ExitScores ruleCalibration = rule.attach(calibration, calibrationInputs);
        CpmSettings onRule = cpm.toBuilder().score(rule.slot()).build();
        SweepResult.Point trainedAt = point(cpm.margin(), new CpmCalibrator(onRule).calibrate(ruleCalibration),
                valid, test, held);
        List<SweepResult.Point> curve = new ArrayList<>(margins.size());
        for (double m : margins) {
            Thresholds t = new CpmCalibrator(onRule.toBuilder().margin(m).build()).calibrate(ruleCalibration);
            curve.add(point(m, t, valid, test, held));
        }
        Thresholds global = new GlobalThresholdCalibrator(onRule).calibrate(ruleCalibration);
        SweepResult.Point globalAt = point(cpm.margin(), global, valid, test, held);
        List<Long> branchMacs = new ArrayList<>();
        for (long m : charged.branchMacs()) {
            branchMacs.add(m);
        }
        return new SweepResult.ModeResult(mode, trained, skipped, branchMacs, seconds, trainedAt, curve, globalAt,
                ceiling(result, costs, held));
    }

    /** The training split as the trained branches answer it, and who reaches each exit under their thresholds. */
    private static ExitRuleStudy.HeadData headData(BranchTrainingResult result, FeatureCache cache, CostModel costs) {
        SplitFeatures train = cache.split(Split.TRAIN);
        int exits = result.branches().size();
        float[][] probabilities = new float[exits][];
        for (int j = 0; j < exits; j++) {
            probabilities[j] = result.branches().get(j).probabilities(train.features(result.cacheExits()[j]), null);
        }
        int classes = cache.numClasses();
        ExitScores scores = ExitScores.fromProbabilities(probabilities, train.predictions(), train.labels(), classes);
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, costs);
        evaluator.evaluate(result.thresholds());
        boolean[][] reaching = new boolean[exits][train.size()];
        for (int k = 0; k < exits; k++) {
            evaluator.survivorsAt(k, reaching[k]);
        }
        return new ExitRuleStudy.HeadData(DecisionInputs.of(probabilities, classes), train.predictions(),
                train.labels(), reaching);
    }

    private static SweepResult.Ceiling ceiling(BranchTrainingResult result, CostModel costs, boolean[] held) {
        OracleExitPolicy.Result rightValid = OracleExitPolicy.evaluate(result.validScores(), costs,
                OracleExitPolicy.Criterion.GROUND_TRUTH, held);
        OracleExitPolicy.Result rightTest = OracleExitPolicy.evaluate(result.testScores(), costs,
                OracleExitPolicy.Criterion.GROUND_TRUTH, null);
        OracleExitPolicy.Result agreeValid = OracleExitPolicy.evaluate(result.validScores(), costs,
                OracleExitPolicy.Criterion.BACKBONE, held);
        OracleExitPolicy.Result agreeTest = OracleExitPolicy.evaluate(result.testScores(), costs,
                OracleExitPolicy.Criterion.BACKBONE, null);
        return new SweepResult.Ceiling(rightValid.computeReduction(), rightTest.accuracy(),
                rightTest.computeReduction(), agreeValid.computeReduction(), agreeTest.accuracy(),
                agreeTest.computeReduction());
    }

    private static SweepResult.Point point(double margin, Thresholds thresholds, CascadeEvaluator valid,
                                           CascadeEvaluator test, boolean[] validSubset) {
        return SweepResult.Point.of(margin, valid.evaluate(thresholds, validSubset), test.evaluate(thresholds));
    }

    private static double secondsSince(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
