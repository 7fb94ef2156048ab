package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.data.Augmentation;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backbone training on a generated stripe dataset with a tiny conv/batch-norm graph: real DL4J training. */
@Tag("slow")
class BackboneTrainerTest {

    private static final BackboneTrainingConfig ADAM = BackboneTrainingConfig.builder(1)
            .optimizer(BackboneTrainingConfig.Optimizer.ADAM).learningRate(0.02).momentum(0.9)
            .schedule(BackboneTrainingConfig.Schedule.COSINE).stepSize(1).gamma(1.0).weightDecay(1e-4)
            .epochs(3).batchSize(32).augmentation(Augmentation.NONE).seed(7L).patience(0).build();

    @TempDir
    Path dir;

    private static Dataset stripes() {
        return StripeImages.dataset(4, new int[] {100, 30, 30}, 11L);
    }

    /** Fewer images, for tests of the bookkeeping rather than of learning. */
    private static Dataset fewStripes() {
        return StripeImages.dataset(4, new int[] {40, 10, 10}, 11L);
    }

    private static ComputationGraph tinyGraph(Dataset data) {
        return TinyGraphs.convBnGap(1, StripeImages.SIZE, data.numClasses(), 3L);
    }

    @Test
    void aShortRunLearnsWellAboveChance() {
        Dataset data = stripes();
        List<BackboneTrainingProgress> events = new ArrayList<>();
        BackboneTrainingResult result = new BackboneTrainer(events::add, CancellationToken.NEVER)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM, dir);

        double test = AccuracyEvaluator.accuracy(result.graph(), data.split(Split.TEST), result.stats(), 64,
                CancellationToken.NEVER);
        assertTrue(test > 0.6, "test accuracy " + test + " is not clearly above chance (0.25)");
        assertEquals(3, result.epochsCompleted());
        assertFalse(result.stoppedEarly());

