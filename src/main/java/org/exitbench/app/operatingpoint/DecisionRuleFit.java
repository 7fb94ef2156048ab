package org.exitbench.app.operatingpoint;

import java.util.Objects;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.decision.AgreementRule;
import org.exitbench.cascade.decision.EntropyRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.HeadTrainer;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.cascade.decision.TemperatureFit;
import org.exitbench.cascade.decision.TemperatureRule;
import org.exitbench.experiment.ExitRuleStudy.Kind;
import org.exitbench.experiment.ExitRuleStudy.RuleChoice;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Fits an exit decision rule (issue 20) for the Calibration pane: on the source's validation split, the split the
 * pane calibrates CPM on, with the engine's own {@code cascade.decision} classes, exactly as {@code exitbench
 * exit-rules} fits them except that the learned heads train on that split too (the workbench has no training-split
 * outputs). The result is a new source whose primary scores carry the rule's score, whose costs include the rule's
 * MACs, and whose start thresholds are CPM's on that score, so every pane, slider and curve works on it unchanged;
 * its comparison set (the other training mode) gets the same kind of rule fitted on its own outputs.
 */
public final class DecisionRuleFit {

    /**
     * @param source the source with the rule applied
     * @param rule   the fitted rule
     * @param cpm    the CPM settings scoring with the rule's slot
     */
    public record Fitted(CascadeSource source, ExitDecisionRule rule, CpmSettings cpm) {

        public Fitted {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(cpm, "cpm");
        }
    }

    private DecisionRuleFit() {
    }

    /** @return whether rules other than max-softmax and entropy can be fitted on the source */
    public static boolean canFit(CascadeSource source) {
        return source != null && source.primary().hasDecisionInputs();
    }

    /**
     * @param base     the source as opened (max-softmax scores, the branches' own costs)
     * @param choice   the rule
     * @param settings the CPM settings; their score is replaced by the rule's
     * @param seed     the seed of the learned heads (the same seed gives the same heads)
     * @throws IllegalArgumentException when the rule needs softmax outputs the source lacks
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Fitted fit(CascadeSource base, RuleChoice choice, CpmSettings settings, long seed,
            ProgressListener progress, CancellationToken cancel) {
        ScoreSet set = base.primary();
        requireInputs(base, set, choice);
        progress.report("Fitting " + choice.label() + " on the validation split", 0, 3);
        cancel.throwIfCancelled();
        ExitDecisionRule rule = fitOn(set, choice, seed);
        return applied(base, choice, rule, settings, null, seed, progress, cancel);
    }

    /**
     * Puts back a rule saved with a run's tuned thresholds: the rule itself is applied as saved (not fitted again);
     * the comparison set, whose outputs the rule was not fitted on, gets the same kind of rule fitted on its own
     * outputs with the same seed, as when the rule was picked.
     *
     * @param rule       the saved rule
     * @param thresholds the saved thresholds on its score, the new source's start
     * @throws IllegalArgumentException when the rule needs softmax outputs the source lacks, or does not fit it
     */
    public static Fitted restore(CascadeSource base, ExitDecisionRule rule, CpmSettings settings, Thresholds thresholds,
            long seed, ProgressListener progress, CancellationToken cancel) {
        RuleChoice choice = choiceOf(rule);
        requireInputs(base, base.primary(), choice);
        return applied(base, choice, rule, settings, thresholds, seed, progress, cancel);
    }

    /** @return the picker's choice that fits a rule of this kind */
    public static RuleChoice choiceOf(ExitDecisionRule rule) {
        boolean agreement = rule instanceof AgreementRule;
        ExitDecisionRule base = rule instanceof AgreementRule a ? a.base() : rule;
        Kind kind;
        if (base instanceof MaxSoftmaxRule) {
            kind = Kind.MAX_SOFTMAX;
        } else if (base instanceof EntropyRule) {
            kind = Kind.ENTROPY;
        } else if (base instanceof TemperatureRule) {
            kind = Kind.TEMPERATURE;
        } else if (base instanceof LearnedHeadRule heads) {
            kind = heads.heads().get(0).hidden() == 0 ? Kind.LOGISTIC_HEAD : Kind.LEARNED_HEAD;
        } else {
            throw new IllegalArgumentException("no picker choice for the rule " + rule.id());
        }
        return new RuleChoice(kind, agreement);
    }

