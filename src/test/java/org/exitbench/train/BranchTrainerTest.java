package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.ExitCalibration;
import org.exitbench.cascade.ExitScores;
import org.exitbench.data.Split;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Branch training on a generated feature cache: which samples each mode learns from, skipping, seeding. */
@Tag("slow")
class BranchTrainerTest {

    private static final CpmSettings CPM = CpmSettings.builder().margin(0.05).minimumSupport(20).build();
    private static final BranchTrainingSettings SETTINGS = BranchTrainingSettings.builder()
            .epochs(4).batchSize(64).minimumSurvivors(30).build();

    private static FeatureCache cache;
    private static BranchTrainingResult boosted;

    @BeforeAll
    static void trainBoosted() {
        cache = SyntheticCaches.cache(1200, 600, 600, 5L);
        boosted = train(SETTINGS, BranchTrainingListener.NONE);
    }

    private static BranchTrainingResult train(BranchTrainingSettings settings, BranchTrainingListener listener) {
        return new BranchTrainer(BranchSpec.defaults(), settings, CPM).train(cache, ProgressListener.NONE, listener,
                CancellationToken.NEVER);
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Test
    void boostedRemovesExactlyTheSamplesTheCalibratedExitTakes() {
        BranchOutcome first = boosted.outcomes().get(0);
        BranchOutcome second = boosted.outcomes().get(1);
        assertTrue(first.trained() && second.trained(), first.skipReason() + " / " + second.skipReason());
        assertTrue(first.validExited() > 0, "the first exit takes some validation samples");

        // Validation: the second exit is calibrated on the first's survivors minus what the first takes.
        ExitCalibration calibration = first.calibration();
        boolean[] expectedValid = calibration.remaining(first.validMask());
        assertArrayEquals(expectedValid, second.validMask());
        assertEquals(first.validReaching() - first.validExited(), second.validReaching());

        // Training: apply the first branch's thresholds to its own (in-sample) predictions on the training split.
        SplitFeatures train = cache.split(Split.TRAIN);
        ExitBranch branch = boosted.branches().get(0);
        ExitScores trainScores = ExitScores.fromProbabilities(new float[][] {branch.probabilities(train.features(0),
                null)}, TargetLabels.backboneProbabilities(train), train.labels(), cache.numClasses());
        boolean[] taken = calibration.exitedAmong(trainScores, 0, null);
        boolean[] expectedTrain = new boolean[train.size()];
        for (int i = 0; i < expectedTrain.length; i++) {
            expectedTrain[i] = !taken[i];
        }
        assertArrayEquals(expectedTrain, second.trainMask());
        assertEquals(count(taken), first.trainExited());
        assertTrue(first.trainExited() > 0);
        assertEquals(count(expectedTrain), second.trainSamples(), "branch 2 learns from exactly the survivors");
        assertEquals(train.size(), first.trainSamples());
    }

    @Test
    void thresholdsAreWhatSequentialCpmGivesOnTheFinalScores() {
        assertEquals(new CpmCalibrator(CPM).calibrate(boosted.validScores()), boosted.thresholds());
        assertEquals(2, boosted.validScores().exitCount());
        assertEquals(600, boosted.testScores().sampleCount());
    }

    @Test
    void nonBoostedTrainsAndValidatesEveryBranchOnAllSamples() {
        List<BranchEpoch> epochs = new ArrayList<>();
        BranchTrainingResult result = train(SETTINGS.toBuilder().mode(BranchTrainingMode.NON_BOOSTED).build(),
                new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        epochs.add(epoch);
                    }
                });
        for (BranchOutcome outcome : result.outcomes()) {
            assertTrue(outcome.trained());
            assertEquals(1200, outcome.trainSamples());
        }
        assertTrue(epochs.stream().allMatch(e -> e.trainSamples() == 1200 && e.validSamples() == 600));
        assertTrue(epochs.stream().anyMatch(e -> e.exit() == 1));
        // Calibration still follows the cascade: exit 2 is calibrated on what exit 1 leaves.
        BranchOutcome first = result.outcomes().get(0);
        assertEquals(first.validReaching() - first.validExited(), result.outcomes().get(1).validReaching());
        assertEquals(new CpmCalibrator(CPM).calibrate(result.validScores()), result.thresholds());
    }

    @Test
    void softModeWeighsEverySampleByTheEarlierExitsStayProbability() {
        BranchTrainingSettings soft = SETTINGS.toBuilder().mode(BranchTrainingMode.SOFT).build();
        BranchTrainingResult result = train(soft, BranchTrainingListener.NONE);
        BranchOutcome first = result.outcomes().get(0);
        BranchOutcome second = result.outcomes().get(1);
        assertEquals(1200, second.trainSamples());
        SplitFeatures train = cache.split(Split.TRAIN);
        ExitScores trainScores = ExitScores.fromProbabilities(new float[][] {result.branches().get(0)
                .probabilities(train.features(0), null)}, TargetLabels.backboneProbabilities(train), train.labels(),
                cache.numClasses());
        double expected = 0;
        double[] tau = first.calibration().thresholds();
        for (int i = 0; i < train.size(); i++) {
            expected += SoftSurvivalWeights.stayProbability(trainScores.confidence(0, i),
                    tau[trainScores.predicted(0, i)], soft.softness());
        }
        assertEquals(expected, second.trainWeight(), 1e-6 * expected);
        assertTrue(second.trainWeight() < 1200, "the first exit takes weight away");
    }

    @Test
    void sameSeedTrainsTheSameBranches() {
        BranchTrainingResult again = train(SETTINGS, BranchTrainingListener.NONE);
        for (int k = 0; k < 2; k++) {
            assertEquals(boosted.branches().get(k).graph().params(), again.branches().get(k).graph().params());
        }
        assertEquals(boosted.thresholds(), again.thresholds());
    }

    @Test
    void aBranchWithTooFewSurvivorsIsSkippedWithAReason() {
        BranchTrainingResult result = train(SETTINGS.toBuilder().minimumSurvivors(5000).build(),
                BranchTrainingListener.NONE);
        assertFalse(result.hasCascade());
        assertNull(result.thresholds());
        BranchOutcome first = result.outcomes().get(0);
        assertEquals("only 1200 training samples reach exit 1 (stage1), fewer than the minimum of 5000",
                first.skipReason());
        assertEquals(0, first.macs());
        assertEquals(2, result.outcomes().size());
    }

    @Test
    void aSingleClassSurvivorSetIsSkippedAndTheNextExitStillTrains() {
        FeatureCache degenerate = SyntheticCaches.cache(300, 200, 100, 9L, true);
        BranchTrainingResult result = new BranchTrainer(BranchSpec.defaults(), SETTINGS, CPM)
                .train(degenerate, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
        for (BranchOutcome outcome : result.outcomes()) {
            assertEquals("all 300 training samples that reach exit " + (outcome.exit() + 1) + " ("
                    + outcome.vertex() + ") have the same target class 'circle'; a classifier needs at least two "
                    + "classes", outcome.skipReason());
        }
        // Ground-truth targets have four classes, so the same cache trains.
        BranchTrainingResult truth = new BranchTrainer(BranchSpec.defaults(),
                SETTINGS.toBuilder().target(BranchTarget.GROUND_TRUTH).build(), CPM)
                .train(degenerate, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
        assertTrue(truth.outcomes().get(0).trained());
    }

    @Test
    void skippingOneExitLeavesItOutOfTheCascade() {
        BranchTrainingResult result = new BranchTrainer(BranchSpec.defaults(), SETTINGS, CPM)
                .train(cache, new int[] {1}, ProgressListener.NONE, BranchTrainingListener.NONE,
                        CancellationToken.NEVER);
        assertArrayEquals(new int[] {1}, result.cacheExits());
        assertEquals(1, result.thresholds().exitCount());
        assertEquals(1200, result.outcomes().get(0).trainSamples());
    }

    @Test
    void crossFittedFilteringTrainsOneCopyPerFold() {
        List<BranchEpoch> epochs = new ArrayList<>();
        BranchTrainingResult result = train(SETTINGS.toBuilder().filtering(SurvivorFiltering.CROSS_FITTED).build(),
                new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        epochs.add(epoch);
                    }
                });
        assertTrue(epochs.stream().anyMatch(e -> e.exit() == 0 && e.fold() == 0 && e.trainSamples() == 600));
        assertTrue(epochs.stream().anyMatch(e -> e.exit() == 0 && e.fold() == 1 && e.trainSamples() == 600));
        BranchOutcome first = result.outcomes().get(0);
        assertEquals(first.trainReaching() - first.trainExited(), result.outcomes().get(1).trainReaching());
        // The cascade's branch is the one trained on all survivors, as in-sample filtering's.
        assertEquals(boosted.branches().get(0).graph().params(), result.branches().get(0).graph().params());
    }

    @Test
    void distillationTargetsTrainBranchesThatAgreeWithTheBackbone() {
        BranchTrainingResult result = train(SETTINGS.toBuilder().target(BranchTarget.DISTILLATION)
                .mode(BranchTrainingMode.NON_BOOSTED).build(), BranchTrainingListener.NONE);
        ExitScores valid = result.validScores();
        int agree = 0;
        for (int i = 0; i < valid.sampleCount(); i++) {
            agree += valid.predicted(1, i) == valid.backbonePredicted(i) ? 1 : 0;
        }
        // Chance is a quarter; the backbone is itself right on 90 % and exit 2's features are fairly clear.
        assertTrue(agree > 0.6 * valid.sampleCount(), "exit 2 agrees with the backbone on " + agree + " of 600");
    }

    @Test
    void otherBranchTypesNeedASpatialCache() {
        var error = assertThrows(IllegalArgumentException.class, () -> new BranchTrainer(
                BranchSpec.of(BranchType.CONV2D, 4, 3), SETTINGS, CPM).train(cache, ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER));
        assertTrue(error.getMessage().contains("pooling grid 2 or more"), error.getMessage());
    }

    @Test
    void cancellingStopsTraining() {
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancelledException.class, () -> new BranchTrainer(BranchSpec.defaults(), SETTINGS, CPM)
                .train(cache, ProgressListener.NONE, new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        cancel.cancel();
                    }
                }, cancel));
    }
}
