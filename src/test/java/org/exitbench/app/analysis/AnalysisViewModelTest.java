package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.app.data.ClassChoice;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.TestSources;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Analysis pane's state, without the toolkit: the exit gallery, its filters and the paths of images. */
@Tag("slow")
class AnalysisViewModelTest {

    private final CascadeSource source = TestSources.withImages(4, 100);
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final AnalysisViewModel model;

    AnalysisViewModelTest() {
        point.settingsProperty().set(CpmSettings.builder().margin(0.02).minimumSupport(5).build());
        point.setSource(source);
        model = new AnalysisViewModel(point);
    }

    private OperatingPointResult result() {
        return point.resultProperty().get();
    }

    private ExitScores test() {
        return source.primary().test();
    }

    @Test
    void theGalleryOfAnExitHoldsExactlyTheImagesLeavingThereMostConfidentFirst() {
        for (int exit = 0; exit <= 3; exit++) {
            model.galleryExitProperty().set(exit);
            List<Integer> shown = model.gallery();
            assertEquals(result().test().exitedCount(exit), shown.size(), "exit " + exit);
            for (int sample : shown) {
                assertEquals(exit, result().testExitOf(sample));
            }
            for (int r = 1; r < shown.size(); r++) {
                assertTrue(confidence(exit, shown.get(r - 1)) >= confidence(exit, shown.get(r)),
                        "exit " + exit + " rank " + r);
            }
        }
        assertTrue(result().test().exitedCount(0) > 0, "the fixture's first exit takes images");
    }

    private double confidence(int exit, int sample) {
        return exit == 3 ? test().backboneTopProbability(sample, 0) : test().confidence(exit, sample);
    }

    @Test
    void classAndCorrectnessFiltersNarrowTheGallery() {
        model.galleryExitProperty().set(0);
        model.classFilterProperty().set(model.classChoices().get(2));
        model.correctnessProperty().set(Correctness.WRONG);

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < test().sampleCount(); i++) {
            if (result().testExitOf(i) == 0 && test().label(i) == 1 && !result().testCorrect(i)) {
                expected.add(i);
            }
        }
        assertEquals(expected.size(), model.gallery().size());
        assertTrue(model.gallery().containsAll(expected));
        assertTrue(model.gallerySummaryProperty().get().contains("class class-b · wrong only"),
                model.gallerySummaryProperty().get());
    }

    @Test
    void aConfusionCellShowsExactlyItsImagesAtItsExit() {
        model.classFilterProperty().set(model.classChoices().get(1));
        model.galleryExitProperty().set(3);

        model.showConfusionCell(1, 2, 3);

        assertEquals(1, model.galleryExitProperty().get());
        assertEquals(ClassChoice.ALL, model.classFilterProperty().get());
        assertEquals(result().test().confusion(1, 2, 3), model.gallery().size());
        for (int sample : model.gallery()) {
            assertEquals(1, result().testExitOf(sample));
            assertEquals(2, test().label(sample));
            assertEquals(3, result().testAnswerOf(sample));
        }
        model.galleryExitProperty().set(0);
        assertNull(model.confusionFilterProperty().get(), "another exit's tab ends the cell filter");
    }

    @Test
    void theGalleryFollowsTheThresholds() {
        model.galleryExitProperty().set(0);
        assertFalse(model.gallery().isEmpty());

        point.requestThresholds(Thresholds.never(3, 4));

        assertTrue(model.gallery().isEmpty());
        model.galleryExitProperty().set(3);
        assertEquals(test().sampleCount(), model.gallery().size());
    }

    @Test
    void thePathOfAnImageShowsEveryExitItMetAndWhereItLeft() {
        int sample = -1;
        for (int i = 0; i < test().sampleCount() && sample < 0; i++) {
            if (result().testExitOf(i) == 1) {
                sample = i;
            }
        }
        model.selectedSampleProperty().set(sample);

        SamplePath path = model.selectedPathProperty().get();
        Thresholds tau = result().thresholds();
        assertEquals(1, path.exitTaken());
        assertEquals(test().label(sample), path.label());
        assertEquals(source.costModel().costOfExit(1), path.macs());
        assertEquals(4, path.steps().size());
        PathStep first = path.steps().get(0);
        assertTrue(first.reached() && !first.fired());
        assertTrue(first.score() < first.threshold(), "exit 1 did not fire");
        assertEquals(tau.get(0, test().predicted(0, sample)), first.threshold());
        assertEquals(test().topClass(0, sample, 0), first.top().get(0).classIndex());
        assertEquals(3, first.top().size());
        PathStep second = path.steps().get(1);
        assertTrue(second.fired() && second.score() >= second.threshold());
        assertFalse(path.steps().get(2).reached());
        assertFalse(path.steps().get(3).reached());

        point.requestThresholds(Thresholds.never(3, 4));
        assertEquals(3, model.selectedPathProperty().get().exitTaken(), "the path follows the thresholds");
        assertEquals(source.costModel().fullBackboneMacs() + source.costModel().branchOverhead(),
                model.selectedPathProperty().get().macs());
    }

    @Test
    void theTablesExportAsCsv() {
        String[] distribution = model.distributionCsv().split("\r\n");
        assertEquals("class,exit_1_rate,exit_2_rate,exit_3_rate,backbone_head_rate,images", distribution[0]);
        assertEquals(5, distribution.length);
        assertTrue(distribution[1].startsWith("class-a,"));
        assertTrue(distribution[1].endsWith(",100"));

        String[] confusion = model.confusionCsv(0).split("\r\n");
        assertEquals("true \\ predicted,class-a,class-b,class-c,class-d", confusion[0]);
        int[][] matrix = result().test().confusionMatrix(0);
        assertEquals("class-c," + matrix[2][0] + "," + matrix[2][1] + "," + matrix[2][2] + "," + matrix[2][3],
                confusion[3]);
    }
}
