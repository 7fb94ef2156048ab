package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.ScoreRows;
import org.exitbench.data.Split;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Issue 17's protocol in branch training: the calibration split and the equal update budget. */
@Tag("slow")
class FairProtocolTest {

    private static final CpmSettings CPM = CpmSettings.builder().margin(-0.02).minimumSupport(10).build();
    private static final BranchTrainingSettings SETTINGS = BranchTrainingSettings.builder()
            .epochs(3).batchSize(64).minimumSurvivors(20).build();
    private static final CalibrationSplit SPLIT = CalibrationSplit.of(0.5);

    private static FeatureCache cache;

    @BeforeAll
    static void makeCache() {
        cache = SyntheticCaches.cache(1200, 600, 600, 5L);
    }

    private static BranchTrainingResult train(BranchTrainingSettings settings, EpochLength length,
                                              CalibrationSplit split, BranchTrainingListener listener) {
        return new BranchTrainer(BranchSpec.defaults(), settings, CPM, null, length, split).train(cache,
                ProgressListener.NONE, listener, CancellationToken.NEVER);
    }

    @Test
    void cpmCalibratesOnTheCalibrationPartAloneAndEarlyStoppingUsesTheRest() {
        List<BranchEpoch> epochs = new ArrayList<>();
        BranchTrainingResult result = train(SETTINGS.toBuilder().mode(BranchTrainingMode.NON_BOOSTED).build(), EpochLength.onePass(),
                SPLIT, new BranchTrainingListener() {
                    @Override
                    public void onEpoch(BranchEpoch epoch) {
                        epochs.add(epoch);
                    }
                });
        SplitFeatures valid = cache.split(Split.VALID);
        CalibrationSplit.Parts parts = SPLIT.split(valid.labels());
        assertTrue(epochs.stream().allMatch(e -> e.validSamples() == parts.stopping().length),
                "non-boosted branches stop on the " + parts.stopping().length + " stopping rows");
        ExitScores calibration = ScoreRows.select(result.validProbabilities().toArray(float[][]::new),
                TargetLabels.backboneProbabilities(valid), valid.labels(), cache.numClasses(), parts.calibration());
        assertEquals(new CpmCalibrator(CPM).calibrate(calibration), result.thresholds(),
                "the thresholds are sequential CPM on the calibration rows");
        assertNotEquals(new CpmCalibrator(CPM).calibrate(result.validScores()), result.thresholds(),
                "and not on the whole validation split");
        // The funnel counts what each exit takes among all validation samples reaching it, so it adds up.
        BranchOutcome first = result.outcomes().get(0);
        assertEquals(first.validReaching() - first.validExited(), result.outcomes().get(1).validReaching());
    }

    @Test
    void aFixedEpochLengthGivesEveryBranchTheSameUpdatesWhateverItsRows() {
        BranchTrainingSettings boosted = SETTINGS.toBuilder().mode(BranchTrainingMode.BOOSTED).build();
        BranchTrainingResult result = train(boosted, new EpochLength(7), CalibrationSplit.off(),
                BranchTrainingListener.NONE);
        assertTrue(result.outcomes().get(1).trainSamples() < 1200, "the second branch learns from survivors");
        for (int k = 0; k < result.branches().size(); k++) {
            BranchOutcome outcome = result.outcomes().get(k);
            assertEquals(7L * outcome.history().size(), result.branches().get(k).graph().getIterationCount(),
                    "branch " + k + " updates: 7 per epoch");
        }
        // One pass per epoch: the survivors' branch gets fewer updates than the first, as before.
        BranchTrainingResult onePass = train(boosted, EpochLength.onePass(), CalibrationSplit.off(),
                BranchTrainingListener.NONE);
        long first = onePass.branches().get(0).graph().getIterationCount() / onePass.outcomes().get(0).history().size();
        long second = onePass.branches().get(1).graph().getIterationCount()
                / onePass.outcomes().get(1).history().size();
        assertEquals((1200 + 63) / 64, first);
        assertTrue(second < first, second + " updates per epoch against " + first);
    }

    /** The default of version-2 configurations: one pass over the whole training split, for every branch alike. */
    @Test
    void aFullSplitEpochLengthGivesEveryBranchOnePassOverTheTrainingSplitInUpdates() {
        BranchTrainingSettings boosted = SETTINGS.toBuilder().mode(BranchTrainingMode.BOOSTED).build();
        BranchTrainingResult result = train(boosted, EpochLength.fullSplit(), CalibrationSplit.off(),
                BranchTrainingListener.NONE);
        assertTrue(result.outcomes().get(1).trainSamples() < 1200, "the second branch learns from survivors");
        for (int k = 0; k < result.branches().size(); k++) {
            assertEquals((1200 + 63) / 64 * (long) result.outcomes().get(k).history().size(),
                    result.branches().get(k).graph().getIterationCount(), "branch " + k + ": one pass over the "
                            + "1,200 training rows per epoch, at batch 64");
        }
        assertEquals(new EpochLength(19), EpochLength.fullSplit().resolve(1200, 64));
        assertEquals(new EpochLength(7), new EpochLength(7).resolve(1200, 64), "a fixed length stays");
        assertThrows(IllegalStateException.class, () -> EpochLength.fullSplit().batchesPerEpoch(100, 64));
        assertThrows(IllegalArgumentException.class, () -> new EpochLength(-2));
    }
}
