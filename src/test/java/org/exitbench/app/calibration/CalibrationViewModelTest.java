package org.exitbench.app.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginBudget;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.Thresholds;
import org.exitbench.sweep.SweepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Calibration pane's state, without the toolkit: edits, undo and redo, reset to CPM with locks, files. */
class CalibrationViewModelTest {

    private final CascadeSource source = SyntheticCascadeSource.withoutImages(3_000, 2_000, 3, 4, 21);
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final CalibrationViewModel model = new CalibrationViewModel(point);

    @TempDir
    Path temp;

    CalibrationViewModelTest() {
        point.setSource(source);
    }

    private OperatingPointResult result() {
        return point.resultProperty().get();
    }

    @Test
    void aDragMovesTheOperatingPointLiveAndUndoesInOneStep() {
        Thresholds start = point.thresholds();
        double accuracyBefore = result().validation().accuracy();
        double reductionBefore = result().validation().computeReduction();

        for (double v = 0.5; v <= 1.0; v += 0.1) {
            model.previewThreshold(0, 1, v);
        }
        model.previewThreshold(0, 1, Double.POSITIVE_INFINITY);

        assertEquals(0, result().validation().exitedCount(0, 1), "exit 1 no longer answers class 1");
        assertNotEquals(reductionBefore, result().validation().computeReduction());
        assertFalse(model.history().canUndoProperty().get(), "the drag is still open");
        model.commitEdit();
        assertTrue(model.history().canUndoProperty().get());
        assertEquals("threshold of exit 1, class 1", model.history().undoActionProperty().get());

        model.undo();
        assertEquals(start, result().thresholds());
        assertEquals(accuracyBefore, result().validation().accuracy());
        assertFalse(model.history().canUndoProperty().get(), "the whole drag was one step");
        model.redo();
        assertEquals(Double.POSITIVE_INFINITY, result().thresholds().get(0, 1));
        assertFalse(model.history().canRedoProperty().get());
    }

    @Test
    void aDragThatEndsWhereItStartedLeavesNothingToUndo() {
        double tau = point.thresholds().get(1, 2);
        model.previewThreshold(1, 2, 0.99);
        model.previewThreshold(1, 2, tau);
        model.commitEdit();
        assertFalse(model.history().canUndoProperty().get());
    }

    @Test
    void resetToCpmRecalibratesWithTheCurrentSettingsAndIsUndoable() {
        model.setThreshold(0, 0, 0.2);
        model.setThreshold(2, 3, Double.POSITIVE_INFINITY);
        Thresholds edited = point.thresholds();
        model.marginProperty().set(0.05);
        model.marginFormProperty().set(MarginForm.MULTIPLICATIVE);

        model.resetToCpm();

        CpmSettings settings = CpmSettings.builder().margin(0.05).marginForm(MarginForm.MULTIPLICATIVE).build();
        assertEquals(new CpmCalibrator(settings).calibrate(source.primary().validation()), result().thresholds());
        assertTrue(model.messageProperty().get().startsWith("Reset every class to CPM (m = 0.05"),
                model.messageProperty().get());
        model.undo();
        assertEquals(edited, result().thresholds());
    }

    @Test
    void theMarginActsAtOnceKeepsLockedClassesAndADragIsOneUndoStep() {
        model.setThreshold(0, 2, 0.999);
        model.lockedProperty(2).set(true);
        Thresholds start = point.thresholds();

        for (double m = 0.01; m <= 0.1; m += 0.01) {
            model.marginProperty().set(m);
        }

        Thresholds live = result().thresholds();
        CpmSettings settings = point.settingsProperty().get();
        Thresholds plain = new CpmCalibrator(settings).calibrate(source.primary().validation());
        assertEquals(0.999, live.get(0, 2), "the locked class keeps its threshold");
        for (int c : new int[] {0, 1, 3}) {
            assertEquals(plain.get(0, c), live.get(0, c), "class " + c + " follows CPM at m = " + settings.margin());
        }
        assertEquals(settings, result().settings(), "the table, chart and captions describe the slider's margin");
        model.undo();
        assertEquals(start, result().thresholds(), "the whole drag was one step");
        assertFalse(model.history().canUndoProperty().get() && model.history().undoActionProperty().get()
                .equals("CPM settings"));
    }

