package org.exitbench.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.MemoryBudget;
import org.exitbench.data.Split;
import org.exitbench.model.SafeModelZip;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.progress.CancellationToken;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.ExclusiveLock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Trains a classifier {@link ComputationGraph} (a backbone) on the train split of a dataset, validating after
 * every epoch, with a checkpoint per epoch that a later run can resume.
 *
 * <p>Batches are driven here, one {@code fit(DataSet)} each, so progress is reported and cancellation honoured
 * per batch. Inputs are normalised with {@link ChannelStats} of the train split. The data order and the
 * augmentation draws of epoch {@code e} depend only on the seed and {@code e}
 * ({@link ImageDataSetIterator#startEpoch(int)}), the learning rate only on {@code e}, and a checkpoint holds the
 * parameters with the updater state (momentum or Adam moments and the iteration count). A resumed run therefore
 * repeats exactly the epochs an uninterrupted run would have trained.
 *
 * <p>The result holds the parameters of the epoch with the best validation accuracy, whether or not early
 * stopping ended the run.
 *
 * <p>A trainer is not thread-safe; use one per run. The graph it trains must not be used elsewhere meanwhile.
 */
public final class BackboneTrainer {

    private static final String EPOCH_FILE = "epoch-%04d.zip";
    private static final String BEST_FILE = "best-epoch-%04d.zip";

    private final BackboneTrainingListener listener;
    private final CancellationToken cancel;

    /**
     * @param listener receives an event after every batch and every epoch
     * @param cancel   polled before every batch; when cancelled, training stops with
     *                 {@link org.exitbench.progress.CancelledException} and the last completed epoch's
     *                 checkpoint stays as it was
     */
    public BackboneTrainer(BackboneTrainingListener listener, CancellationToken cancel) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.cancel = Objects.requireNonNull(cancel, "cancel");
    }

    /**
     * Builds the backbone a spec describes, with the configuration's seed, and trains it.
     *
     * @see #train(ComputationGraph, BackboneSpec, Dataset, BackboneTrainingConfig, Path)
     */
    public BackboneTrainingResult train(BackboneSpec spec, Dataset data, BackboneTrainingConfig config,
                                        Path checkpointDir) {
        checkSpecFits(spec, data);
        return train(spec.build(config.seed()), spec, data, config, checkpointDir);
    }

    /**
     * Trains a graph from its current parameters.
     *
     * @param graph         an initialised graph with one dense softmax output over the dataset's classes; its
     *                      updater and regularisation are replaced by the configured ones, and it is left as
     *                      it was
     * @param spec          what the graph is ({@link BackboneSpec#external} for one built elsewhere)
     * @param data          the dataset; trains on {@link Split#TRAIN} and validates on {@link Split#VALID}
     * @param config        the training settings
     * @param checkpointDir where to keep the per-epoch checkpoint; created if missing, and must not hold one
     * @return the best epoch's network and the history
     * @throws TrainingCheckpointException when the directory already holds a checkpoint
     * @throws IllegalArgumentException    when the graph, the spec and the data do not fit together
     * @throws org.exitbench.progress.CancelledException when cancelled
     * @throws UncheckedIOException        when a checkpoint cannot be written
     */
    public BackboneTrainingResult train(ComputationGraph graph, BackboneSpec spec, Dataset data,
                                        BackboneTrainingConfig config, Path checkpointDir) {
        // One trainer per checkpoint folder (lock file beside it): a second process would train into the same files.
        try (ExclusiveLock lock = ExclusiveLock.onFile(checkpointDir, "training a backbone", false)) {
            return trainLocked(graph, spec, data, config, checkpointDir);
        }
    }

    private BackboneTrainingResult trainLocked(ComputationGraph graph, BackboneSpec spec, Dataset data,
                                               BackboneTrainingConfig config, Path checkpointDir) {
        Dl4jEngine.initialize();
        Objects.requireNonNull(config, "config");
        checkSpecFits(spec, data);
        checkGraphFits(graph, data);
        if (TrainingCheckpoint.read(checkpointDir).isPresent()) {
            throw new TrainingCheckpointException(checkpointDir + " already holds a training checkpoint; resume it"
                    + " or choose another checkpoint directory");
        }
        ChannelStats stats = ChannelStats.of(data.split(Split.TRAIN));
        ComputationGraph trainable = withTrainingSettings(graph, config);
        requireNativeMemory(trainable, spec, data, config.batchSize());
        try {
            Files.createDirectories(checkpointDir);
            String initial = String.format(EPOCH_FILE, 0);
            AtomicFiles.write(checkpointDir.resolve(initial), out -> ModelSerializer.writeModel(trainable, out, true));
            TrainingCheckpoint state = new TrainingCheckpoint(spec, config, TrainingCheckpoint.DataSignature.of(data),
                    stats.mean(), stats.std(), 0, initial, 0, Double.NaN, null, 0, false, false, List.of(),
                    setup(data, config));
            state.write(checkpointDir);
            return run(trainable, data, state, checkpointDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training checkpoint in " + checkpointDir, e);
        }
    }

    private static Map<String, String> setup(Dataset data, BackboneTrainingConfig config) {
        Map<String, String> setup = new LinkedHashMap<>();
        setup.put("dataset", data.name());
        setup.put("datasetPath", data.root().toString());
        setup.put("trainImages", Integer.toString(data.split(Split.TRAIN).size()));
        setup.put("validationImages", Integer.toString(data.split(Split.VALID).size()));
        setup.put("optimizer", config.optimizer().name());
        setup.put("learningRate", Double.toString(config.learningRate()));
        if (config.optimizer() == BackboneTrainingConfig.Optimizer.SGD_NESTEROV) {
            setup.put("momentum", Double.toString(config.momentum()));
        }
        setup.put("schedule", config.schedule() == BackboneTrainingConfig.Schedule.STEP
                ? "STEP every " + config.stepSize() + " epochs by " + config.gamma() : config.schedule().name());
        setup.put("weightDecay", Double.toString(config.weightDecay()));
        setup.put("batchSize", Integer.toString(config.batchSize()));
        setup.put("maxEpochs", Integer.toString(config.epochs()));
        setup.put("patience", Integer.toString(config.patience()));
        setup.put("augmentation", "crop padding " + config.augmentation().cropPadding() + ", horizontal flip "
                + (config.augmentation().horizontalFlip() ? "on" : "off"));
        setup.put("seed", Long.toString(config.seed()));
        return setup;
    }

    /**
     * Continues the run checkpointed in a directory with the epoch after the last completed one, using the
     * settings stored there. A run that had already finished is not trained further: its result is returned.
     *
     * @param data          the same dataset the run started on
     * @param checkpointDir the run's checkpoint directory
     * @return the best epoch's network and the whole history
     * @throws TrainingCheckpointException when there is no valid checkpoint, or the data differ from the run's
     * @throws org.exitbench.progress.CancelledException when cancelled
     * @throws UncheckedIOException        when a checkpoint cannot be read or written
     */
    public BackboneTrainingResult resume(Dataset data, Path checkpointDir) {
        try (ExclusiveLock lock = ExclusiveLock.onFile(checkpointDir, "training a backbone", false)) {
            return resumeLocked(data, checkpointDir);
        }
    }

    private BackboneTrainingResult resumeLocked(Dataset data, Path checkpointDir) {
        Dl4jEngine.initialize();
        TrainingCheckpoint state = TrainingCheckpoint.read(checkpointDir).orElseThrow(() ->
                new TrainingCheckpointException("there is no training checkpoint in " + checkpointDir
                        + " (no " + TrainingCheckpoint.STATE_FILE + ")"));
        checkSameData(state, data, checkpointDir);
        try {
            if (state.finished()) {
                return result(state, checkpointDir);
            }
            ComputationGraph graph = SafeModelZip.read(checkpointFile(checkpointDir, state.lastModelFile()), true);
            return run(graph, data, state, checkpointDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the training checkpoint in " + checkpointDir, e);
        }
    }

    private BackboneTrainingResult run(ComputationGraph graph, Dataset data, TrainingCheckpoint start,
                                       Path checkpointDir) throws IOException {
        BackboneTrainingConfig config = start.config();
        ChannelStats stats = start.stats();
        ImageDataset train = data.split(Split.TRAIN);
        ImageDataset valid = data.split(Split.VALID);
        ImageDataSetIterator batches = new ImageDataSetIterator(train, config.batchSize(), stats,
                config.augmentation(), true, config.seed());
        int batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        long totalBatches = (long) batchesPerEpoch * config.epochs();
        List<TrainingListener> previousListeners = new ArrayList<>(graph.getListeners());
        TrainingAccuracyProbe probe = TrainingAccuracyProbe.attachTo(graph);
        TrainingCheckpoint state = start;
        long sessionStart = System.nanoTime();
        long sessionBatches = 0;
        try {
            while (!state.finished()) {
                int epoch = state.completedEpochs();
                cancel.throwIfCancelled();
                double learningRate = config.learningRateAt(epoch);
                // The updater's epoch-keyed schedule reads the learning rate from this count.
                graph.getConfiguration().setEpochCount(epoch);
                batches.startEpoch(epoch);
                if (probe != null) {
                    probe.reset();
                }
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int batch = 0;
                long images = 0;
                while (batches.hasNext()) {
                    cancel.throwIfCancelled();
                    DataSet next = batches.next();
                    if (probe != null) {
                        probe.expect(Nd4j.argMax(next.getLabels(), 1).toIntVector());
                    }
                    graph.fit(next);
                    lossSum += graph.score();
                    batch++;
                    sessionBatches++;
                    images += next.numExamples();
                    long now = System.nanoTime();
                    double secondsPerBatch = (now - sessionStart) / 1e9 / sessionBatches;
                    long batchesLeft = totalBatches - ((long) epoch * batchesPerEpoch + batch);
                    listener.onProgress(new BackboneTrainingProgress(BackboneTrainingProgress.Kind.BATCH,
                            epoch + 1, config.epochs(), batch, batchesPerEpoch, lossSum / batch, accuracy(probe),
                            Double.NaN, learningRate, images / ((now - epochStart) / 1e9),
                            secondsPerBatch * batchesLeft));
                }
                double validationAccuracy = AccuracyEvaluator.accuracy(graph, valid, stats, config.batchSize(),
                        cancel);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                EpochRecord record = new EpochRecord(epoch + 1, learningRate, lossSum / batch, accuracy(probe),
                        validationAccuracy, seconds);
                state = checkpoint(graph, state, record, checkpointDir);
                long now = System.nanoTime();
                double secondsPerBatch = (now - sessionStart) / 1e9 / sessionBatches;
                listener.onProgress(new BackboneTrainingProgress(BackboneTrainingProgress.Kind.EPOCH_END,
                        epoch + 1, config.epochs(), batch, batchesPerEpoch, record.trainLoss(),
                        record.trainAccuracy(), validationAccuracy, learningRate, images / seconds,
                        state.finished() ? 0 : secondsPerBatch * (totalBatches - (long) (epoch + 1) * batchesPerEpoch)));
            }
        } finally {
            graph.setListeners(previousListeners);
        }
        return result(state, checkpointDir);
    }

    private static double accuracy(TrainingAccuracyProbe probe) {
        return probe == null ? Double.NaN : probe.accuracy();
    }

    /**
     * Writes the model files of a finished epoch, then commits them with the state file, then removes the files
     * the previous state named.
     */
    private static TrainingCheckpoint checkpoint(ComputationGraph graph, TrainingCheckpoint previous,
                                                 EpochRecord record, Path checkpointDir) throws IOException {
        BackboneTrainingConfig config = previous.config();
        int epoch = record.epoch();
        String lastFile = String.format(EPOCH_FILE, epoch);
        AtomicFiles.write(checkpointDir.resolve(lastFile), out -> ModelSerializer.writeModel(graph, out, true));
        boolean improved = previous.bestEpoch() == 0
                || record.validationAccuracy() > previous.bestValidationAccuracy();
        int bestEpoch = previous.bestEpoch();
        double bestAccuracy = previous.bestValidationAccuracy();
        String bestFile = previous.bestModelFile();
        int withoutImprovement = previous.epochsWithoutImprovement() + 1;
        if (improved) {
            bestEpoch = epoch;
            bestAccuracy = record.validationAccuracy();
            bestFile = String.format(BEST_FILE, epoch);
            withoutImprovement = 0;
            // The best network needs no updater state: it is a result, never resumed from.
            AtomicFiles.write(checkpointDir.resolve(bestFile), out -> ModelSerializer.writeModel(graph, out, false));
        }
        boolean stoppedEarly = config.earlyStopping() && withoutImprovement >= config.patience()
                && epoch < config.epochs();
        List<EpochRecord> history = new ArrayList<>(previous.history());
        history.add(record);
        TrainingCheckpoint state = new TrainingCheckpoint(previous.spec(), config,
                previous.data(), previous.statsMean(), previous.statsStd(), epoch, lastFile, bestEpoch, bestAccuracy,
                bestFile, withoutImprovement, stoppedEarly || epoch == config.epochs(), stoppedEarly, history,
                previous.provenance());
        state.write(checkpointDir);
        removeUnreferencedModels(checkpointDir, state);
        return state;
    }

    /** Deletes earlier epochs' model files of this trainer; never touches other files in the directory. */
    private static void removeUnreferencedModels(Path checkpointDir, TrainingCheckpoint state) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(checkpointDir, "{epoch,best-epoch}-*.zip")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.matches("(best-)?epoch-\\d{4}\\.zip") && !name.equals(state.lastModelFile())
                        && !name.equals(state.bestModelFile())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A model file named in the checkpoint's state, which must be a plain name inside the checkpoint folder. */
    private static Path checkpointFile(Path checkpointDir, String name) {
        Path file = name == null ? null : checkpointDir.resolve(name).normalize();
        if (file == null || !checkpointDir.normalize().equals(file.getParent())) {
            throw new TrainingCheckpointException("the training checkpoint in " + checkpointDir + " names a model "
                    + "file '" + name + "' outside its folder");
        }
        return file;
    }

    private static BackboneTrainingResult result(TrainingCheckpoint state, Path checkpointDir) throws IOException {
        ComputationGraph best = SafeModelZip.read(checkpointFile(checkpointDir, state.bestModelFile()), false);
        return new BackboneTrainingResult(best, state.spec(), state.data().classNames(), state.stats(),
                state.config(), state.history(), state.bestEpoch(), state.stoppedEarly(), state.provenance());
    }

    /**
     * Returns a copy of the graph, same parameters, with the configured update rule and weight decay on every
     * layer. Weight decay is coupled L2 for SGD, as in the usual ResNet recipes, and decoupled for Adam (AdamW,
     * Loshchilov and Hutter), where L2 through the adaptive step would barely regularise.
     */
    static ComputationGraph withTrainingSettings(ComputationGraph graph, BackboneTrainingConfig config) {
        // DL4J's own epoch-keyed schedule, so the rate travels inside every checkpoint and the saved model.
        MapSchedule.Builder rates = new MapSchedule.Builder(ScheduleType.EPOCH);
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            rates.add(epoch, config.learningRateAt(epoch));
        }
        MapSchedule schedule = rates.build();
        IUpdater updater = switch (config.optimizer()) {
            case SGD_NESTEROV -> new Nesterovs(schedule, config.momentum());
            case ADAM -> new Adam(schedule);
        };
        FineTuneConfiguration settings = new FineTuneConfiguration.Builder()
                .updater(updater)
                .biasUpdater(updater.clone())
                .build();
        ComputationGraph trainable = new TransferLearning.GraphBuilder(graph).fineTuneConfiguration(settings).build();
        // Set here rather than through FineTuneConfiguration, which hands one shared list to every layer.
        for (Layer layer : trainable.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base) {
                List<Regularization> regularization = new ArrayList<>();
                if (config.weightDecay() > 0) {
                    regularization.add(config.optimizer() == BackboneTrainingConfig.Optimizer.ADAM
                            ? new WeightDecay(config.weightDecay(), true)
                            : new L2Regularization(config.weightDecay()));
                }
                base.setRegularization(regularization);
                base.setRegularizationBias(new ArrayList<>());
            }
        }
        return trainable;
    }

    private static void checkSpecFits(BackboneSpec spec, Dataset data) {
        if (spec.inputChannels() != data.channels() || spec.inputHeight() != data.height()
                || spec.inputWidth() != data.width() || spec.numClasses() != data.numClasses()) {
            throw new IllegalArgumentException("the backbone takes " + spec.inputChannels() + "x" + spec.inputHeight()
                    + "x" + spec.inputWidth() + " images of " + spec.numClasses() + " classes; the dataset "
                    + data.name() + " has " + data.channels() + "x" + data.height() + "x" + data.width()
                    + " images of " + data.numClasses() + " classes");
        }
    }

    /**
     * Refuses a training whose weights, gradients, updater state and activations at this batch size cannot fit in
     * ND4J's native memory, as DL4J's own memory report estimates them: such a run would otherwise fail with an
     * OutOfMemoryError at its first batch, or later, at the first validation.
     */
    static void requireNativeMemory(ComputationGraph graph, BackboneSpec spec, Dataset data, int batchSize) {
        long bytes;
        try {
            bytes = graph.getConfiguration().getMemoryReport(InputType.convolutional(data.height(), data.width(),
                    data.channels())).getTotalMemoryBytes(batchSize, MemoryUseMode.TRAINING, CacheMode.NONE,
                    DataType.FLOAT);
        } catch (RuntimeException unknown) {
            // A layer without a memory report (none of ours today): no estimate, so nothing to refuse.
            return;
        }
        MemoryBudget.requireNative(bytes, "training " + spec.describe() + " at batch " + batchSize,
                "a smaller batch (--batch)");
    }

    private static void checkGraphFits(ComputationGraph graph, Dataset data) {
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (outputs.size() != 1) {
            throw new IllegalArgumentException("a backbone has one output, this graph has " + outputs.size());
        }
        // One blank image through the graph tells whether it takes this geometry and how many classes it has.
        long[] shape;
        try {
            shape = graph.outputSingle(false, Nd4j.zeros(1, data.channels(), data.height(), data.width())).shape();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the graph does not take the " + data.channels() + "x"
                    + data.height() + "x" + data.width() + " images of " + data.name() + ": " + e.getMessage(), e);
        }
        if (shape.length != 2 || shape[1] != data.numClasses()) {
            throw new IllegalArgumentException("the graph's output " + outputs.get(0) + " has "
                    + (shape.length == 2 ? shape[1] + " classes" : "shape " + Arrays.toString(shape))
                    + ", the dataset " + data.name() + " has " + data.numClasses());
        }
        if (data.split(Split.TRAIN).size() == 0) {
            throw new IllegalArgumentException("the train split of " + data.name() + " is empty");
        }
        if (data.split(Split.VALID).size() == 0) {
            throw new IllegalArgumentException("the validation split of " + data.name()
                    + " is empty; choosing the best epoch needs it");
        }
    }

    private static void checkSameData(TrainingCheckpoint state, Dataset data, Path checkpointDir) {
        TrainingCheckpoint.DataSignature now = TrainingCheckpoint.DataSignature.of(data);
        if (!now.equals(state.data())) {
            throw new TrainingCheckpointException("the checkpoint in " + checkpointDir + " was made on other data ("
                    + state.data() + "), not on " + data.name() + " (" + now + ")");
        }
        if (!ChannelStats.of(data.split(Split.TRAIN)).equals(state.stats())) {
            throw new TrainingCheckpointException("the checkpoint in " + checkpointDir + " was made on other train"
                    + " images: the pixel statistics of " + data.name() + " differ");
        }
    }
}
