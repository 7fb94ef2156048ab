package org.exitbench.app.operatingpoint;

import java.util.Objects;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.decision.AgreementRule;
import org.exitbench.cascade.decision.EntropyRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.HeadTrainer;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.cascade.decision.TemperatureFit;
import org.exitbench.experiment.ExitRuleStudy.Kind;
import org.exitbench.experiment.ExitRuleStudy.RuleChoice;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Fits an exit decision rule (issue 20) for the Calibration pane: on the source's validation split, the split the
 * pane calibrates CPM on, with the engine's own {@code cascade.decision} classes, exactly as {@code exitbench
 * exit-rules} fits them except that the learned heads train on that split too (the workbench has no training-split
 * outputs). The result is a new source whose primary scores carry the rule's score, whose costs include the rule's
 * MACs, and whose start thresholds are CPM's on that score, so every pane, slider and curve works on it unchanged.
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
        boolean simple = choice.kind() == Kind.MAX_SOFTMAX || choice.kind() == Kind.ENTROPY;
        if (!set.hasDecisionInputs() && !(simple && !choice.agreement())) {
            throw new IllegalArgumentException(choice.label() + " needs every exit's softmax output, which "
                    + base.name() + " does not have (synthetic scores); use max-softmax or entropy");
        }
        progress.report("Fitting " + choice.label() + " on the validation split", 0, 3);
        cancel.throwIfCancelled();
        ExitDecisionRule baseRule = switch (choice.kind()) {
            case MAX_SOFTMAX -> MaxSoftmaxRule.INSTANCE;
            case ENTROPY -> EntropyRule.INSTANCE;
            case TEMPERATURE -> TemperatureFit.fit(set.validationInputs(), labels(set.validation()), null);
            case LEARNED_HEAD -> new HeadTrainer(HeadTrainer.Settings.defaults(seed)).train(set.validationInputs(),
                    backbone(set.validation()), labels(set.validation()), null);
            case LOGISTIC_HEAD -> new HeadTrainer(HeadTrainer.Settings.defaults(seed).withHidden(0))
                    .train(set.validationInputs(), backbone(set.validation()), labels(set.validation()), null);
        };
        ExitDecisionRule rule = choice.agreement() ? new AgreementRule(baseRule) : baseRule;
        cancel.throwIfCancelled();
        progress.report("Scoring both splits with " + choice.label(), 1, 3);
        ScoreSet scored = simple && !choice.agreement() ? set : new ScoreSet(set.name() + " · " + choice.label(),
                rule.attach(set.validation(), set.validationInputs()), rule.attach(set.test(), set.testInputs()),
                set.validationInputs(), set.testInputs());
        CostModel costs = rule.withCost(base.costModel());
        CpmSettings cpm = settings.toBuilder().score(rule.slot()).build();
        cancel.throwIfCancelled();
        progress.report("CPM thresholds on " + choice.label(), 2, 3);
        // The comparison set is left out: its curves would need the rule fitted on its own outputs, which the
        // source does not carry.
        CascadeSource fitted = new CascadeSource(base.name(), base.synthetic(), base.classNames(), costs, scored,
                null, base.images(), new CpmCalibrator(cpm).calibrate(scored.validation()));
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
