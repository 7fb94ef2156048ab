package org.exitbench.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.calibrate.AccuracyBudget;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.OracleExitPolicy;
import org.exitbench.cascade.ScoreRows;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.AgreementRule;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.EntropyRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.HeadTrainer;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.cascade.decision.TemperatureFit;
import org.exitbench.data.Split;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.SplitFeatures;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;

/**
 * Exit decision rules measured against the ceiling on one saved run (issue 20): for each rule, the rule is fitted
 * (temperatures on the calibration split, heads on the training split's survivors), CPM calibrates per-class
 * thresholds on its scores on the calibration split at every margin of a list, and each margin's cascade is
 * evaluated on the other validation half (where operating points are chosen, as the fair protocol does) and on
 * test. Within each accuracy budget the margin saving the most validation compute is chosen and reported on test,
 * next to the oracle exit policy that lets every sample leave at the first exit agreeing with the backbone.
 *
 * <p>The branches are the run's: rules change only the decision. Training-split probabilities come from the run's
 * branches applied to its feature cache (the cache the run names must still be there).
 */
public final class ExitRuleStudy {

    /** The rules the study knows, by the names the command line and reports use. */
    public enum Kind {
        MAX_SOFTMAX("max-softmax"), ENTROPY("entropy"), TEMPERATURE("temperature"),
        LEARNED_HEAD("learned-head"), LOGISTIC_HEAD("logistic-head");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One rule to study.
     *
     * @param kind      the base rule
     * @param agreement whether exits fire only when their answer equals the previous exit's
     */
    public record RuleChoice(Kind kind, boolean agreement) {

        public RuleChoice {
            Objects.requireNonNull(kind, "kind");
        }

        /** @return e.g. {@code learned-head+agreement} */
        public String label() {
            return kind.label() + (agreement ? "+agreement" : "");
        }

        /**
         * @param text a kind's label, optionally followed by {@code +agreement}
         * @throws IllegalArgumentException naming the accepted names
         */
        public static RuleChoice parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            boolean agreement = t.endsWith("+agreement");
            String base = agreement ? t.substring(0, t.length() - "+agreement".length()) : t;
            for (Kind k : Kind.values()) {
                if (k.label().equals(base)) {
                    return new RuleChoice(k, agreement);
                }
            }
            StringBuilder names = new StringBuilder();
            for (Kind k : Kind.values()) {
                names.append(names.isEmpty() ? "" : ", ").append(k.label());
            }
            throw new IllegalArgumentException("\"" + text + "\" is not a decision rule: use one of " + names
                    + ", each optionally followed by +agreement");
        }

        /** @return max-softmax, entropy, temperature, learned-head and logistic-head, each alone and with agreement */
        public static List<RuleChoice> all() {
            List<RuleChoice> list = new ArrayList<>();
            for (boolean agreement : new boolean[] {false, true}) {
                for (Kind k : Kind.values()) {
                    list.add(new RuleChoice(k, agreement));
                }
            }
            return list;
        }
    }

    /**
     * @param rules   the rules, the first being the reference the gap is measured from (CPM on max-softmax)
     * @param margins CPM margins of each rule's curve
     * @param budgets accuracy budgets in points
     * @param head    how learned heads train (the logistic head uses the same settings with no hidden layer)
     */
    public record Settings(List<RuleChoice> rules, List<Double> margins, List<Double> budgets,
                           HeadTrainer.Settings head) {

        public Settings {
            rules = List.copyOf(rules);
            margins = List.copyOf(margins);
            budgets = List.copyOf(budgets);
            Objects.requireNonNull(head, "head");
            if (rules.isEmpty() || margins.isEmpty()) {
                throw new IllegalArgumentException("at least one rule and one margin are needed");
            }
        }

        /** @return every rule, margins −0.1 to 0.5 (the sweeps' list), budgets 1 and 2 points, default heads */
        public static Settings defaults(long seed) {
            List<Double> margins = new ArrayList<>();
            for (double m : new double[] {-0.1, -0.075, -0.05, -0.04, -0.03, -0.025, -0.02, -0.015, -0.01, -0.005}) {
                margins.add(m);
            }
            for (int i = 0; i <= 20; i++) {
                margins.add(i * 0.005);
            }
            for (int i = 11; i <= 20; i++) {
                margins.add(i * 0.01);
            }
            for (double m : new double[] {0.22, 0.24, 0.26, 0.28, 0.3, 0.35, 0.4, 0.5}) {
                margins.add(m);
            }
            return new Settings(RuleChoice.all(), margins, List.of(1.0, 2.0), HeadTrainer.Settings.defaults(seed));
        }
    }

