package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.exitbench.data.Augmentation;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.experiment.BackboneTrainingJob;
import org.exitbench.model.BackboneSpec;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ExitbenchException;
import org.exitbench.store.ExclusiveLock;
import org.exitbench.train.BackboneTrainer;
import org.exitbench.train.BackboneTrainingConfig;
import org.exitbench.train.BackboneTrainingListener;
import org.exitbench.train.BackboneTrainingResult;
import org.exitbench.train.DatasetSlice;
import org.exitbench.train.TrainingCheckpoint;
import org.exitbench.train.TrainingCheckpointException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code exitbench backbone train}: trains a backbone on a dataset with a progress bar, a checkpoint per epoch,
 * Ctrl-C to stop cleanly and {@code --resume} to continue, and saves it with its metadata.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a backbone CNN on the train split of a dataset, validating after every epoch.",
                "The saved model holds the parameters of the epoch with the best validation accuracy. A "
                        + "checkpoint is written after every epoch; Ctrl-C stops between two batches and keeps the "
                        + "last one, and --resume continues from it with the settings stored there. --seed draws the "
                        + "initial weights, the data order and the augmentation."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained and saved", "1:bad input or files (the message names which)",
                "2:wrong command-line options", "130:cancelled (the last checkpoint is kept)"})
final class BackboneTrainCommand implements Callable<Integer> {

    /** The exit code of a run stopped by Ctrl-C, as shells report SIGINT. */
    static final int CANCELLED = 130;

    enum Arch { small, resnet18 }

    enum OptimizerChoice { sgd, adam }

    enum ScheduleChoice { cosine, step }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--out", required = true, paramLabel = "<model.zip>", description = "Where to save the backbone.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(names = "--wait", description = "When another Exitbench process is writing --out, wait for it to "
            + "finish instead of stopping.")
    boolean waitForLock;

    @Option(names = "--arch", paramLabel = "small|resnet18", defaultValue = "small",
            description = "Architecture (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Option(names = "--widths", split = ",", paramLabel = "W", defaultValue = "16,32,64",
            description = "Channels per stage of the small ResNet (default: ${DEFAULT-VALUE}).")
    List<Integer> widths;

