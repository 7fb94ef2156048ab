package org.exitbench.app.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.calibrate.PrecisionReference;
import org.exitbench.cascade.ExitRule;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.Test;

/** The shared form pieces without the toolkit: what they show, what they give back, what they refuse. */
class FormPiecesTest {

    @Test
    void cpmFieldsChangeOnlyTheSettingsAPaneShows() {
        CpmFields fields = new CpmFields();
        assertEquals(CpmSettings.defaults(), fields.appliedTo(CpmSettings.defaults()));
        CpmSettings base = CpmSettings.builder().precisionReference(PrecisionReference.BACKBONE_LABELS)
                .score(ExitRule.ENTROPY).build();
        fields.show(CpmSettings.builder().margin(0.05).marginForm(MarginForm.MULTIPLICATIVE)
                .anchorSource(AnchorSource.SURVIVORS).minimumSupport(7).build());
        assertEquals(new CpmSettings(0.05, MarginForm.MULTIPLICATIVE, AnchorSource.SURVIVORS, 7,
                PrecisionReference.BACKBONE_LABELS, ExitRule.ENTROPY), fields.appliedTo(base));
        ExperimentConfig.Cpm cpm = ExperimentConfig.defaults().cpm();
        assertEquals(new ExperimentConfig.Cpm(0.05, MarginForm.MULTIPLICATIVE, AnchorSource.SURVIVORS, 7,
                cpm.precisionReference(), cpm.score()), fields.appliedTo(cpm));
        fields.show(cpm);
        assertEquals(cpm, fields.appliedTo(cpm));
    }

    @Test
    void outOfRangeCpmFieldsAreRefusedByNameOnlyWhenTheyBecomeSettings() {
        CpmFields fields = new CpmFields();
        fields.marginProperty().set(1.5);
        ExperimentConfig.Cpm kept = fields.appliedTo(ExperimentConfig.defaults().cpm());
        assertEquals(1.5, kept.margin(), "the experiment's validation names it for the Training form");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fields.appliedTo(CpmSettings.defaults()));
        assertTrue(e.getMessage().startsWith("margin "), e.getMessage());
    }

    @Test
    void modesComeBackInTheirDeclaredOrder() {
        ModeChoice choice = new ModeChoice(List.of(BranchTrainingMode.SOFT, BranchTrainingMode.BOOSTED));
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.SOFT), choice.selected());
        choice.nonBoostedProperty().set(true);
        choice.softProperty().set(false);
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), choice.selected());
        choice.show(List.of());
        assertEquals(List.of(), choice.selected());
    }

    @Test
    void formNamesSayTheBar() {
        assertEquals("bar = anchor \u2212 m", CpmFields.formName(MarginForm.ADDITIVE));
        assertEquals("bar = (1 \u2212 m) \u00b7 anchor", CpmFields.formName(MarginForm.MULTIPLICATIVE));
    }
}
