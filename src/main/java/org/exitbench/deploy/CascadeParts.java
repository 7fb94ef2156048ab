package org.exitbench.deploy;

import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.EntropyRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.TrainedBackbone;

/**
 * Everything a calibrated cascade consists of, as the workbench holds it, ready for {@link CascadeFile#save}: the
 * frozen backbone, the exit vertices that have a trained branch (in cascade order), those branches, the fixed
 * pooling that turns an exit's feature map into a branch's input, the thresholds, and where it all came from.
 * {@code experiment.CascadeExport.fromRun} assembles it from a run folder.
 *
 * @param backbone      the backbone (its class names, normalisation and spec are exported with it)
 * @param exitVertices  the vertex each branch reads, shallow to deep, one per branch
 * @param branches      the trained branches, in cascade order
 * @param pooling       the pooling the branches' inputs were cached with
 * @param thresholds    one row per branch, one column per class
 * @param provenance    where the cascade came from
 * @param decisionRule  how each exit scores its answer; its score slot must be the one the thresholds compare
 */
public record CascadeParts(TrainedBackbone backbone, List<String> exitVertices, List<ExitBranch> branches,
                           FeaturePooling pooling, Thresholds thresholds, CascadeProvenance provenance,
                           ExitDecisionRule decisionRule) {

    /** A cascade deciding with the thresholds' own built-in rule (max-softmax or entropy). */
    public CascadeParts(TrainedBackbone backbone, List<String> exitVertices, List<ExitBranch> branches,
                        FeaturePooling pooling, Thresholds thresholds, CascadeProvenance provenance) {
        this(backbone, exitVertices, branches, pooling, thresholds, provenance, builtIn(thresholds));
    }

    /**
     * Checks that a decision rule fits a cascade's thresholds: it scores the slot they compare, and a rule fitted per
     * exit was fitted for this many exits.
     *
     * @throws IllegalArgumentException naming the rule and what does not fit
     */
    public static void checkDecisionRule(ExitDecisionRule decisionRule, Thresholds thresholds, int exits) {
        if (decisionRule.slot() != thresholds.rule()) {
            throw new IllegalArgumentException("the decision rule " + decisionRule.id() + " scores "
                    + decisionRule.slot() + ", the thresholds compare " + thresholds.rule());
        }
        if (decisionRule.exitCount() != 0 && decisionRule.exitCount() != exits) {
            throw new IllegalArgumentException("the decision rule " + decisionRule.id() + " was fitted for "
                    + decisionRule.exitCount() + " exits, the cascade has " + exits);
        }
    }

    /**
     * @return the rule whose score the thresholds compare when it is built in
     * @throws IllegalArgumentException for derived thresholds, which need their rule
     */
    public static ExitDecisionRule builtIn(Thresholds thresholds) {
        return switch (Objects.requireNonNull(thresholds, "thresholds").rule()) {
            case MAX_SOFTMAX -> MaxSoftmaxRule.INSTANCE;
            case ENTROPY -> EntropyRule.INSTANCE;
            case DERIVED -> throw new IllegalArgumentException("the thresholds compare a derived decision score; "
                    + "give the decision rule that computes it");
        };
    }

    /** @throws IllegalArgumentException naming what does not fit together */
    public CascadeParts {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(decisionRule, "decisionRule");
        exitVertices = List.copyOf(exitVertices);
        branches = List.copyOf(branches);
        if (exitVertices.isEmpty()) {
            throw new IllegalArgumentException("a cascade needs at least one exit branch");
        }
        if (branches.size() != exitVertices.size()) {
            throw new IllegalArgumentException(branches.size() + " branches for " + exitVertices.size()
                    + " exit vertices " + exitVertices);
        }
        int classes = backbone.classNames().size();
        if (thresholds.exitCount() != branches.size() || thresholds.classCount() != classes) {
            throw new IllegalArgumentException("the thresholds are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, the cascade has " + branches.size() + " branches and "
                    + classes + " classes");
        }
        checkDecisionRule(decisionRule, thresholds, branches.size());
        if (decisionRule instanceof LearnedHeadRule heads && heads.classes() != classes) {
            throw new IllegalArgumentException("the decision heads were trained for " + heads.classes()
                    + " classes, the cascade has " + classes);
        }
        for (int k = 0; k < branches.size(); k++) {
            ExitBranch branch = branches.get(k);
            if (branch.input().classes() != classes) {
                throw new IllegalArgumentException("the branch at " + exitVertices.get(k) + " predicts "
                        + branch.input().classes() + " classes, the backbone " + classes);
            }
            if (branch.input().grid() != pooling.grid()) {
                throw new IllegalArgumentException("the branch at " + exitVertices.get(k) + " reads features pooled"
                        + " to " + branch.input().grid() + "×" + branch.input().grid() + ", the cascade pools to "
                        + pooling.grid() + "×" + pooling.grid());
            }
        }
    }

    /**
     * @param value thresholds of the same shape, e.g. tuned by hand
     * @return the same cascade at other thresholds
     * @throws IllegalArgumentException when they do not fit the exits and classes
     */
    public CascadeParts withThresholds(Thresholds value) {
        return new CascadeParts(backbone, exitVertices, branches, pooling, value, provenance,
                value.rule() == decisionRule.slot() ? decisionRule : builtIn(value));
    }
}