    @Option(names = "--blocks", split = ",", paramLabel = "B", defaultValue = "1,1,1",
            description = "BasicBlocks per stage of the small ResNet (default: ${DEFAULT-VALUE}).")
    List<Integer> blocks;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "Most epochs (default: "
            + "${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Batch size (default: "
            + "${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", defaultValue = "sgd",
            description = "SGD with Nesterov momentum, or Adam (default: ${DEFAULT-VALUE}).")
    OptimizerChoice optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Initial learning rate (default: 0.05 for sgd, 0.001 for adam).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "Nesterov momentum of sgd (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--schedule", paramLabel = "cosine|step", defaultValue = "cosine",
            description = "Learning-rate schedule over the epochs (default: ${DEFAULT-VALUE}).")
    ScheduleChoice schedule;

    @Option(names = "--step-size", paramLabel = "N", defaultValue = "10",
            description = "Epochs between decays of the step schedule (default: ${DEFAULT-VALUE}).")
    int stepSize;

    @Option(names = "--gamma", paramLabel = "F", defaultValue = "0.1",
            description = "Factor of each step decay (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "5e-4",
            description = "Weight decay: L2 for sgd, decoupled for adam (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "10",
            description = "Stop after N epochs without a better validation accuracy; 0: never (default: "
                    + "${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--crop-padding", paramLabel = "P",
            description = "Random crops after padding by P pixels; 0: off (default: 4 for RGB, 0 for grayscale).")
    Integer cropPadding;

    @Option(names = "--flip", negatable = true,
            description = "Random horizontal flips (default: on for RGB, off for grayscale).")
    Boolean flip;

    @Mixin
    SeedOption seed;

    @Option(names = "--checkpoint-dir", paramLabel = "<dir>",
            description = "Where to keep the per-epoch checkpoint (default: <out>-checkpoints beside --out).")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue the run checkpointed in --checkpoint-dir, with the "
            + "architecture and training settings stored there.")
    boolean resume;

    @Option(names = "--limit-per-class", paramLabel = "N",
            description = "Use only the first N images of each class in every split, for a quick trial.")
    Integer limitPerClass;

    @Mixin
    ProgressOption progressOption;

    private final CancellationToken cancel;
    private final BackboneTrainingListener observer;

    BackboneTrainCommand() {
        this(new CancellationToken(), BackboneTrainingListener.NONE);
    }

    /**
     * @param cancel   the token Ctrl-C sets
     * @param observer also receives the training events (tests use it to cancel at a chosen point)
     */
    BackboneTrainCommand(CancellationToken cancel, BackboneTrainingListener observer) {
        this.cancel = cancel;
        this.observer = observer;
    }

    @Override
    public Integer call() {
        Path checkpoints = checkpointDir != null ? checkpointDir : defaultCheckpointDir(out);
        PrintWriter err = spec.commandLine().getErr();
        ConsoleProgress reading = progressOption.on(err);
        TrainingProgressLine bar = new TrainingProgressLine(err, !progressOption.quiet);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            cancel.cancel();
            try {
                // The JVM halts when this hook returns; give the trainer time to stop between two batches.
                finished.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "exitbench-cancel-training");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        // The lock on --out is taken before checking it: a second command started while the first trains would
        // otherwise pass the check and replace the first one's model at the end.
        try (ExclusiveLock outLock = ExclusiveLock.onFile(out, "training a backbone into " + out, waitForLock)) {
            BackboneTrainingConfig config = resume ? null : config();
            checkOutputs(checkpoints);
            Dataset dataset = readData(reading);
            bar.restartClock();
            BackboneTrainer trainer = new BackboneTrainer(event -> {
                bar.onProgress(event);
                observer.onProgress(event);
            }, cancel);
            BackboneTrainingResult result;
            if (resume) {
                noteIgnoredOptions(err);
                result = trainer.resume(dataset, checkpoints);
            } else {
                result = trainer.train(spec(dataset), dataset, withAugmentationFor(config, dataset.channels()),
                        checkpoints);
            }
            bar.endLine();
            report(result, dataset, checkpoints, reading);
            return 0;
        } catch (CancelledException e) {
            bar.endLine();
            reading.endLine();
            err.println(cancelledMessage(checkpoints));
            err.flush();
            return CANCELLED;
        } catch (RuntimeException e) {
            // CliErrors.HANDLER reports bad input and lets programming errors through; either way the training
            // bar's line ends first.
            bar.endLine();
            throw e;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived: the hook is running and returns now that training has stopped.
            }
        }
    }

    /** @return "model-checkpoints" beside "model.zip" */
    static Path defaultCheckpointDir(Path out) {
        String name = out.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        Path parent = out.toAbsolutePath().getParent();
        return parent.resolve(base + "-checkpoints");
    }

    private BackboneTrainingConfig config() {
        double rate = learningRate != null ? learningRate : optimizer == OptimizerChoice.adam ? 1e-3 : 0.05;
        try {
            // Augmentation depends on the image kind, known once the data is read; a placeholder until then.
            return BackboneTrainingConfig.builder(1)
                    .optimizer(optimizer == OptimizerChoice.adam ? BackboneTrainingConfig.Optimizer.ADAM
                            : BackboneTrainingConfig.Optimizer.SGD_NESTEROV)
                    .learningRate(rate)
                    .momentum(momentum)
                    .schedule(schedule == ScheduleChoice.step ? BackboneTrainingConfig.Schedule.STEP
                            : BackboneTrainingConfig.Schedule.COSINE)
                    .stepSize(stepSize)
                    .gamma(gamma)
                    .weightDecay(weightDecay)
                    .epochs(epochs)
                    .batchSize(batch)
                    .augmentation(new Augmentation(cropPadding == null ? 0 : cropPadding, Boolean.TRUE.equals(flip)))
                    .seed(seed.value)
                    .patience(patience)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), withOptionNames(e.getMessage()), e);
        }
    }

    /** Says the option a user typed next to the settings field an error message names. */
    private static String withOptionNames(String message) {
        String[][] names = {{"learningRate", "--lr"}, {"momentum", "--momentum"}, {"stepSize", "--step-size"},
                {"gamma", "--gamma"}, {"weightDecay", "--weight-decay"}, {"epochs", "--epochs"},
                {"batchSize", "--batch"}, {"patience", "--patience"}, {"cropPadding", "--crop-padding"}};
        String result = message;
        for (String[] pair : names) {
            result = result.replaceAll("\\b" + pair[0] + "\\b", pair[0] + " (" + pair[1] + ")");
        }
        return result;
    }

    private void checkOutputs(Path checkpoints) {
        if (Files.exists(out) && !force) {
            throw new ExitbenchException(out + " already exists; add --force to replace it or choose another"
                    + " --out");
        }
        if (limitPerClass != null && limitPerClass < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--limit-per-class must be at least 1, was " + limitPerClass);
        }
        if (arch == Arch.resnet18 && (matched("--widths") || matched("--blocks"))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--widths and --blocks apply to --arch small only; ResNet-18 has 64/128/256/512 x 2/2/2/2");
        }
        if (arch == Arch.small && (widths.size() != blocks.size()
                || Stream.concat(widths.stream(), blocks.stream()).anyMatch(n -> n < 1))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--widths and --blocks need one positive "
                    + "number per stage each, were " + widths + " and " + blocks);
        }
        Optional<TrainingCheckpoint> existing = TrainingCheckpoint.read(checkpoints);
        if (!resume && existing.isPresent()) {
            throw new TrainingCheckpointException(checkpoints + " holds the checkpoint of an earlier run ("
                    + existing.get().completedEpochs() + " of " + existing.get().config().epochs()
                    + " epochs done); add --resume to continue it, or choose another --checkpoint-dir");
        }
        if (resume && existing.isEmpty()) {
            throw new TrainingCheckpointException("there is no checkpoint to resume in " + checkpoints
                    + (checkpointDir == null ? " (the default for --out " + out + "; give --checkpoint-dir if it "
                    + "is elsewhere)" : ""));
        }
    }

    private Dataset readData(ConsoleProgress progress) {
        Dataset dataset = DatasetReaders.read(data.folder, ReadOptions.DEFAULTS, progress, cancel);
        progress.endLine();
        return limitPerClass == null ? dataset : DatasetSlice.firstPerClass(dataset, limitPerClass);
    }

    private BackboneSpec spec(Dataset dataset) {
        if (dataset.numClasses() < 2) {
            throw new ExitbenchException(data.folder + ": a backbone needs at least 2 classes to tell apart, the "
                    + "dataset has " + dataset.numClasses());
        }
        return switch (arch) {
            case small -> BackboneSpec.smallResNet(widths, blocks, dataset.channels(), dataset.height(),
                    dataset.width(), dataset.numClasses());
            case resnet18 -> BackboneSpec.resnet18Cifar(dataset.channels(), dataset.height(), dataset.width(),
                    dataset.numClasses());
        };
    }

    /** The settings are fixed once the data is read: augmentation defaults follow the image kind. */
    private BackboneTrainingConfig withAugmentationFor(BackboneTrainingConfig config, int channels) {
        Augmentation defaults = BackboneTrainingConfig.defaults(channels).augmentation();
        return config.toBuilder().augmentation(new Augmentation(
                cropPadding != null ? cropPadding : defaults.cropPadding(),
                flip != null ? flip : defaults.horizontalFlip())).build();
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private void noteIgnoredOptions(PrintWriter err) {
        List<String> ignored = new ArrayList<>();
        for (String option : new String[] {"--arch", "--widths", "--blocks", "--epochs", "--batch", "--optimizer",
                "--lr", "--momentum", "--schedule", "--step-size", "--gamma", "--weight-decay", "--patience",
                "--crop-padding", "--flip", "--seed"}) {
            if (matched(option)) {
                ignored.add(option);
            }
        }
        if (!ignored.isEmpty()) {
            err.println("note: --resume continues with the settings stored in the checkpoint; ignoring "
                    + String.join(", ", ignored));
            err.flush();
        }
    }

    private void report(BackboneTrainingResult result, Dataset dataset, Path checkpoints, ConsoleProgress progress) {
        BackboneTrainingJob.Saved saved = BackboneTrainingJob.measureAndSave(result, dataset, out, Map.of(),
                progress, cancel);
        progress.endLine();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "Best epoch %d of %d%s%n", result.bestEpoch(), result.epochsCompleted(),
                result.stoppedEarly() ? " (stopped early: " + result.config().patience()
                        + " epochs without a better validation accuracy)" : "");
        stdout.printf(Locale.ROOT, "Accuracy: train %s  valid %s  test %s%n",
                BackboneTrainingJob.format(saved.accuracy(Split.TRAIN)),
                BackboneTrainingJob.format(saved.accuracy(Split.VALID)),
                BackboneTrainingJob.format(saved.accuracy(Split.TEST)));
        stdout.printf(Locale.ROOT, "Saved %s (%s; %,d parameters)%n", out, result.spec().describe(),
                result.graph().numParams());
        stdout.printf("Checkpoints are in %s (delete them when no longer needed)%n", checkpoints);
        stdout.flush();
    }

    private String cancelledMessage(Path checkpoints) {
        Optional<TrainingCheckpoint> kept;
        try {
            kept = TrainingCheckpoint.read(checkpoints);
        } catch (TrainingCheckpointException e) {
            return "Cancelled; " + e.getMessage();
        }
        if (kept.isEmpty()) {
            return "Cancelled before training started; nothing was written.";
        }
        return "Cancelled: the checkpoint after epoch " + kept.get().completedEpochs() + " of "
                + kept.get().config().epochs() + " is kept in " + checkpoints + ". To continue, run the same command"
                + " with --resume" + (resume ? "" : " (and the same --data" + (limitPerClass == null ? ""
                : " and --limit-per-class") + ")") + ".";
    }
}
