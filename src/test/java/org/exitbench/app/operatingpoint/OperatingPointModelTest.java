package org.exitbench.app.operatingpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Split;
import org.junit.jupiter.api.Test;

/** The shared operating point, without the JavaFX toolkit: one evaluation per update, coalesced requests. */
class OperatingPointModelTest {

    private final CascadeSource source = SyntheticCascadeSource.withoutImages(3_000, 2_000, 3, 5, 11);

    /** A scheduler that keeps what it was asked to run until the test runs it, as a frame would. */
    private static final class Frames implements UpdateScheduler {
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public void schedule(Runnable update) {
            pending.add(update);
        }

        void runFrame() {
            List<Runnable> now = new ArrayList<>(pending);
            pending.clear();
            now.forEach(Runnable::run);
        }
    }

    @Test
    void aNewSourceIsEvaluatedAtOnceWithCpmOnItsValidationScores() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        assertNull(point.resultProperty().get());

        point.setSource(source);

        OperatingPointResult result = point.resultProperty().get();
        Thresholds cpm = new CpmCalibrator(CpmSettings.defaults()).calibrate(source.primary().validation());
        assertEquals(cpm, result.thresholds());
        assertEquals(cpm, point.thresholds());
        CascadeResult expectedTest = new CascadeEvaluator(source.primary().test(), source.costModel()).evaluate(cpm);
        CascadeResult expectedValidation = new CascadeEvaluator(source.primary().validation(), source.costModel())
                .evaluate(cpm);
        assertEquals(expectedTest.accuracy(), result.test().accuracy());
        assertEquals(expectedTest.computeReduction(), result.test().computeReduction());
        assertEquals(expectedValidation.accuracy(), result.validation().accuracy());
        assertSame(result.test(), result.on(Split.TEST));
        assertSame(result.validation(), result.on(Split.VALID));
        assertEquals(2_000, result.testSampleCount());
        assertEquals(3_000, result.validation().sampleCount());
        assertEquals(3 * 5, result.table().cells().size());
    }

    @Test
    void theTestExitsAndAnswersAreThoseOfTheSameEvaluation() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        point.setSource(source);
        OperatingPointResult result = point.resultProperty().get();
        CascadeEvaluator evaluator = new CascadeEvaluator(source.primary().test(), source.costModel());
        evaluator.evaluate(result.thresholds());
        int[] counts = new int[4];
        for (int i = 0; i < result.testSampleCount(); i++) {
            assertEquals(evaluator.exitOf(i), result.testExitOf(i));
            assertEquals(evaluator.predictionOf(i), result.testAnswerOf(i));
            counts[result.testExitOf(i)]++;
        }
        for (int e = 0; e <= 3; e++) {
            assertEquals(result.test().exitedCount(e), counts[e]);
        }
    }

    @Test
    void manyRequestsBeforeAFrameCostOneEvaluationOfTheLatest() {
        Frames frames = new Frames();
        OperatingPointModel point = new OperatingPointModel(frames);
        point.setSource(source);
        long before = point.resultProperty().get().revision();
        Thresholds base = point.thresholds();

        for (int step = 1; step <= 50; step++) {
            point.requestThresholds(base.withThreshold(0, 0, step / 50.0));
        }

        assertEquals(1, frames.pending.size(), "one update scheduled for fifty requests");
        assertEquals(before, point.resultProperty().get().revision(), "nothing evaluated before the frame");
        assertEquals(1.0, point.thresholds().get(0, 0), "edits build on the latest request");
        frames.runFrame();
        assertEquals(before + 1, point.resultProperty().get().revision());
        assertEquals(1.0, point.resultProperty().get().thresholds().get(0, 0));
        frames.runFrame();
        assertEquals(before + 1, point.resultProperty().get().revision(), "no second evaluation without a request");
    }

    @Test
    void raisingAThresholdToNeverMovesThoseImagesToLaterExits() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        point.setSource(source);
        OperatingPointResult before = point.resultProperty().get();

        point.requestThresholds(Thresholds.never(3, 5));

        OperatingPointResult after = point.resultProperty().get();
        assertEquals(0, after.test().exitedCount(0));
        assertEquals(after.test().sampleCount(), after.test().exitedCount(3));
        assertEquals(after.test().backboneAccuracy(), after.test().accuracy());
        assertTrue(after.test().computeReduction() < 0, "branches cost extra when none fires");
        assertNotEquals(before.test().computeReduction(), after.test().computeReduction());
        assertEquals(List.of("Exit 1 never fires on the validation split.",
                "Exit 2 never fires on the validation split.", "Exit 3 never fires on the validation split."),
                after.silentExits());
    }

    @Test
    void changingTheSettingsReEvaluatesTheTableAgainstTheNewBar() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        point.setSource(source);
        double anchor = point.resultProperty().get().table().cell(0, 2).anchorPrecision();
        assertEquals(anchor - 0.20, point.resultProperty().get().table().cell(0, 2).bar(), 1e-12);

        point.settingsProperty().set(CpmSettings.builder().margin(0.05).build());

        assertEquals(anchor - 0.05, point.resultProperty().get().table().cell(0, 2).bar(), 1e-12);
        assertEquals(0.05, point.resultProperty().get().settings().margin());
        point.settingsProperty().set(null);
        assertEquals(0.05, point.settingsProperty().get().margin(), "null is refused");
    }

    @Test
    void aSourceWithSavedThresholdsStartsFromThem() {
        Thresholds saved = Thresholds.uniform(ExitRule.MAX_SOFTMAX, 3, 5, 0.9);
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);

        point.setSource(source.withThresholds(saved));

        assertEquals(saved, point.resultProperty().get().thresholds());
        point.setSource(null);
        assertNull(point.resultProperty().get());
        assertNull(point.thresholds());
    }

    @Test
    void thresholdsOfAnotherShapeOrWithoutScoresAreRefused() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        assertThrows(IllegalStateException.class, () -> point.requestThresholds(Thresholds.never(3, 5)));
        point.setSource(source);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> point.requestThresholds(Thresholds.never(2, 5)));
        assertTrue(wrong.getMessage().contains("2 exits × 5 classes"), wrong.getMessage());
    }
}
