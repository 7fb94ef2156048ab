package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.DecisionRuleFit;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.operatingpoint.TestSources;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ImageConversionTest;
import org.exitbench.data.Split;
import org.exitbench.experiment.ExitRuleStudy;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Try your own image" without the toolkit, on the bundled sample's shipped demo run (its DL4J backbone and boosted
 * branches): a test image takes the path the run computed for it, a phone photo of a drawing is converted, inverted
 * and can be turned back, thresholds re-decide without the network, a folder is stepped through, and bad input is
 * named.
 */
@Tag("slow")
class TryImageViewModelTest {

    private static final Path DEMO_RUN = Path.of("sample-data", "fashion-mnist", "demo-run");

    @TempDir
    Path temp;
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final Notices notices = new Notices();
    private TryImageViewModel model;
    private ImageDataset test;

    @BeforeEach
    void showTheDemoRun() {
        ExperimentRun run = ExperimentRun.load(DEMO_RUN);
        point.setSource(RunCascadeSource.of(run, BranchTrainingMode.BOOSTED, SampleRuns.sample(), null).source());
        model = new TryImageViewModel(point, executor, notices, SampleRuns::sample, () -> null);
        model.targetProperty().set(new SpeedupViewModel.Target(DEMO_RUN, BranchTrainingMode.BOOSTED));
        test = SampleRuns.sample().split(Split.TEST);
    }

    @Test
    void aTestImageTakesThePathTheRunComputedForIt() {
        OperatingPointResult result = point.resultProperty().get();
        int checked = 0;
        for (int i = 0; i < test.size() && checked < 6; i += 97) {
            SamplePath expected = SamplePath.of(result, i);
            model.open(List.of(Path.of(test.source(i))));
            TryImagePath path = model.pathProperty().get();
            assertNotNull(path, model.statusProperty().get());
            assertTrue(model.shownProperty().get().converted().description().endsWith("used as it is."));
            for (int k = 0; k < expected.steps().size(); k++) {
                PathStep want = expected.steps().get(k);
                PathStep got = path.steps().get(k);
                assertEquals(want.top().get(0).classIndex(), got.top().get(0).classIndex(), test.source(i));
                assertEquals(want.top().get(0).probability(), got.top().get(0).probability(), 1e-4, test.source(i));
                if (k < expected.exitCount()) {
                    assertEquals(want.threshold(), got.threshold(), test.source(i));
                }
            }
            // One image at a time or a batch of 128 may differ in the last float bits: compare the exit only where
            // no score lies at its threshold.
            boolean clearCut = expected.steps().stream().limit(expected.exitCount())
                    .allMatch(s -> Math.abs(s.score() - s.threshold()) > 1e-3);
            if (clearCut) {
                assertEquals(expected.exitTaken(), path.exitTaken(), test.source(i));
                assertEquals(expected.answer(), path.answer(), test.source(i));
                assertEquals(expected.macs(), path.macs());
                checked++;
            }
        }
        assertTrue(checked >= 3, "images compared: " + checked);
        assertTrue(model.verdictProperty().get().startsWith("Leaves at "), model.verdictProperty().get());
        assertEquals(List.of(), notices.posted());
    }

    @Test
    void aFittedExitRuleDecidesTheImageAsItDecidesTheTestImages() {
        DecisionRuleFit.Fitted fitted = DecisionRuleFit.fit(point.sourceProperty().get(),
                ExitRuleStudy.RuleChoice.parse("temperature"), point.settingsProperty().get(), 20,
                ProgressListener.NONE, CancellationToken.NEVER);
        TryImageViewModel withRule = new TryImageViewModel(point, executor, notices, SampleRuns::sample,
                fitted::rule);
        withRule.targetProperty().set(new SpeedupViewModel.Target(DEMO_RUN, BranchTrainingMode.BOOSTED));
        point.setSource(fitted.source());
        point.settingsProperty().set(fitted.cpm());
        OperatingPointResult result = point.resultProperty().get();
        assertEquals(ExitRule.DERIVED, result.thresholds().rule());
        int sample = 11;
        withRule.open(List.of(Path.of(test.source(sample))));
        TryImagePath path = withRule.pathProperty().get();
        assertNotNull(path, withRule.statusProperty().get());
        SamplePath expected = SamplePath.of(result, sample);
        for (int k = 0; k < expected.exitCount() && expected.steps().get(k).reached(); k++) {
            assertEquals(expected.steps().get(k).score(), path.steps().get(k).score(), 1e-4, "exit " + k);
        }
        assertEquals(expected.exitTaken(), path.exitTaken());

        TryImageViewModel withoutRule = new TryImageViewModel(point, executor, notices, SampleRuns::sample,
                () -> null);
        withoutRule.targetProperty().set(new SpeedupViewModel.Target(DEMO_RUN, BranchTrainingMode.BOOSTED));
        withoutRule.open(List.of(Path.of(test.source(sample))));
        assertNull(withoutRule.pathProperty().get());
        assertTrue(withoutRule.statusProperty().get().contains("fitted exit rule"),
                withoutRule.statusProperty().get());
    }

