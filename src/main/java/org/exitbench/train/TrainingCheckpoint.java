package org.exitbench.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;

/**
 * The state of a backbone training run after its last completed epoch, as stored in a checkpoint directory.
 *
 * <p>A checkpoint directory holds {@value #STATE_FILE} plus the model files it names: the latest epoch's
 * network with its updater state, and the best epoch's network. The state file is written last and atomically,
 * so it is the commit point: a crash or cancel at any moment leaves a state file that names complete model
 * files of one finished epoch.
 *
 * @param formatVersion            {@value #FORMAT_VERSION}
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
 * @param metadata                 what the caller asked to keep with the run (for example the architecture)
 */
public record TrainingCheckpoint(int formatVersion, BackboneTrainingConfig config, DataSignature data,
                                 double[] statsMean, double[] statsStd, int completedEpochs, String lastModelFile,
                                 int bestEpoch, double bestValidationAccuracy, String bestModelFile,
                                 int epochsWithoutImprovement, boolean finished, boolean stoppedEarly,
                                 List<EpochRecord> history, Map<String, String> metadata) {

    /** The name of the state file in a checkpoint directory. */
    public static final String STATE_FILE = "checkpoint.json";

    /** The version of the state file's layout this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Records only: "isActive()"-style helpers are not part of the file format.
            .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);

    public TrainingCheckpoint {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        history = List.copyOf(history);
        metadata = Map.copyOf(metadata);
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
     * @throws TrainingCheckpointException when the state file is unreadable, of another format version, or
     *                                     names a model file that is missing
     */
    public static Optional<TrainingCheckpoint> read(Path directory) {
        Path file = directory.resolve(STATE_FILE);
        TrainingCheckpoint state;
        try {
            state = JSON.readValue(Files.readAllBytes(file), TrainingCheckpoint.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JacksonException e) {
            throw new TrainingCheckpointException("checkpoint state " + file + " is not valid: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TrainingCheckpointException("cannot read checkpoint state " + file + ": " + e.getMessage(), e);
        }
        if (state.formatVersion() != FORMAT_VERSION) {
            throw new TrainingCheckpointException("checkpoint state " + file + " has format version "
                    + state.formatVersion() + "; this version of Exitbench reads version " + FORMAT_VERSION);
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
    void write(Path directory) throws IOException {
        AtomicFiles.write(directory.resolve(STATE_FILE), out -> JSON.writeValue(out, this));
    }
}