    @Test
    void aLockedClassKeepsItsThresholdsAndCpmCalibratesTheOthersAroundIt() {
        model.setThreshold(0, 2, 0.999);
        model.setThreshold(1, 2, 0.123);
        model.lockedProperty(2).set(true);

        model.resetToCpm();

        Thresholds reset = result().thresholds();
        Thresholds plain = new CpmCalibrator(point.settingsProperty().get()).calibrate(source.primary().validation());
        assertEquals(0.999, reset.get(0, 2));
        assertEquals(0.123, reset.get(1, 2));
        for (int c : new int[] {0, 1, 3}) {
            // Exit 1 sees every sample whatever the locks, so its unlocked thresholds are plain CPM's.
            assertEquals(plain.get(0, c), reset.get(0, c), "class " + c);
        }
        assertTrue(model.messageProperty().get().startsWith("Reset the unlocked classes"));
    }

    @Test
    void theSettingsPropertiesAreTheOperatingPointsSettings() {
        model.marginProperty().set(0.1);
        model.anchorSourceProperty().set(AnchorSource.SURVIVORS);
        model.minimumSupportProperty().set(5);

        CpmSettings settings = point.settingsProperty().get();
        assertEquals(0.1, settings.margin());
        assertEquals(AnchorSource.SURVIVORS, settings.anchorSource());
        assertEquals(5, settings.minimumSupport());
        assertEquals(AnchorSource.SURVIVORS, result().settings().anchorSource(), "the table follows at once");

        point.settingsProperty().set(CpmSettings.defaults());
        assertEquals(CpmSettings.DEFAULT_MARGIN, model.marginProperty().get());
        assertEquals(AnchorSource.FULL_VALIDATION, model.anchorSourceProperty().get());

        model.marginProperty().set(1.5);
        assertEquals(CpmSettings.DEFAULT_MARGIN, point.settingsProperty().get().margin());
        assertEquals(CpmSettings.DEFAULT_MARGIN, model.marginProperty().get(), "an impossible margin is refused");
        assertTrue(model.messageIsErrorProperty().get());
    }

    @Test
    void savedThresholdsLoadBackAsOneUndoableEdit() throws IOException {
        model.setThreshold(1, 1, 0.777);
        Thresholds saved = point.thresholds();
        Path file = temp.resolve("thresholds.json");

        assertTrue(model.save(file));
        assertEquals("Saved thresholds to " + file + ".", model.messageProperty().get());
        assertEquals(saved, Thresholds.read(file));
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }

