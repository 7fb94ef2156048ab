package org.exitbench.train;

import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;

/**
 * The outcome of backbone training.
 *
 * @param graph        the network with the parameters of the best epoch (highest validation accuracy)
 * @param stats        the input normalisation it was trained with, measured on the train split
 * @param config       the training settings
 * @param history      one record per completed epoch
 * @param bestEpoch    the 1-based epoch whose parameters {@code graph} holds
 * @param stoppedEarly whether early stopping ended the run before the last epoch
 */
public record BackboneTrainingResult(ComputationGraph graph, ChannelStats stats, BackboneTrainingConfig config,
                                     List<EpochRecord> history, int bestEpoch, boolean stoppedEarly) {

    public BackboneTrainingResult {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(config, "config");
        history = List.copyOf(history);
        if (bestEpoch < 1 || bestEpoch > history.size()) {
            throw new IllegalArgumentException("bestEpoch " + bestEpoch + " is not among the " + history.size()
                    + " completed epochs");
        }
    }

    /** @return the validation accuracy of the best epoch */
    public double bestValidationAccuracy() {
        return history.get(bestEpoch - 1).validationAccuracy();
    }

    /** @return how many epochs ran */
    public int epochsCompleted() {
        return history.size();
    }
}