    private static void requireInputs(CascadeSource base, ScoreSet set, RuleChoice choice) {
        if (!set.hasDecisionInputs() && !simple(choice)) {
            throw new IllegalArgumentException(choice.label() + " needs every exit's softmax output, which "
                    + base.name() + " does not have (synthetic scores); use max-softmax or entropy");
        }
    }

    private static boolean simple(RuleChoice choice) {
        return (choice.kind() == Kind.MAX_SOFTMAX || choice.kind() == Kind.ENTROPY) && !choice.agreement();
    }

    /** Fits a rule of the chosen kind on a score set's validation split. */
    private static ExitDecisionRule fitOn(ScoreSet set, RuleChoice choice, long seed) {
        ExitDecisionRule baseRule = switch (choice.kind()) {
            case MAX_SOFTMAX -> MaxSoftmaxRule.INSTANCE;
            case ENTROPY -> EntropyRule.INSTANCE;
            case TEMPERATURE -> TemperatureFit.fit(set.validationInputs(), labels(set.validation()), null);
            case LEARNED_HEAD -> new HeadTrainer(HeadTrainer.Settings.defaults(seed)).train(set.validationInputs(),
                    backbone(set.validation()), labels(set.validation()), null);
            case LOGISTIC_HEAD -> new HeadTrainer(HeadTrainer.Settings.defaults(seed).withHidden(0))
                    .train(set.validationInputs(), backbone(set.validation()), labels(set.validation()), null);
        };
        return choice.agreement() ? new AgreementRule(baseRule) : baseRule;
    }

    /** @return the score set with the rule's score attached (itself for a built-in rule) */
    private static ScoreSet scored(ScoreSet set, RuleChoice choice, ExitDecisionRule rule) {
        return simple(choice) ? set : new ScoreSet(set.name() + " · " + choice.label(),
                rule.attach(set.validation(), set.validationInputs()), rule.attach(set.test(), set.testInputs()),
                set.validationInputs(), set.testInputs());
    }

    private static Fitted applied(CascadeSource base, RuleChoice choice, ExitDecisionRule rule, CpmSettings settings,
            Thresholds start, long seed, ProgressListener progress, CancellationToken cancel) {
        cancel.throwIfCancelled();
        progress.report("Scoring both splits with " + choice.label(), 1, 3);
        ScoreSet scored = scored(base.primary(), choice, rule);
        // The comparison set (the other training mode) keeps its curves: the same kind of rule, fitted on its own
        // outputs, since a rule fitted on one mode's branches does not describe the other's.
        ScoreSet comparison = base.comparison();
        if (comparison != null && !simple(choice)) {
            comparison = comparison.hasDecisionInputs() ? scored(comparison, choice, fitOn(comparison, choice, seed))
                    : null;
        }
        CostModel costs = rule.withCost(base.costModel());
        CpmSettings cpm = settings.toBuilder().score(rule.slot()).build();
        cancel.throwIfCancelled();
        progress.report("CPM thresholds on " + choice.label(), 2, 3);
        Thresholds thresholds = start != null ? start : new CpmCalibrator(cpm).calibrate(scored.validation());
        if (thresholds.rule() != rule.slot() || thresholds.exitCount() != scored.exitCount()
                || thresholds.classCount() != scored.classCount()) {
            throw new IllegalArgumentException("the saved thresholds (" + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes on " + thresholds.rule() + ") do not fit "
                    + choice.label() + " on " + base.name());
        }
        CascadeSource fitted = new CascadeSource(base.name(), base.synthetic(), base.classNames(), costs, scored,
                comparison, base.images(), thresholds);
        progress.report("Fitted " + choice.label(), 3, 3);
        return new Fitted(fitted, rule, cpm);
    }

    private static int[] labels(ExitScores scores) {
        int[] out = new int[scores.sampleCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.label(i);
        }
        return out;
    }

    private static int[] backbone(ExitScores scores) {
        int[] out = new int[scores.sampleCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.backbonePredicted(i);
        }
        return out;
    }
}
