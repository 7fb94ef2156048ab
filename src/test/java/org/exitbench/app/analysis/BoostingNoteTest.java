package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Optional;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.ScoreSet;
import org.exitbench.app.operatingpoint.SyntheticCascadeSource;
import org.exitbench.app.operatingpoint.TestSources;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.OracleExitPolicy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Analysis pane's note on what boosting changed: the run's own numbers, only where there are two modes. */
@Tag("slow")
class BoostingNoteTest {

    private static final CpmSettings CPM = CpmSettings.builder().margin(0.02).minimumSupport(5).build();

    /** Two "trained" modes: the synthetic scores of two seeds, marked as real so the note applies. */
    private static CascadeSource twoModes() {
        CascadeSource a = TestSources.withImages(4, 100);
        CascadeSource other = SyntheticCascadeSource.forDataset(
                TestSources.dataset(4, 100), 8);
        return new CascadeSource("run x · boosted", false, a.classNames(), a.costModel(),
                new ScoreSet("boosted", a.primary().validation(), a.primary().test()),
                new ScoreSet("non-boosted", other.primary().validation(), other.primary().test()), a.images(), null);
    }

    @Test
    void theNoteQuotesBothModesAtTheSameSettingsAndTheirCeilings() {
        CascadeSource source = twoModes();
        String note = BoostingNote.of(source, CPM).orElseThrow();
        double reduction = new CascadeEvaluator(source.comparison().test(), source.costModel())
                .evaluate(new CpmCalibrator(CPM).calibrate(source.comparison().validation())).computeReduction();
        double ceiling = OracleExitPolicy.evaluate(source.primary().test(), source.costModel(),
                OracleExitPolicy.Criterion.BACKBONE, null).computeReduction();
        assertTrue(note.startsWith("What boosting changed here: both modes re-calibrated with CPM at m = 0.020"),
                note);
        assertTrue(note.contains(String.format(Locale.ROOT, "with %.1f %% (non-boosted).", 100 * reduction)), note);
        assertTrue(note.contains(String.format(Locale.ROOT, "would save %.1f %% with the boosted",
                100 * ceiling)), note);
        assertTrue(note.contains("one seed at one margin"), note);
    }

    @Test
    void thePanelComparesBothModesExitByExitOnTest() {
        CascadeSource source = twoModes();
        BoostingNote.Comparison comparison = BoostingNote.perExit(source, CPM).orElseThrow();
        assertEquals("boosted", comparison.primaryName());
        assertEquals("non-boosted", comparison.comparisonName());
        for (boolean primary : new boolean[] {true, false}) {
            ScoreSet set = primary ? source.primary() : source.comparison();
            CascadeResult expected = new CascadeEvaluator(set.test(), source.costModel())
                    .evaluate(new CpmCalibrator(CPM).calibrate(set.validation()));
            assertEquals(expected.exitCount() + 1, comparison.exits().size(), "every exit and the head");
            assertEquals("Backbone head", comparison.exits().get(expected.exitCount()).exit());
            int taken = 0;
            for (int k = 0; k <= expected.exitCount(); k++) {
                BoostingNote.ModeAtExit at = primary ? comparison.exits().get(k).primary()
                        : comparison.exits().get(k).comparison();
                assertEquals(expected.survivorCount(k), at.reaching());
                assertEquals(expected.exitedCount(k), at.taken());
                assertEquals(expected.precision(k), at.precision(), 1e-12);
                assertEquals(at.taken() > 0, !at.topClasses().isEmpty());
                taken += at.taken();
            }
            assertEquals(expected.sampleCount(), taken, "every test image leaves somewhere");
        }
        assertEquals(Optional.empty(), BoostingNote.perExit(TestSources.withImages(4, 100), CPM));
    }

    @Test
    void syntheticScoresOrASingleModeGetNoNote() {
        assertEquals(Optional.empty(), BoostingNote.of(TestSources.withImages(4, 100), CPM));
        CascadeSource two = twoModes();
        CascadeSource single = new CascadeSource(two.name(), false, two.classNames(), two.costModel(), two.primary(),
                null, two.images(), null);
        assertEquals(Optional.empty(), BoostingNote.of(single, CPM));
    }

    @Test
    void theViewModelFollowsTheSourceAndTheSettings() {
        OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
        point.settingsProperty().set(CPM);
        AnalysisViewModel model = new AnalysisViewModel(point);
        assertEquals("", model.boostingNoteProperty().get());
        point.setSource(twoModes());
        assertTrue(model.boostingNoteProperty().get().contains("m = 0.020"), model.boostingNoteProperty().get());
        point.settingsProperty().set(CPM.toBuilder().margin(-0.01).build());
        assertTrue(model.boostingNoteProperty().get().contains("m = -0.010"), model.boostingNoteProperty().get());
    }
}