    @Test
    void aPhonePhotoOfADrawingIsInvertedAndTheInversionCanBeUndone() throws IOException {
        Path photo = ImageConversionTest.photographedDrawing(temp, 3000, 2250);
        model.open(List.of(photo));
        TryImageViewModel.Shown shown = model.shownProperty().get();
        assertNotNull(shown, model.statusProperty().get());
        assertTrue(model.invertProperty().get(), "white paper on a dataset of black backgrounds");
        assertTrue(shown.converted().inverted());
        assertTrue(shown.converted().description().contains("3000×2250 colour): made gray"),
                shown.converted().description());
        assertEquals(32, shown.converted().height());
        assertTrue(shown.thumbnail().width() <= TryImageViewModel.THUMBNAIL_SIDE);
        TryImagePath inverted = model.pathProperty().get();
        assertNotNull(inverted);
        assertEquals(3, inverted.exitCount());
        assertTrue(inverted.macs() <= inverted.fullMacs() + 1_000_000, inverted.toString());
        assertTrue(shown.seconds() > 0);

        model.invertProperty().set(false);
        TryImageViewModel.Shown unturned = model.shownProperty().get();
        assertFalse(unturned.converted().inverted());
        assertTrue(unturned.converted().description().contains("not inverted"), unturned.converted().description());
        assertNotNull(model.pathProperty().get());
        model.invertProperty().set(true);
        assertTrue(model.shownProperty().get().converted().inverted());
        assertEquals(inverted, model.pathProperty().get(), "inverting again gives the same path");
    }

    @Test
    void thresholdsReDecideTheExitWithoutRunningTheNetworkAgain() {
        model.open(List.of(Path.of(test.source(5))));
        int tasks = executor.submitted().size();
        Thresholds current = point.thresholds();
        point.requestThresholds(Thresholds.never(current.exitCount(), current.classCount()));
        assertEquals(current.exitCount(), model.pathProperty().get().exitTaken(), "no exit fires: the head answers");
        assertEquals(model.pathProperty().get().fullMacs() + point.resultProperty().get().source().costModel()
                .branchOverhead(), model.pathProperty().get().macs(), "the head costs the backbone and every branch");
        assertTrue(model.verdictProperty().get().startsWith("Leaves at the backbone head as "),
                model.verdictProperty().get());
        point.requestThresholds(Thresholds.uniform(current.rule(), current.exitCount(), current.classCount(), 0.0));
        assertEquals(0, model.pathProperty().get().exitTaken(), "every exit fires: exit 1 takes it");
        assertEquals(tasks, executor.submitted().size(), "nothing ran in the background");
    }

    @Test
    void aFolderIsSteppedThroughAndItsOtherFilesLeftOut() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("drawings"));
        for (int i : new int[] {3, 400, 1200}) {
            Path source = Path.of(test.source(i));
            Files.copy(source, folder.resolve(i + "-" + source.getFileName()));
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        model.open(List.of(folder));
        assertEquals("image 1 of 3 from drawings", model.positionProperty().get());
        assertFalse(model.canPreviousProperty().get());
        assertEquals("1200-" + Path.of(test.source(1200)).getFileName(), model.shownProperty().get().name(),
                "sorted by name");
        model.next();
        assertEquals("image 2 of 3 from drawings", model.positionProperty().get());
        model.next();
        assertFalse(model.canNextProperty().get());
        assertEquals("400-" + Path.of(test.source(400)).getFileName(), model.shownProperty().get().name());
        model.previous();
        assertEquals("image 2 of 3 from drawings", model.positionProperty().get());
        assertNotNull(model.pathProperty().get());
    }

    @Test
    void aCorruptFileIsNamedAndTheNextImageStillWorks() throws IOException {
        Path broken = Files.write(temp.resolve("broken-drawing.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        model.open(List.of(broken));
        assertNull(model.shownProperty().get());
        assertTrue(model.statusProperty().get().startsWith("Could not try broken-drawing.png: "),
                model.statusProperty().get());
        assertTrue(model.statusProperty().get().contains(broken.toString()), model.statusProperty().get());
        assertTrue(model.activeProperty().get(), "the panel stays to say so");
        Notice notice = notices.posted().get(notices.posted().size() - 1);
        assertTrue(notice.error());
        assertEquals("Could not try broken-drawing.png", notice.title());

        model.open(List.of(temp.resolve("missing.png")));
        assertTrue(model.statusProperty().get().contains("missing.png") && model.statusProperty().get().contains(
                "does not exist"), model.statusProperty().get());

        model.openPixels(new int[0], 100_000, 100_000, "pasted image");
        assertTrue(model.statusProperty().get().contains("more than the"), model.statusProperty().get());

        model.open(List.of(Path.of(test.source(0))));
        assertNotNull(model.pathProperty().get());
        assertEquals("", model.statusProperty().get());
        model.close();
        assertFalse(model.activeProperty().get());
        assertNull(model.pathProperty().get());
    }

    @Test
    void withoutATrainedRunShownItSaysWhatIsMissing() {
        point.setSource(TestSources.withImages(4, 50));
        model.open(List.of(Path.of(test.source(0))));
        assertNull(model.pathProperty().get());
        assertTrue(model.statusProperty().get().startsWith("The panes show synthetic"),
                model.statusProperty().get());
        model.targetProperty().set(null);
        assertTrue(model.statusProperty().get().startsWith("Trying an image needs a trained cascade"),
                model.statusProperty().get());
    }
}
