package org.exitbench.cascade.decision;

import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;

/**
 * How an exit decides whether its answer can be trusted: a score per (sample, exit), higher = more trustworthy,
 * which per-class thresholds (CPM on the calibration split, or a hand-set table) turn into exits. The cascade
 * itself is unchanged: a sample leaves at the first exit whose score reaches τ[k][ĉ_k].
 *
 * <p>Max-softmax and entropy are today's rules and keep their own score slots ({@link ExitRule#MAX_SOFTMAX},
 * {@link ExitRule#ENTROPY}), so thresholds and results computed before rules were pluggable stay bit-identical.
 * Every other rule fills {@link ExitRule#DERIVED}. Rules are immutable, fitted by their own fitters
 * ({@link TemperatureFit}, {@link HeadTrainer}) and described by {@link DecisionRuleJson}.
 */
public sealed interface ExitDecisionRule
        permits MaxSoftmaxRule, EntropyRule, TemperatureRule, LearnedHeadRule, AgreementRule {

    /** @return the rule's name in files and on the command line, e.g. {@code learned-head+agreement} */
    String id();

    /** @return the score slot of {@link ExitScores} the thresholds compare */
    ExitRule slot();

    /** @return how many exits the rule was fitted for; 0 when it fits any number */
    int exitCount();

    /**
     * @return the score of every sample at every exit, N × K sample-major ({@code [i * K + k]}), each in [0, 1];
     *         for the built-in rules, exactly the values {@link ExitScores} computes
     * @throws IllegalArgumentException when the rule was fitted for another number of exits or classes
     */
    default float[] scores(DecisionInputs inputs) {
        requireExits(inputs);
        int k = inputs.exitCount();
        float[] out = new float[Math.multiplyExact(inputs.samples(), k)];
        for (int e = 0; e < k; e++) {
            float[] at = scoresAt(inputs, e);
            for (int i = 0; i < at.length; i++) {
                out[i * k + e] = at[i];
            }
        }
        return out;
    }

    /**
     * The scores of one exit, from the outputs of that exit and the ones before it: what a deployed cascade
     * computes at exit k for the images still running, before it knows the later exits.
     *
     * @param inputs the outputs of exits 0..{@code exit} at least
     * @return N scores, each in [0, 1]
     * @throws IllegalArgumentException when the rule has no exit {@code exit} or the inputs do not reach it
     */
    float[] scoresAt(DecisionInputs inputs, int exit);

    /**
     * The rule's own cost at exit k, counted as {@code MacCounter} counts the networks: multiply-accumulates of
     * dense layers; element-wise work (softmax, logarithms, a temperature's division, comparisons) counts 0, as
     * activations and batch-norm do.
     */
    long macs(int exit);

    /** @return the scores with this rule's score attached where the thresholds will read it */
    default ExitScores attach(ExitScores scores, DecisionInputs inputs) {
        return slot() == ExitRule.DERIVED ? scores.withDerivedScores(scores(inputs)) : scores;
    }

    /** @return the cascade's costs with the rule's MACs added to each exit's branch */
    default CostModel withCost(CostModel costs) {
        long[] branches = costs.branchMacs();
        boolean changed = false;
        for (int k = 0; k < branches.length; k++) {
            long extra = macs(k);
            branches[k] = Math.addExact(branches[k], extra);
            changed |= extra != 0;
        }
        return changed ? new CostModel(costs.backboneMacsToExit(), branches, costs.fullBackboneMacs()) : costs;
    }

    /** @throws IllegalArgumentException when the rule has no exit {@code exit} or the inputs do not reach it */
    default void requireExit(DecisionInputs inputs, int exit) {
        if (exit < 0 || exit >= inputs.exitCount() || (exitCount() != 0 && exit >= exitCount())) {
            throw new IllegalArgumentException(id() + ": no exit " + exit + " (the rule has "
                    + (exitCount() == 0 ? "any number of" : Integer.toString(exitCount())) + " exits, the inputs "
                    + inputs.exitCount() + ")");
        }
    }

    /** @throws IllegalArgumentException when the inputs have another number of exits than the rule was fitted for */
    default void requireExits(DecisionInputs inputs) {
        if (exitCount() != 0 && inputs.exitCount() != exitCount()) {
            throw new IllegalArgumentException(id() + " was fitted for " + exitCount() + " exits, the inputs have "
                    + inputs.exitCount());
        }
    }
}
