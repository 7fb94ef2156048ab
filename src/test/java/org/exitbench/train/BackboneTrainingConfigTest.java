package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.exitbench.data.Augmentation;
import org.junit.jupiter.api.Test;

class BackboneTrainingConfigTest {

    private static final BackboneTrainingConfig BASE = BackboneTrainingConfig.defaults(3);

    private static void assertRejected(String field, UnaryOperator<BackboneTrainingConfig> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(BASE));
        assertTrue(e.getMessage().startsWith(field + " "), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void eachOutOfRangeValueIsRejectedWithItsFieldName() {
        assertRejected("learningRate", c -> c.toBuilder().learningRate(0).build());
        assertRejected("learningRate", c -> c.toBuilder().learningRate(Double.NaN).build());
        assertRejected("epochs", c -> c.toBuilder().epochs(0).build());
        assertRejected("batchSize", c -> c.toBuilder().batchSize(0).build());
        assertRejected("weightDecay", c -> c.toBuilder().weightDecay(-1e-4).build());
        assertRejected("patience", c -> c.toBuilder().patience(-1).build());
        assertRejected("stepSize", c -> c.toBuilder().stepSchedule(0, 0.1).build());
        assertRejected("gamma", c -> c.toBuilder().stepSchedule(5, 0).build());
        assertRejected("gamma", c -> c.toBuilder().stepSchedule(5, 1.5).build());
        assertRejected("momentum", c -> c.toBuilder().momentum(1.0).build());
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> BASE.toBuilder().augmentation(null).build());
        assertTrue(missing.getMessage().startsWith("augmentation"), missing.getMessage());
    }

    @Test
    void severalProblemsAreReportedTogether() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> BASE.toBuilder().learningRate(-1).epochs(0).build());
        assertEquals("learningRate must be a positive number, was -1.0; epochs must be at least 1, was 0",
                both.getMessage());
    }

    @Test
    void augmentationDefaultsFollowTheImageKind() {
        assertEquals(Augmentation.CIFAR_STANDARD, BackboneTrainingConfig.defaults(3).augmentation());
        assertEquals(Augmentation.NONE, BackboneTrainingConfig.defaults(1).augmentation());
    }

    @Test
    void cosineScheduleFallsFromTheInitialRateTowardsZero() {
        BackboneTrainingConfig c = BASE.toBuilder().learningRate(0.1).epochs(4)
                .schedule(BackboneTrainingConfig.Schedule.COSINE).build();
        assertEquals(0.1, c.learningRateAt(0), 1e-15);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), c.learningRateAt(1), 1e-15);
        assertEquals(0.05, c.learningRateAt(2), 1e-15);
        assertTrue(c.learningRateAt(3) > 0 && c.learningRateAt(3) < 0.015);
    }

    @Test
    void stepScheduleMultipliesByGammaEveryStepSizeEpochs() {
        BackboneTrainingConfig c = BASE.toBuilder().learningRate(0.1).epochs(10).stepSchedule(3, 0.5).build();
        assertEquals(0.1, c.learningRateAt(0), 1e-15);
        assertEquals(0.1, c.learningRateAt(2), 1e-15);
        assertEquals(0.05, c.learningRateAt(3), 1e-15);
        assertEquals(0.025, c.learningRateAt(6), 1e-15);
        assertEquals(0.0125, c.learningRateAt(9), 1e-15);
    }

    @Test
    void patienceZeroSwitchesEarlyStoppingOff() {
        assertEquals(false, BASE.toBuilder().patience(0).build().earlyStopping());
        assertEquals(true, BASE.toBuilder().patience(3).build().earlyStopping());
    }

    @Test
    void theBuilderChangesOnlyTheSettingsItNames() {
        assertEquals(BASE, BackboneTrainingConfig.builder(3).build());
        assertEquals(BASE, BASE.toBuilder().build());
        BackboneTrainingConfig step = BASE.toBuilder().epochs(12).stepSchedule(4, 0.5).seed(9).build();
        assertEquals(new BackboneTrainingConfig(BASE.optimizer(), BASE.learningRate(), BASE.momentum(),
                BackboneTrainingConfig.Schedule.STEP, 4, 0.5, BASE.weightDecay(), 12, BASE.batchSize(),
                BASE.augmentation(), 9, BASE.patience()), step);
        assertEquals(Augmentation.NONE, BackboneTrainingConfig.builder(1).build().augmentation());
    }

    @Test
    void branchSettingsBuildByNameAndNameTheFieldsTheyRefuse() {
        BranchTrainingSettings d = BranchTrainingSettings.defaults();
        assertEquals(d, BranchTrainingSettings.builder().build());
        BranchTrainingSettings changed = d.toBuilder().mode(BranchTrainingMode.NON_BOOSTED).epochs(2).seed(5).build();
        assertEquals(new BranchTrainingSettings(BranchTrainingMode.NON_BOOSTED, d.target(), d.temperature(),
                d.softness(), 2, d.learningRate(), d.batchSize(), d.weightDecay(), d.patience(),
                d.minimumSurvivors(), d.filtering(), d.crossFitFolds(), 5), changed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.toBuilder().epochs(0).crossFitFolds(11).build());
        assertEquals("epochs must be at least 1, was 0; crossFitFolds must be 2 to 10, was 11", e.getMessage());
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> d.toBuilder().target(null).build());
        assertEquals("target is missing", missing.getMessage());
    }
}