    /**
     * One margin of a rule's curve.
     *
     * @param margin          CPM's margin
     * @param validAccuracy   accuracy on the validation samples CPM did not calibrate on
     * @param validReduction  compute reduction there
     * @param testAccuracy    accuracy on test
     * @param testReduction   compute reduction on test
     * @param testLossPoints  the backbone's test accuracy minus the cascade's, in points
     */
    public record Point(double margin, double validAccuracy, double validReduction, double testAccuracy,
                        double testReduction, double testLossPoints) {
    }

    /**
     * The point chosen within one budget.
     *
     * @param budgetPoints the budget
     * @param point        the chosen margin's point; empty when no margin saves compute within the budget on
     *                     validation (the backbone alone is then the operating point: 0 saved, 0 lost)
     * @param thresholds   the chosen margin's thresholds on the rule's score; null with no point
     */
    public record Choice(double budgetPoints, Optional<Point> point, Thresholds thresholds) {

        /** @return the test compute reduction, 0 for the backbone alone */
        public double testReduction() {
            return point.map(Point::testReduction).orElse(0.0);
        }

        /** @return the test accuracy loss in points, 0 for the backbone alone */
        public double testLossPoints() {
            return point.map(Point::testLossPoints).orElse(0.0);
        }
    }

    /**
     * One rule on one run's mode.
     *
     * @param rule        the rule's label
     * @param fitted      the fitted rule
     * @param ruleMacs    per exit, the rule's own MACs (charged to the exit's branch)
     * @param curve       one point per margin
     * @param choices     one per budget
     * @param fitSeconds  time spent fitting the rule
     * @param testAuc     per exit, how well the score ranks the test samples whose answer there equals the
     *                    backbone's above the others (area under the ROC curve over every test sample; 0.5 = no
     *                    information): what limits a rule before CPM and the budget come in
     */
    public record RuleResult(String rule, ExitDecisionRule fitted, List<Long> ruleMacs, List<Point> curve,
                             List<Choice> choices, double fitSeconds, List<Double> testAuc) {
    }

    /**
     * The study of one mode of one run.
     *
     * @param runId              the run
     * @param seed               its seed
     * @param mode               the training mode
     * @param backboneTestAccuracy the backbone's test accuracy
     * @param ceilingTest        the oracle (first exit agreeing with the backbone) compute reduction on test
     * @param ceilingValid       the same on the validation samples points are chosen on
     * @param trainSurvivors     per exit, the training samples reaching it under the run's thresholds
     * @param rules              one result per rule, in the settings' order
     */
    public record Result(String runId, long seed, String mode, double backboneTestAccuracy, double ceilingTest,
                         double ceilingValid, List<Integer> trainSurvivors, List<RuleResult> rules) {
    }

    private ExitRuleStudy() {
    }