        int batchesPerEpoch = (400 + 31) / 32;
        List<BackboneTrainingProgress> batches = events.stream()
                .filter(e -> e.kind() == BackboneTrainingProgress.Kind.BATCH).toList();
        List<BackboneTrainingProgress> epochEnds = events.stream()
                .filter(e -> e.kind() == BackboneTrainingProgress.Kind.EPOCH_END).toList();
        assertEquals(3 * batchesPerEpoch, batches.size());
        assertEquals(List.of(1, 2, 3), epochEnds.stream().map(BackboneTrainingProgress::epoch).toList());
        BackboneTrainingProgress last = events.get(events.size() - 1);
        assertEquals(1.0, last.fraction());
        assertEquals(0.0, last.etaSeconds());
        assertEquals(result.history().get(2).validationAccuracy(), last.validationAccuracy());
        for (BackboneTrainingProgress e : batches) {
            assertTrue(Double.isNaN(e.validationAccuracy()));
            assertTrue(e.trainAccuracy() >= 0 && e.trainAccuracy() <= 1, "train accuracy " + e.trainAccuracy());
            assertTrue(e.loss() > 0 && e.imagesPerSecond() > 0 && e.etaSeconds() >= 0, e.toString());
            assertEquals(batchesPerEpoch, e.batchesPerEpoch());
        }
        // The cosine schedule lowers the learning rate epoch by epoch.
        assertEquals(ADAM.learningRateAt(0), epochEnds.get(0).learningRate());
        assertTrue(epochEnds.get(2).learningRate() < epochEnds.get(1).learningRate());
        assertTrue(result.history().get(2).trainAccuracy() > 0.6, result.history().toString());
    }

    /**
     * Resuming reproduces an uninterrupted run exactly: same data order per epoch, same learning rate, and the
     * parameters and updater state (Adam moments, iteration count) restored bit for bit from the checkpoint.
     * DL4J's CPU kernels give identical results for identical inputs on one machine and thread count, so the
     * comparison is exact.
     */
    @Test
    void resumingAfterACancelEndsWithTheSameParametersAsAnUninterruptedRun() throws IOException {
        Dataset data = fewStripes();
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM, straight);

        CancellationToken cancel = new CancellationToken();
        BackboneTrainingListener cancelAfterEpochOne = e -> {
            if (e.kind() == BackboneTrainingProgress.Kind.EPOCH_END && e.epoch() == 1) {
                cancel.cancel();
            }
        };
        assertThrows(CancelledException.class, () -> new BackboneTrainer(cancelAfterEpochOne, cancel)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM, interrupted));
        TrainingCheckpoint atCancel = TrainingCheckpoint.read(interrupted).orElseThrow();
        assertEquals(1, atCancel.completedEpochs());
        assertFalse(atCancel.finished());

        List<Integer> resumedEpochs = new ArrayList<>();
        BackboneTrainingResult resumed = new BackboneTrainer(e -> resumedEpochs.add(e.epoch()),
                CancellationToken.NEVER).resume(data, interrupted);

        assertEquals(2, resumedEpochs.get(0), "resume must continue with the next epoch");
        assertEquals(3, resumed.epochsCompleted());
        assertEquals("stripes", resumed.provenance().get("dataset"));
        assertEquals("3", resumed.provenance().get("epochsRun"));
        ComputationGraph lastStraight = ModelSerializer.restoreComputationGraph(
                straight.resolve("epoch-0003.zip").toFile(), true);
        ComputationGraph lastResumed = ModelSerializer.restoreComputationGraph(
                interrupted.resolve("epoch-0003.zip").toFile(), true);
        assertArrayEquals(lastStraight.params().toFloatVector(), lastResumed.params().toFloatVector());
        assertArrayEquals(lastStraight.getUpdater().getStateViewArray().toFloatVector(),
                lastResumed.getUpdater().getStateViewArray().toFloatVector());
        assertEquals(lastStraight.getIterationCount(), lastResumed.getIterationCount());
        TrainingCheckpoint straightState = TrainingCheckpoint.read(straight).orElseThrow();
        assertEquals(straightState.history().stream().map(EpochRecord::validationAccuracy).toList(),
                resumed.history().stream().map(EpochRecord::validationAccuracy).toList());
    }

    @Test
    void earlyStoppingEndsAfterPatienceEpochsWithoutImprovementAndReturnsTheBestEpoch() throws IOException {
        Dataset data = StripeImages.withSwappedValidationLabels(60, 5L);
        BackboneTrainingConfig config = ADAM.toBuilder().epochs(8).patience(2).schedule(
                BackboneTrainingConfig.Schedule.STEP).learningRate(0.05).build();
        Map<Integer, float[]> parametersAfterEpoch = new HashMap<>();
        BackboneTrainingListener recordParameters = e -> {
            if (e.kind() == BackboneTrainingProgress.Kind.EPOCH_END) {
                try {
                    String file = TrainingCheckpoint.read(dir).orElseThrow().lastModelFile();
                    parametersAfterEpoch.put(e.epoch(), ModelSerializer.restoreComputationGraph(
                            dir.resolve(file).toFile(), false).params().toFloatVector());
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            }
        };
        BackboneTrainingResult result = new BackboneTrainer(recordParameters, CancellationToken.NEVER)
                .train(TinyGraphs.convBnGap(1, StripeImages.SIZE, 2, 3L), TinyGraphs.specOf(data), data, config, dir);

        List<Double> validation = result.history().stream().map(EpochRecord::validationAccuracy).toList();
        assertTrue(result.stoppedEarly(), "history " + validation);
        assertEquals(1, result.bestEpoch(), "the network only gets worse on the swapped labels: " + validation);
        assertEquals(1 + config.patience(), result.epochsCompleted(), "history " + validation);
        assertArrayEquals(parametersAfterEpoch.get(1), result.graph().params().toFloatVector());
        assertFalse(java.util.Arrays.equals(parametersAfterEpoch.get(3), result.graph().params().toFloatVector()),
                "later epochs changed the parameters, and the result must not hold them");
        TrainingCheckpoint state = TrainingCheckpoint.read(dir).orElseThrow();
        assertTrue(state.finished());
        assertEquals(2, state.epochsWithoutImprovement());
    }

    @Test
    void cancellingMidEpochKeepsTheLastCompletedCheckpointIntact() throws IOException {
        Dataset data = fewStripes();
        CancellationToken cancel = new CancellationToken();
        BackboneTrainingListener cancelInEpochTwo = e -> {
            if (e.epoch() == 2 && e.batch() == 3) {
                cancel.cancel();
            }
        };
        assertThrows(CancelledException.class, () -> new BackboneTrainer(cancelInEpochTwo, cancel)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM, dir));

        TrainingCheckpoint state = TrainingCheckpoint.read(dir).orElseThrow();
        assertEquals(1, state.completedEpochs());
        assertEquals("epoch-0001.zip", state.lastModelFile());
        assertEquals("best-epoch-0001.zip", state.bestModelFile());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("best-epoch-0001.zip", "checkpoint.json", "epoch-0001.zip"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary or stale files are left behind");
        }
        assertNotNull(ModelSerializer.restoreComputationGraph(dir.resolve("epoch-0001.zip").toFile(), true));
    }

    @Test
    void resumingAFinishedRunReturnsItsResultWithoutTraining() {
        Dataset data = fewStripes();
        BackboneTrainingConfig oneEpoch = ADAM.toBuilder().epochs(1).build();
        BackboneTrainingResult first = new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, oneEpoch, dir);
        List<BackboneTrainingProgress> events = new ArrayList<>();
        BackboneTrainingResult again = new BackboneTrainer(events::add, CancellationToken.NEVER).resume(data, dir);

        assertTrue(events.isEmpty());
        assertEquals(first.history(), again.history());
        assertArrayEquals(first.graph().params().toFloatVector(), again.graph().params().toFloatVector());
        assertEquals(first.stats(), again.stats());
    }

    @Test
    void refusesToOverwriteACheckpointOrToResumeOnOtherData() {
        Dataset data = fewStripes();
        new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM.toBuilder().epochs(1).build(), dir);

        TrainingCheckpointException overwrite = assertThrows(TrainingCheckpointException.class,
                () -> new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                        .train(tinyGraph(data), TinyGraphs.specOf(data), data, ADAM, dir));
        assertTrue(overwrite.getMessage().contains("already holds a training checkpoint"), overwrite.getMessage());

        Dataset other = StripeImages.dataset(4, new int[] {40, 10, 10}, 12L);
        TrainingCheckpointException otherData = assertThrows(TrainingCheckpointException.class,
                () -> new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER).resume(other, dir));
        assertTrue(otherData.getMessage().contains("pixel statistics"), otherData.getMessage());

        TrainingCheckpointException none = assertThrows(TrainingCheckpointException.class,
                () -> new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                        .resume(data, dir.resolve("empty")));
        assertTrue(none.getMessage().contains("no training checkpoint"), none.getMessage());
    }

    @Test
    void refusesAGraphWhoseClassesDoNotMatchTheData() {
        Dataset data = fewStripes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                        .train(TinyGraphs.convBnGap(1, StripeImages.SIZE, 3, 1L), TinyGraphs.specOf(data), data, ADAM,
                                dir));
        assertTrue(e.getMessage().contains("3 classes") && e.getMessage().contains("has 4"), e.getMessage());
    }
}