        model.resetToCpm();
        Thresholds reset = point.thresholds();
        assertTrue(model.load(file));
        assertEquals(saved, result().thresholds());
        model.undo();
        assertEquals(reset, result().thresholds());
    }

    @Test
    void aFileOfAnotherShapeOrNotThresholdsIsRefusedWithItsName() throws IOException {
        Thresholds current = point.thresholds();
        Path wrongShape = temp.resolve("five-classes.json");
        Files.writeString(wrongShape, Thresholds.never(3, 5).toJson());
        Path broken = temp.resolve("broken.json");
        Files.writeString(broken, "{\"format\": \"exitbench-thresholds\", \"version\": 1}");

        assertFalse(model.load(wrongShape));
        assertEquals(wrongShape + " holds thresholds for 3 exits × 5 classes; the current cascade has 3 exits × 4"
                + " classes.", model.messageProperty().get());
        assertTrue(model.messageIsErrorProperty().get());
        assertFalse(model.load(broken));
        assertTrue(model.messageProperty().get().startsWith(broken.toString()), model.messageProperty().get());
        assertFalse(model.load(temp.resolve("missing.json")));
        assertTrue(model.messageProperty().get().startsWith("Could not read " + temp.resolve("missing.json")));
        assertEquals(current, point.thresholds());
        assertFalse(model.history().canUndoProperty().get());
    }

    @Test
    void theTableExportsAsCsvWithOneRowPerExitAndClass() {
        String csv = model.tableCsv();
        String[] lines = csv.split("\r\n");
        assertEquals("exit,class,threshold,anchor_precision,bar,exit_precision,meets_bar,exited,reached", lines[0]);
        assertEquals(1 + 3 * 4, lines.length);
        assertTrue(lines[1].startsWith("1,class 0,"), lines[1]);
    }

    @Test
    void aNewSourceForgetsEditsAndLocks() {
        model.setThreshold(0, 0, 0.3);
        model.lockedProperty(1).set(true);
        point.setSource(SyntheticCascadeSource.withoutImages(500, 500, 3, 6, 2));
        assertFalse(model.history().canUndoProperty().get());
        assertFalse(model.lockedProperty(1).get());
        assertFalse(model.lockedProperty(5).get());
    }

    @Test
    void theAccuracyBudgetPicksTheMarginThatSavesMostWithinItAsOneUndoableEdit() {
        point.settingsProperty().set(point.settingsProperty().get().toBuilder()
                .marginForm(MarginForm.MULTIPLICATIVE).build());
        Thresholds before = point.thresholds();
        boolean[] applied = {false};
        model.budgetPointsProperty().set(3.0);

        model.findMarginWithinBudget(() -> applied[0] = true);

        assertTrue(applied[0]);
        double m = model.marginProperty().get();
        assertEquals(m, point.settingsProperty().get().margin());
        CpmSettings chosen = point.settingsProperty().get();
        assertEquals(new CpmCalibrator(chosen).calibrate(source.primary().validation()), point.thresholds(),
                "reset to CPM at the margin found");
        assertTrue(-100 * result().validation().accuracyChange() <= 3.0 + 1e-9, "within the budget on validation");
        String message = model.messageProperty().get();
        assertTrue(message.contains("saves the most compute within 3.0 points on the validation split"), message);
        assertTrue(message.contains("The paper's m = 0.20 (bar = anchor \u2212 m) would lose"), message);
        assertFalse(model.messageIsErrorProperty().get());
        model.undo();
        assertEquals(before, point.thresholds());
    }

    /**
     * Issue 17: on these synthetic scores every exit costs accuracy at m = 0, so a search over m ≥ 0 found nothing
     * within a budget of 0 points. The whole range [-1, 1] is searched now: a bar above the backbone's own precision
     * (m < 0) still lets some samples leave early at no loss on validation.
     */
    @Test
    void aBudgetOfZeroPointsIsMetByANegativeMargin() {
        Thresholds before = point.thresholds();
        model.budgetPointsProperty().set(0.0);
        boolean[] applied = {false};

        model.findMarginWithinBudget(() -> applied[0] = true);

        assertFalse(model.messageIsErrorProperty().get(), model.messageProperty().get());
        assertTrue(applied[0]);
        assertTrue(model.marginProperty().get() < 0, "margin " + model.marginProperty().get());
        assertTrue(-100 * result().validation().accuracyChange() <= 1e-9, "no loss on validation");
        assertTrue(result().validation().computeReduction() > 0, "saves compute");
        assertNotEquals(before, point.thresholds());
    }

    /**
     * Issue 13's acceptance: the pane's <em>Find margin</em> and a sweep's summary (through
     * {@link SweepResult.ModeResult#atBudget}, which the summary and the report call) choose the same operating point
     * for the same scores and budget, because both apply {@link org.exitbench.calibrate.AccuracyBudget}'s rule.
     */
    @Test
    void theBudgetRuleChoosesTheSameMarginHereAsInTheSweepSummary() {
        CpmSettings settings = point.settingsProperty().get().toBuilder().marginForm(MarginForm.MULTIPLICATIVE).build();
        point.settingsProperty().set(settings);
        CascadeEvaluator valid = new CascadeEvaluator(source.primary().validation(), source.costModel());
        CascadeEvaluator test = new CascadeEvaluator(source.primary().test(), source.costModel());
        List<SweepResult.Point> curve = new ArrayList<>();
        for (double m : MarginBudget.margins()) {
            Thresholds t = new CpmCalibrator(settings.toBuilder().margin(m).build())
                    .calibrate(source.primary().validation());
            curve.add(SweepResult.Point.of(m, valid.evaluate(t), test.evaluate(t)));
        }
        CascadeResult anyValid = valid.evaluate(Thresholds.never(3, 4));
        CascadeResult anyTest = test.evaluate(Thresholds.never(3, 4));
        SweepResult.ModeResult sweep = new SweepResult.ModeResult("boosted", List.of("a", "b", "c"), List.of(),
                List.of(1L, 1L, 1L), 0, curve.get(0), curve, null, null);
        for (double budget : new double[] {0.5, 1.0, 3.0, 8.0}) {
            model.budgetPointsProperty().set(budget);
            model.findMarginWithinBudget(null);
            SweepResult.Point chosen = sweep.atBudget(budget, anyValid.accuracy() - anyValid.accuracyChange(),
                    anyTest.accuracy() - anyTest.accuracyChange());
            if (chosen.isBackboneAlone()) {
                assertTrue(model.messageIsErrorProperty().get(), "budget " + budget + ": " + model.messageProperty()
                        .get());
            } else {
                assertFalse(model.messageIsErrorProperty().get(), model.messageProperty().get());
                assertEquals(chosen.margin(), model.marginProperty().get(), 1e-12, "budget " + budget);
            }
        }
    }
}
