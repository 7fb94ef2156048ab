package org.exitbench.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.TrainedBackbone;

/**
 * The outcome of backbone training.
 *
 * @param graph        the network with the parameters of the best epoch (highest validation accuracy)
 * @param spec         what the network is
 * @param classNames   the class names, index = output unit
 * @param stats        the input normalisation it was trained with, measured on the train split
 * @param config       the training settings
 * @param history      one record per completed epoch
 * @param bestEpoch    the 1-based epoch whose parameters {@code graph} holds
 * @param stoppedEarly whether early stopping ended the run before the last epoch
 * @param setup        how the run was set up (dataset, settings), as stored in its checkpoint
 */
public record BackboneTrainingResult(ComputationGraph graph, BackboneSpec spec, List<String> classNames,
                                     ChannelStats stats, BackboneTrainingConfig config, List<EpochRecord> history,
                                     int bestEpoch, boolean stoppedEarly, Map<String, String> setup) {

    public BackboneTrainingResult {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(config, "config");
        classNames = List.copyOf(classNames);
        history = List.copyOf(history);
        setup = Collections.unmodifiableMap(new LinkedHashMap<>(setup));
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

    /**
     * @return the run's setup followed by its outcome (epochs run, best epoch and its validation accuracy), for the
     *         provenance of the saved backbone
     */
    public Map<String, String> provenance() {
        Map<String, String> provenance = new LinkedHashMap<>(setup);
        provenance.put("epochsRun", Integer.toString(epochsCompleted()));
        provenance.put("stoppedEarly", Boolean.toString(stoppedEarly));
        provenance.put("bestEpoch", Integer.toString(bestEpoch));
        provenance.put("validationAccuracy", String.format(Locale.ROOT, "%.4f", bestValidationAccuracy()));
        return provenance;
    }

    /**
     * The trained backbone with its spec's default exit points.
     *
     * @param extraProvenance added after {@link #provenance()} (for example the test accuracy)
     * @throws IllegalArgumentException when the spec has no default exit points (an external graph)
     */
    public TrainedBackbone toBackbone(Map<String, String> extraProvenance) {
        return toBackbone(ExitPoints.defaultsFor(spec), extraProvenance);
    }

    /**
     * The trained backbone with the given exit points.
     *
     * @param extraProvenance added after {@link #provenance()} (for example the test accuracy)
     */
    public TrainedBackbone toBackbone(ExitPoints exitPoints, Map<String, String> extraProvenance) {
        Map<String, String> provenance = provenance();
        provenance.putAll(extraProvenance);
        return new TrainedBackbone(graph, spec, classNames, stats, exitPoints, provenance);
    }
}
