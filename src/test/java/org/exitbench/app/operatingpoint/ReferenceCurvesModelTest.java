package org.exitbench.app.operatingpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.calibrate.MarginSweep;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.OracleExitPolicy;
import org.exitbench.cascade.SyntheticExitScores;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;

/** The charts' reference curves: computed in the background per source and settings, never per margin move. */
class ReferenceCurvesModelTest {

    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final CascadeSource source = SyntheticCascadeSource.withoutImages(1_500, 1_000, 2, 4, 3);

    @Test
    void theCurvesAreTheEnginesSweepsOnBothSplits() {
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);
        assertNull(curves.curvesProperty().get());

        point.setSource(source);

        ReferenceCurves computed = curves.curvesProperty().get();
        CurveSet test = computed.primary(Split.TEST);
        List<OperatingPoint> expected = MarginSweep.overMargin(CpmSettings.defaults(), ReferenceCurves.MARGINS,
                source.primary().validation(), new CascadeEvaluator(source.primary().test(), source.costModel()),
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(expected.size(), test.cpm().size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).accuracy(), test.cpm().get(i).accuracy());
            assertEquals(expected.get(i).computeReduction(), test.cpm().get(i).computeReduction());
        }
        assertEquals(ReferenceCurves.GLOBAL_THRESHOLDS.length, test.global().size());
        assertEquals(point.resultProperty().get().test().backboneAccuracy(), test.backboneAccuracy());
        assertEquals(point.resultProperty().get().validation().backboneAccuracy(),
                computed.primary(Split.VALID).backboneAccuracy());
        assertTrue(computed.comparison(Split.TEST).isEmpty());
        assertEquals(List.of("Computing accuracy-vs-compute curves"), executor.submitted());
    }

    @Test
    void theCeilingIsTheOracleExitPolicysSavingOnEachSplit() {
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);
        point.setSource(source);

        ReferenceCurves computed = curves.curvesProperty().get();
        for (Split split : new Split[] {Split.VALID, Split.TEST}) {
            OracleExitPolicy.Result oracle = OracleExitPolicy.evaluate(split == Split.TEST
                    ? source.primary().test() : source.primary().validation(), source.costModel(),
                    OracleExitPolicy.Criterion.BACKBONE, null);
            CurveSet set = computed.primary(split);
            assertEquals(oracle.computeReduction(), set.ceilingReduction(), split.toString());
            assertEquals(oracle.accuracy(), set.backboneAccuracy(), 1e-12, split.toString());
        }
    }

    @Test
    void movingTheMarginKeepsTheCurvesAndChangingItsFormRecomputesThem() {
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);
        point.setSource(source);
        ReferenceCurves first = curves.curvesProperty().get();

        point.settingsProperty().set(point.settingsProperty().get().toBuilder().margin(0.07).build());
        assertEquals(1, executor.submitted().size());
        assertEquals(first, curves.curvesProperty().get());

        point.settingsProperty().set(point.settingsProperty().get().toBuilder()
                .marginForm(MarginForm.MULTIPLICATIVE).build());
        assertEquals(2, executor.submitted().size());
        assertEquals(MarginForm.MULTIPLICATIVE, curves.curvesProperty().get().settings().marginForm());
    }

    @Test
    void aComparisonScoreSetGetsCurvesOfItsOwn() {
        ScoreSet other = new ScoreSet("non-boosted", SyntheticExitScores.generate(1_500, 2, 4, 30),
                SyntheticExitScores.generate(1_000, 2, 4, 31));
        CascadeSource both = new CascadeSource("run", false, source.classNames(), source.costModel(),
                source.primary(), other, SampleImages.NONE, null);
        ReferenceCurvesModel curves = new ReferenceCurvesModel(point, executor);

        point.setSource(both);

        CurveSet comparison = curves.curvesProperty().get().comparison(Split.TEST).orElseThrow();
        assertEquals("non-boosted", comparison.name());
        assertEquals(ReferenceCurves.MARGINS.length, comparison.cpm().size());
        assertTrue(ReferenceCurves.csv(curves.curvesProperty().get()).contains("test,non-boosted,cpm,"));
    }
}
