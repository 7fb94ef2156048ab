package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.FeatureCache;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Sharing identical branch fits between trainers changes nothing but the work done. */
@Tag("slow")
class BranchFitMemoTest {

    private static final CpmSettings CPM = CpmSettings.builder().margin(0.05).minimumSupport(20).build();
    private static final BranchTrainingSettings SETTINGS = BranchTrainingSettings.builder()
            .epochs(3).batchSize(64).minimumSurvivors(30).build();

    private static FeatureCache cache;

    @BeforeAll
    static void generateCache() {
        cache = SyntheticCaches.cache(900, 450, 450, 11L);
    }

    private static BranchTrainingResult train(BranchTrainingSettings settings, BranchFitMemo memo,
                                              BranchTrainingListener listener) {
        return new BranchTrainer(BranchSpec.defaults(), settings, CPM, memo).train(cache, ProgressListener.NONE,
                listener, CancellationToken.NEVER);
    }

    private static void assertSameCascade(BranchTrainingResult expected, BranchTrainingResult actual) {
        assertArrayEquals(expected.cacheExits(), actual.cacheExits());
        assertEquals(expected.thresholds(), actual.thresholds());
        for (int j = 0; j < expected.branches().size(); j++) {
            assertArrayEquals(expected.validProbabilities().get(j), actual.validProbabilities().get(j));
            assertArrayEquals(expected.testProbabilities().get(j), actual.testProbabilities().get(j));
            assertEquals(expected.branches().get(j).graph().params(), actual.branches().get(j).graph().params());
        }
        for (int j = 0; j < expected.outcomes().size(); j++) {
            BranchOutcome e = expected.outcomes().get(j);
            BranchOutcome a = actual.outcomes().get(j);
            assertEquals(e.history(), a.history());
            assertEquals(e.bestEpoch(), a.bestEpoch());
            assertArrayEquals(e.trainMask(), a.trainMask());
            assertArrayEquals(e.validMask(), a.validMask());
        }
    }

    @Test
    void theBoostedFirstBranchIsTheNonBoostedOneAndIsFittedOnce() {
        BranchTrainingResult plainNonBoosted = train(SETTINGS.toBuilder().mode(BranchTrainingMode.NON_BOOSTED).build(),
                null,
                BranchTrainingListener.NONE);
        BranchTrainingResult plainBoosted = train(SETTINGS, null, BranchTrainingListener.NONE);

        BranchFitMemo memo = BranchFitMemo.create();
        BranchTrainingResult nonBoosted = train(SETTINGS.toBuilder().mode(BranchTrainingMode.NON_BOOSTED).build(), memo,
                BranchTrainingListener.NONE);
        assertEquals(2, memo.fitCount());
        assertEquals(0, memo.reuseCount());
        List<BranchEpoch> epochs = new CopyOnWriteArrayList<>();
        BranchTrainingResult boosted = train(SETTINGS, memo, new BranchTrainingListener() {
            @Override
            public void onEpoch(BranchEpoch epoch) {
                epochs.add(epoch);
            }
        });
        assertEquals(1, memo.reuseCount(), "the first boosted branch learns from the same rows as the non-boosted");
        assertEquals(3, memo.fitCount(), "the second boosted branch learns from survivors: a new fit");

        assertSameCascade(plainNonBoosted, nonBoosted);
        assertSameCascade(plainBoosted, boosted);
        assertNotSame(nonBoosted.branches().get(0), boosted.branches().get(0), "each trainer owns its networks");
        assertTrue(epochs.stream().allMatch(e -> e.mode() == BranchTrainingMode.BOOSTED),
                "replayed epochs are reported in the mode of the trainer that asked");
        assertEquals(boosted.outcomes().get(0).history().size() + boosted.outcomes().get(1).history().size(),
                epochs.size());
    }

    @Test
    void anotherMarginChangesTheBoostedSurvivorsSoOnlyTheFirstBranchIsShared() {
        BranchFitMemo memo = BranchFitMemo.create();
        train(SETTINGS, memo, BranchTrainingListener.NONE);
        new BranchTrainer(BranchSpec.defaults(), SETTINGS, CPM.toBuilder().margin(0.0).build(), memo).train(cache,
                ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
        assertEquals(1, memo.reuseCount());
        assertEquals(3, memo.fitCount());
        train(SETTINGS.toBuilder().seed(7).build(), memo, BranchTrainingListener.NONE);
        assertEquals(1, memo.reuseCount(), "another seed is another fit");
    }

    @Test
    void trainersOnTwoThreadsShareFitsAndGetTheSameResults() throws Exception {
        BranchTrainingSettings crossFitted = SETTINGS.toBuilder().filtering(SurvivorFiltering.CROSS_FITTED).build();
        BranchTrainingResult plain = train(crossFitted, null, BranchTrainingListener.NONE);
        BranchFitMemo memo = BranchFitMemo.create();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<BranchTrainingResult> a = pool.submit(() -> train(crossFitted, memo, BranchTrainingListener.NONE));
            Future<BranchTrainingResult> b = pool.submit(() -> train(crossFitted, memo, BranchTrainingListener.NONE));
            assertSameCascade(plain, a.get());
            assertSameCascade(plain, b.get());
        } finally {
            pool.shutdown();
        }
        // Two branches, each with two cross-fitting copies: six distinct fits, each done once.
        assertEquals(6, memo.fitCount());
        assertEquals(6, memo.reuseCount());
    }
}
