package org.exitbench.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneSpec;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * The state of a backbone training run after its last completed epoch, as stored in a checkpoint directory.
 *
 * <p>A checkpoint directory holds {@value #STATE_FILE} plus the model files it names: the latest epoch's
 * network with its updater state, and the best epoch's network. The state file is written last and atomically,
 * so it is the commit point: a crash or cancel at any moment leaves a state file that names complete model
 * files of one finished epoch.
 *
 * @param spec                     what the trained network is
 * @param config                   the training settings of the run
 * @param data                     what the training data looked like, to refuse resuming on other data
 * @param statsMean                the normalisation means, per channel, measured on the train split
 * @param statsStd                 the normalisation standard deviations, per channel
 * @param completedEpochs          epochs finished so far
 * @param lastModelFile            the file name of the latest network, with updater state
 * @param bestEpoch                the 1-based epoch with the best validation accuracy, 0 before the first
 * @param bestValidationAccuracy   its validation accuracy (NaN before the first epoch)
 * @param bestModelFile            the file name of the best epoch's network, {@code null} before the first epoch
 * @param epochsWithoutImprovement epochs since the best one, counted for early stopping
 * @param finished                 true once all epochs ran or early stopping ended the run
 * @param stoppedEarly             true when early stopping ended the run
 * @param history                  one record per completed epoch
 * @param provenance               how the run was set up (dataset, settings), in order
 */
public record TrainingCheckpoint(BackboneSpec spec, BackboneTrainingConfig config, DataSignature data,
                                 double[] statsMean, double[] statsStd, int completedEpochs, String lastModelFile,
                                 int bestEpoch, double bestValidationAccuracy, String bestModelFile,
                                 int epochsWithoutImprovement, boolean finished, boolean stoppedEarly,
                                 List<EpochRecord> history, Map<String, String> provenance) {

    /** The name of the state file in a checkpoint directory. */
    public static final String STATE_FILE = "checkpoint.json";

    /** The kind and version of the state file's JSON document. */
    static final JsonDocuments.DocumentType DOCUMENT = JsonDocuments.DocumentType.of("exitbench.training-checkpoint", 1);

    public TrainingCheckpoint {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        history = List.copyOf(history);
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /**
     * The classes, geometry and sizes of the data a run trains on.
     *
     * @param classNames       the class names, index = label
     * @param channels         image channels
     * @param height           image height
     * @param width            image width
     * @param trainImages      images in the train split
     * @param validationImages images in the validation split
     */
    public record DataSignature(List<String> classNames, int channels, int height, int width, int trainImages,
                                int validationImages) {

        /** @return the signature of a dataset */
        public static DataSignature of(Dataset data) {
            return new DataSignature(data.classNames(), data.channels(), data.height(), data.width(),
                    data.split(Split.TRAIN).size(), data.split(Split.VALID).size());
        }
    }

    /** @return the normalisation of the run */
    public ChannelStats stats() {
        return new ChannelStats(statsMean, statsStd);
    }

    /**
     * Reads the checkpoint of a directory.
     *
     * @param directory a checkpoint directory
     * @return the checkpoint, or empty when the directory holds none (or does not exist)
     * @throws TrainingCheckpointException when the state file is unreadable, of another format or a newer
     *                                     version, or names a model file that is missing
     */
    public static Optional<TrainingCheckpoint> read(Path directory) {
        Path file = directory.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        TrainingCheckpoint state;
        try {
            state = JsonDocuments.read(file, DOCUMENT, TrainingCheckpoint.class);
        } catch (StoreException e) {
            throw new TrainingCheckpointException("cannot resume: " + e.getMessage(), e);
        }
        for (String model : new String[] {state.lastModelFile(), state.bestModelFile()}) {
            if (model != null && !Files.isRegularFile(directory.resolve(model))) {
                throw new TrainingCheckpointException("checkpoint state " + file + " names " + model
                        + ", which is missing from " + directory);
            }
        }
        return Optional.of(state);
    }

    /** Writes the state file atomically; the model files it names must already be complete. */
    void write(Path directory) {
        JsonDocuments.write(directory.resolve(STATE_FILE), DOCUMENT, this);
    }
}
