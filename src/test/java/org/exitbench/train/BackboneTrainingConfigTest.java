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
        assertRejected("learningRate", c -> c.withLearningRate(0));
        assertRejected("learningRate", c -> c.withLearningRate(Double.NaN));
        assertRejected("epochs", c -> c.withEpochs(0));
        assertRejected("batchSize", c -> c.withBatchSize(0));
        assertRejected("weightDecay", c -> c.withWeightDecay(-1e-4));
        assertRejected("patience", c -> c.withPatience(-1));
        assertRejected("stepSize", c -> c.withStepSchedule(0, 0.1));
        assertRejected("gamma", c -> c.withStepSchedule(5, 0));
        assertRejected("gamma", c -> c.withStepSchedule(5, 1.5));
        assertRejected("momentum", c -> new BackboneTrainingConfig(c.optimizer(), c.learningRate(), 1.0,
                c.schedule(), c.stepSize(), c.gamma(), c.weightDecay(), c.epochs(), c.batchSize(), c.augmentation(),
                c.seed(), c.patience()));
        NullPointerException missing = assertThrows(NullPointerException.class, () -> BASE.withAugmentation(null));
        assertTrue(missing.getMessage().startsWith("augmentation"), missing.getMessage());
    }

    @Test
    void severalProblemsAreReportedTogether() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new BackboneTrainingConfig(BASE.optimizer(), -1, 0.9, BASE.schedule(), 1, 0.1, 0, 0, 64,
                        Augmentation.NONE, 1, 0));
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
        BackboneTrainingConfig c = BASE.withLearningRate(0.1).withEpochs(4)
                .withSchedule(BackboneTrainingConfig.Schedule.COSINE);
        assertEquals(0.1, c.learningRateAt(0), 1e-15);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), c.learningRateAt(1), 1e-15);
        assertEquals(0.05, c.learningRateAt(2), 1e-15);
        assertTrue(c.learningRateAt(3) > 0 && c.learningRateAt(3) < 0.015);
    }

    @Test
    void stepScheduleMultipliesByGammaEveryStepSizeEpochs() {
        BackboneTrainingConfig c = BASE.withLearningRate(0.1).withEpochs(10).withStepSchedule(3, 0.5);
        assertEquals(0.1, c.learningRateAt(0), 1e-15);
        assertEquals(0.1, c.learningRateAt(2), 1e-15);
        assertEquals(0.05, c.learningRateAt(3), 1e-15);
        assertEquals(0.025, c.learningRateAt(6), 1e-15);
        assertEquals(0.0125, c.learningRateAt(9), 1e-15);
    }

    @Test
    void patienceZeroSwitchesEarlyStoppingOff() {
        assertEquals(false, BASE.withPatience(0).earlyStopping());
        assertEquals(true, BASE.withPatience(3).earlyStopping());
    }
}