    /**
     * Studies one mode of a run.
     *
     * @throws StoreException       naming the file when the run's cache or branches cannot be read
     * @throws IllegalArgumentException when the mode has no cascade
     */
    public static Result study(ExperimentRun run, BranchTrainingMode mode, Settings settings) {
        ExperimentRun.ModeResult modeResult = run.mode(mode)
                .orElseThrow(() -> new IllegalArgumentException("run " + run.id() + " has no mode " + mode));
        if (!modeResult.hasCascade()) {
            throw new IllegalArgumentException("mode " + mode + " of run " + run.id() + " has no trained branch");
        }
        ExitScores valid = modeResult.validScores();
        ExitScores test = modeResult.testScores();
        CostModel costs = modeResult.costModel();
        int classes = valid.classCount();
        DecisionInputs validInputs = DecisionInputs.of(run.exitProbabilities(mode, "valid"), classes);
        DecisionInputs testInputs = DecisionInputs.of(run.exitProbabilities(mode, "test"), classes);

        // The calibration split of the run's own configuration (the whole validation split when it is off).
        int[] validLabels = labels(valid);
        CalibrationSplit split = run.config().calibration();
        CalibrationSplit.Parts parts = split.split(validLabels);
        boolean[] held = split.isOn() ? parts.stoppingMask() : null;
        int[] calibrationRows = split.isOn() ? parts.calibration() : all(valid.sampleCount());
        float[] validBackbone = backboneProbabilities(run, "valid");
        ExitScores calibration = ScoreRows.select(validInputs.exitProbabilities(), validBackbone, validLabels,
                classes, calibrationRows);
        DecisionInputs calibrationInputs = validInputs.rows(calibrationRows);

        Training training = training(run, mode, modeResult, classes);
        CpmSettings cpm = run.config().cpmSettings();
        OracleExitPolicy.Result ceilingTest = OracleExitPolicy.evaluate(test, costs,
                OracleExitPolicy.Criterion.BACKBONE, null);
        OracleExitPolicy.Result ceilingValid = OracleExitPolicy.evaluate(valid, costs,
                OracleExitPolicy.Criterion.BACKBONE, held);

        List<RuleResult> results = new ArrayList<>();
        Map<Kind, ExitDecisionRule> fittedBases = new LinkedHashMap<>();
        for (RuleChoice choice : settings.rules()) {
            long started = System.nanoTime();
            ExitDecisionRule base = fittedBases.computeIfAbsent(choice.kind(),
                    k -> fit(k, calibrationInputs, calibration, training, settings.head()));
            ExitDecisionRule rule = choice.agreement() ? new AgreementRule(base) : base;
            double fitSeconds = (System.nanoTime() - started) / 1e9;
            CostModel charged = rule.withCost(costs);
            ExitScores ruleValid = rule.attach(valid, validInputs);
            ExitScores ruleTest = rule.attach(test, testInputs);
            ExitScores ruleCalibration = rule.attach(calibration, calibrationInputs);
            CascadeEvaluator validEvaluator = new CascadeEvaluator(ruleValid, charged);
            CascadeEvaluator testEvaluator = new CascadeEvaluator(ruleTest, charged);
            List<Point> curve = new ArrayList<>();
            List<OperatingPoint> validPoints = new ArrayList<>();
            for (double m : settings.margins()) {
                CpmSettings at = cpm.toBuilder().margin(m).score(rule.slot()).build();
                Thresholds t = new CpmCalibrator(at).calibrate(ruleCalibration);
                CascadeResult v = validEvaluator.evaluate(t, held);
                CascadeResult s = testEvaluator.evaluate(t);
                curve.add(new Point(m, v.accuracy(), v.computeReduction(), s.accuracy(), s.computeReduction(),
                        -100 * s.accuracyChange()));
                validPoints.add(OperatingPoint.of(m, v, t));
            }
            List<Choice> choices = new ArrayList<>();
            for (double budget : settings.budgets()) {
                Optional<OperatingPoint> chosen = AccuracyBudget.largestSavingWithin(validPoints, budget);
                choices.add(new Choice(budget, chosen.map(p -> curve.get(validPoints.indexOf(p))),
                        chosen.map(OperatingPoint::thresholds).orElse(null)));
            }
            List<Long> macs = new ArrayList<>();
            for (int k = 0; k < valid.exitCount(); k++) {
                macs.add(rule.macs(k));
            }
            List<Double> auc = new ArrayList<>();
            for (int k = 0; k < valid.exitCount(); k++) {
                auc.add(agreementAuc(ruleTest, rule.slot(), k));
            }
            results.add(new RuleResult(choice.label(), rule, macs, curve, choices, fitSeconds, auc));
        }
        return new Result(run.id(), run.metrics().provenance().seed(), ExperimentConfig.modeName(mode),
                test.hasBackboneProbabilities() ? backboneAccuracy(test) : Double.NaN,
                ceilingTest.computeReduction(), ceilingValid.computeReduction(), training.survivors, results);
    }

    private static ExitDecisionRule fit(Kind kind, DecisionInputs calibrationInputs, ExitScores calibration,
                                        Training training, HeadTrainer.Settings head) {
        return fit(new RuleChoice(kind, false), calibrationInputs, labels(calibration),
                () -> new HeadData(training.inputs, training.backbone, training.labels, training.reaching), head);
    }

    /**
     * What a learned head trains on: the training split as the cascade's branches answer it.
     *
     * @param inputs   the branches' training-split probabilities
     * @param backbone the backbone's answer per training sample
     * @param labels   the true class per training sample
     * @param reaching per exit and sample, whether the sample reaches the exit (BTS-EE's survivors), or null for all
     */
    public record HeadData(DecisionInputs inputs, int[] backbone, int[] labels, boolean[][] reaching) {
    }

    /**
     * Fits one rule as the study does: temperature by NLL on the calibration rows, heads on the training split's
     * survivors (read only for a head, since computing the training outputs costs a pass over the split).
     *
     * @param calibrationLabels the true class of each calibration row
     * @param headData          supplies the heads' training data
     */
    public static ExitDecisionRule fit(RuleChoice choice, DecisionInputs calibrationInputs, int[] calibrationLabels,
                                       java.util.function.Supplier<HeadData> headData, HeadTrainer.Settings head) {
        ExitDecisionRule base = switch (choice.kind()) {
            case MAX_SOFTMAX -> MaxSoftmaxRule.INSTANCE;
            case ENTROPY -> EntropyRule.INSTANCE;
            case TEMPERATURE -> TemperatureFit.fit(calibrationInputs, calibrationLabels, null);
            case LEARNED_HEAD, LOGISTIC_HEAD -> {
                HeadData d = headData.get();
                yield new HeadTrainer(choice.kind() == Kind.LOGISTIC_HEAD ? head.withHidden(0) : head)
                        .train(d.inputs(), d.backbone(), d.labels(), d.reaching());
            }
        };
        return choice.agreement() ? new AgreementRule(base) : base;
    }

    /** The training split as the run's branches see it, and who reaches each exit under the run's thresholds. */
    private record Training(DecisionInputs inputs, int[] backbone, int[] labels, boolean[][] reaching,
                            List<Integer> survivors) {
    }

    private static Training training(ExperimentRun run, BranchTrainingMode mode, ExperimentRun.ModeResult result,
                                     int classes) {
        Path cacheFolder = Path.of(run.metrics().provenance().featureCache());
        FeatureCache cache = FeatureCache.load(cacheFolder);
        SplitFeatures train = cache.split(Split.TRAIN);
        List<String> vertices = cache.exitPoints().vertices();
        int exits = result.cascadeBranches().size();
        float[][] probabilities = new float[exits][];
        for (int j = 0; j < exits; j++) {
            String vertex = result.cascadeBranches().get(j).vertex();
            int at = vertices.indexOf(vertex);
            if (at < 0) {
                throw new StoreException(cacheFolder, "has no features for exit " + vertex + " of run " + run.id());
            }
            probabilities[j] = run.loadBranch(mode, j).probabilities(train.features(at), null);
        }
        DecisionInputs inputs = DecisionInputs.of(probabilities, classes);
        ExitScores scores = ExitScores.fromProbabilities(probabilities, train.predictions(), train.labels(), classes);
        // BTS-EE's in-sample survivors: the run's own thresholds applied to the branches' training answers.
        CascadeEvaluator evaluator = new CascadeEvaluator(scores, result.costModel());
        evaluator.evaluate(result.thresholds());
        boolean[][] reaching = new boolean[exits][train.size()];
        List<Integer> counts = new ArrayList<>();
        for (int k = 0; k < exits; k++) {
            evaluator.survivorsAt(k, reaching[k]);
            int count = 0;
            for (boolean b : reaching[k]) {
                count += b ? 1 : 0;
            }
            counts.add(count);
        }
        return new Training(inputs, train.predictions(), train.labels(), reaching, counts);
    }

    /** @return the AUC of exit k's score for "the exit's answer equals the backbone's", ties counted half */
    static double agreementAuc(ExitScores scores, org.exitbench.cascade.ExitRule slot, int exit) {
        int n = scores.sampleCount();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // Non-negative scores order like their bit patterns; the low bit carries the label.
            int bits = Float.floatToIntBits(scores.score(slot, exit, i) + 0.0f);
            keys[i] = ((long) bits << 1) | (scores.predicted(exit, i) == scores.backbonePredicted(i) ? 1 : 0);
        }
        java.util.Arrays.sort(keys);
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && (keys[j] >>> 1) == (keys[i] >>> 1)) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0;
            for (int t = i; t < j; t++) {
                if ((keys[t] & 1) == 1) {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static float[] backboneProbabilities(ExperimentRun run, String split) {
        return org.exitbench.store.ArrayFile.readFloats(run.folder().resolve(split + ExperimentRun.BACKBONE_SUFFIX));
    }

    private static double backboneAccuracy(ExitScores scores) {
        int right = 0;
        for (int i = 0; i < scores.sampleCount(); i++) {
            right += scores.backbonePredicted(i) == scores.label(i) ? 1 : 0;
        }
        return (double) right / scores.sampleCount();
    }

    private static int[] labels(ExitScores scores) {
        int[] labels = new int[scores.sampleCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = scores.label(i);
        }
        return labels;
    }

    private static int[] all(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

}
