package org.exitbench.app.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.exitbench.app.calibration.CalibrationViewModel;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.io.Questions;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Split;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.RunEntry;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace without the toolkit, on the bundled sample and a real run: the first launch's default workspace,
 * the recent workspaces, schema versions, runs shown and deleted, hand-tuned thresholds saved or asked about, and
 * settings written as they change.
 */
@Tag("slow")
class WorkspaceViewModelTest {

    @TempDir
    static Path shared;
    private static ExperimentRun run;

    @TempDir
    Path temp;

    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final ScriptedQuestions questions = new ScriptedQuestions();
    private final Notices notices = new Notices();
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final DataViewModel data = new DataViewModel(executor, SampleRuns.loader());

    @BeforeAll
    static void trainOneRun() {
        run = SampleRuns.makeRun(shared.resolve("source"), 1);
    }

    private WorkspaceViewModel model(Path home) {
        return new WorkspaceViewModel(executor, data, point, questions, notices, SaveScheduler.IMMEDIATE, home,
                SampleRuns.samplePath());
    }

    /** @return a workspace on the sample holding a copy of the run */
    private Path workspaceWithRun(String name) throws IOException {
        Path folder = temp.resolve(name);
        Workspace.create(folder, WorkspaceDocument.create(name, SampleRuns.samplePath()));
        SampleRuns.copy(run.folder(), folder.resolve("runs").resolve(run.id()));
        return folder;
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFirstLaunchMakesTheSamplesWorkspaceUnderTheHomeFolderAndLeavesTheSampleAlone() throws IOException {
        List<String> sampleBefore = listing(SampleRuns.samplePath());
        Path home = temp.resolve("home");
        WorkspaceViewModel model = model(home);

        model.startUp(null);

        Path expected = home.resolve(".exitbench/workspaces/fashion-mnist-sample");
        assertEquals(expected, model.folderProperty().get().root());
        assertEquals("fashion-mnist-sample", model.nameProperty().get());
        assertEquals(SampleRuns.samplePath().toString(), model.documentProperty().get().dataset());
        assertTrue(Files.isRegularFile(expected.resolve("workspace.json")));
        assertEquals(List.of(expected), model.recentWorkspaces());
        assertEquals(List.of(expected.toString()), UserPreferences.read(home).recentWorkspaces());
        assertSame(SampleRuns.sample(), data.datasetProperty().get(), "the workspace's dataset is opened");
        assertTrue(model.firstRunPendingProperty().get(), "no run yet and the shipped backbone is there");
        assertEquals(sampleBefore, listing(SampleRuns.samplePath()), "nothing is written into the sample");
        assertTrue(questions.errors().isEmpty(), questions.errors().toString());
    }

    @Test
    void theMostRecentWorkspaceOpensNextTimeWithItsLatestRunShown() throws IOException {
        Path home = temp.resolve("home");
        Path workspace = workspaceWithRun("study");
        model(home).open(workspace);

        WorkspaceViewModel again = model(home);
        again.startUp(null);

        assertEquals(workspace, again.folderProperty().get().root());
        assertFalse(again.firstRunPendingProperty().get(), "the workspace has a run");
        assertEquals(run.id(), again.shownRunProperty().get().id());
        assertEquals(BranchTrainingMode.BOOSTED, again.shownModeProperty().get());
        CascadeSource source = point.sourceProperty().get();
        assertEquals("run " + run.id() + " · boosted", source.name());
        assertFalse(source.synthetic());
        assertEquals("non-boosted", source.comparisonSet().orElseThrow().name(), "drawn as the reference curves");
        assertTrue(source.images().image(Split.TEST, 0).isPresent(), "the galleries show the sample's images");
        assertEquals(run.mode(BranchTrainingMode.BOOSTED).orElseThrow().thresholds(), point.thresholds());
        assertEquals(run.config().cpmSettings(), point.settingsProperty().get(), "calibrated with the run's CPM");
        assertEquals(MarginForm.MULTIPLICATIVE, point.settingsProperty().get().marginForm());
        assertTrue(again.backboneLabelProperty().get().startsWith("Small ResNet 16/32/64/128"),
                again.backboneLabelProperty().get());
        assertEquals(run.id(), Workspace.open(workspace).document().shownRun(), "remembered in the file");
    }

    @Test
    void aWorkspaceFileOfANewerOrOlderSchemaIsReportedAndLeftAsItIs() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        Path current = workspaceWithRun("current");
        assertTrue(model.open(current));
        for (int version : new int[] {99, 0}) {
            Path other = temp.resolve("v" + version);
            Files.createDirectories(other);
            byte[] content = ("{\"format\": \"exitbench.workspace\", \"formatVersion\": " + version
                    + ", \"name\": \"x\"}").getBytes();
            Files.write(other.resolve("workspace.json"), content);

            assertFalse(model.open(other));

            assertArrayEquals(content, Files.readAllBytes(other.resolve("workspace.json")), "nothing overwritten");
            assertEquals(current, model.folderProperty().get().root(), "the open workspace stays");
        }
        assertEquals(2, questions.errors().size());
        assertTrue(questions.errors().get(0).contains("was written by a newer Exitbench"), questions.errors().get(0));
        assertTrue(questions.errors().get(1).contains("no longer reads"), questions.errors().get(1));
        assertTrue(questions.errors().get(1).endsWith("Nothing was changed."));
    }

    @Test
    void aNewWorkspaceIsNeverMadeOverAnExistingOne() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        Path existing = workspaceWithRun("existing");
        model.open(existing);
        byte[] before = Files.readAllBytes(existing.resolve("workspace.json"));
        Path fresh = temp.resolve("fresh");

        assertFalse(model.newWorkspace(existing));
        assertTrue(model.newWorkspace(fresh));

        assertArrayEquals(before, Files.readAllBytes(existing.resolve("workspace.json")));
        assertTrue(questions.errors().get(0).contains("already holds a workspace"), questions.errors().toString());
        assertEquals(fresh, model.folderProperty().get().root());
        assertEquals("fresh", model.nameProperty().get());
        assertTrue(model.runs().isEmpty(), "a new workspace starts without runs");
        assertNull(point.sourceProperty().get(), "the other workspace's run is no longer shown");
    }

    @Test
    void aRunWrittenOutsideTheAppAppearsWhenTheWindowIsFocusedAgain() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        Path folder = workspaceWithRun("outside");
        model.open(folder);
        List<RunEntry> before = List.copyOf(model.runs());
        model.refreshRunsIfChanged();
        assertEquals(before, model.runs(), "nothing changed on disk: the list is left as it is");

        // What exitbench run --workspace <folder> leaves: one more committed run folder.
        SampleRuns.copy(run.folder(), folder.resolve("runs").resolve(run.id() + "-cli"));
        model.refreshRunsIfChanged();
        assertEquals(List.of(run.id(), run.id() + "-cli"), model.runs().stream().map(RunEntry::id).toList());
    }

    @Test
    void deletingARunAsksFirst() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        Path workspace = workspaceWithRun("study");
        model.open(workspace);
        RunEntry entry = model.runs().get(0);

        questions.onConfirm(false);
        assertFalse(model.deleteRun(entry));
        assertTrue(Files.isDirectory(entry.folder()));
        assertEquals(1, model.runs().size());

        questions.onConfirm(true);
        assertTrue(model.deleteRun(entry));
        assertFalse(Files.exists(entry.folder()));
        assertTrue(model.runs().isEmpty());
        assertNull(model.shownRunProperty().get());
        assertNull(point.sourceProperty().get(), "the deleted run's cascade is gone from the panes");
        assertEquals(List.of("confirm: Delete run " + run.id() + "?", "confirm: Delete run " + run.id() + "?"),
                questions.asked());
    }

    @Test
    void handTunedThresholdsAreSavedBesideTheRunAndAskedAboutBeforeTheyAreLost() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        Path first = workspaceWithRun("first");
        Path second = workspaceWithRun("second");
        model.open(first);
        Thresholds edited = point.thresholds().withThreshold(0, 3, 0.999);
        point.requestThresholds(edited);
        assertTrue(model.dirtyProperty().get());

        questions.onUnsaved(Questions.UnsavedChoice.CANCEL);
        assertFalse(model.open(second));
        assertEquals(first, model.folderProperty().get().root());
        assertTrue(model.dirtyProperty().get());

        questions.onUnsaved(Questions.UnsavedChoice.SAVE);
        assertTrue(model.open(second));
        Path tuned = first.resolve("thresholds").resolve(run.id() + "-boosted.json");
        assertTrue(Files.isRegularFile(tuned));
        assertNotEquals(edited, point.thresholds(), "the second workspace shows its own copy of the run");
        assertFalse(model.dirtyProperty().get());

        assertTrue(model.open(first));
        assertEquals(edited, point.thresholds(), "the tuned thresholds come back with the run");
        assertFalse(model.dirtyProperty().get());
        assertTrue(Files.list(first.resolve("runs").resolve(run.id())).noneMatch(p -> p.endsWith("thresholds")),
                "the run folder itself is never changed");
        assertEquals(2, questions.asked().size());
    }

    @Test
    void aReopenedWorkspaceShowsExactlyTheMarginFormAnchorSupportAndThresholdsThatWereSaved() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        CalibrationViewModel calibration = new CalibrationViewModel(point);
        Path first = workspaceWithRun("first");
        Path second = workspaceWithRun("second");
        model.open(first);
        CpmSettings runs = run.config().cpmSettings();
        // What the first launch's accuracy budget does: a margin on its 0.005 grid, below the slider's 0.01 steps.
        calibration.marginProperty().set(0.005);
        calibration.marginFormProperty().set(runs.marginForm() == MarginForm.ADDITIVE ? MarginForm.MULTIPLICATIVE
                : MarginForm.ADDITIVE);
        calibration.anchorSourceProperty().set(AnchorSource.SURVIVORS);
        calibration.minimumSupportProperty().set(runs.minimumSupport() + 7);
        calibration.resetToCpm();
        calibration.setThreshold(0, 2, 0.987654321);
        CpmSettings tuned = point.settingsProperty().get();
        Thresholds thresholds = point.thresholds();
        assertNotEquals(runs, tuned);
        assertTrue(model.dirtyProperty().get());
        assertTrue(model.save());

        assertTrue(model.open(second));
        assertEquals(runs, point.settingsProperty().get(), "the other workspace shows the run's own settings");
        assertTrue(model.open(first));

        assertEquals(tuned, point.settingsProperty().get());
        assertEquals(0.005, calibration.marginProperty().get(), 0.0);
        assertEquals(tuned.marginForm(), calibration.marginFormProperty().get());
        assertEquals(AnchorSource.SURVIVORS, calibration.anchorSourceProperty().get());
        assertEquals(runs.minimumSupport() + 7, calibration.minimumSupportProperty().get());
        assertEquals(thresholds, point.thresholds());
        assertEquals(0.987654321, point.thresholds().get(0, 2), 0.0);
        assertFalse(model.dirtyProperty().get(), "nothing differs from what was saved");

        calibration.marginProperty().set(0.01);
        assertTrue(model.dirtyProperty().get(), "a margin changed without a threshold is unsaved too");
    }

    /**
     * Issue 20: thresholds tuned on a rule picked in the Calibration pane are saved with the rule; reopening the
     * workspace shows the same rule, thresholds and settings again, nothing unsaved.
     */
    @Test
    void aPickedDecisionRuleIsSavedWithTheThresholdsAndShownAgainOnReopening() throws IOException {
        WorkspaceViewModel model = model(temp.resolve("home"));
        CalibrationViewModel calibration = new CalibrationViewModel(point);
        org.exitbench.app.calibration.DecisionRuleModel rules = calibration.decisionRules();
        Path first = workspaceWithRun("first");
        Path second = workspaceWithRun("second");
        model.open(first);
        var choice = new org.exitbench.experiment.ExitRuleStudy.RuleChoice(
                org.exitbench.experiment.ExitRuleStudy.Kind.TEMPERATURE, true);
        rules.choose(choice);
        assertEquals(choice, rules.ruleProperty().get(), rules.statusProperty().get());
        calibration.setThreshold(0, 1, 0.876543);
        Thresholds thresholds = point.thresholds();
        CpmSettings settings = point.settingsProperty().get();
        assertEquals(org.exitbench.cascade.ExitRule.DERIVED, thresholds.rule());
        assertTrue(model.save());
        Path decisionFile = Workspace.at(first).tunedDecisionFile(run.id(), model.shownModeProperty().get());
        assertTrue(Files.isRegularFile(decisionFile), decisionFile + " is saved beside the thresholds");

        assertTrue(model.open(second));
        assertEquals(new org.exitbench.experiment.ExitRuleStudy.RuleChoice(
                org.exitbench.experiment.ExitRuleStudy.Kind.MAX_SOFTMAX, false), rules.ruleProperty().get());
        assertTrue(model.open(first));

        assertEquals(choice, rules.ruleProperty().get(), rules.statusProperty().get() + " " + notices.posted());
        assertEquals(thresholds, point.thresholds());
        assertEquals(settings, point.settingsProperty().get());
        assertEquals(point.decisionRuleProperty().get(), org.exitbench.cascade.decision.DecisionFile
                .read(decisionFile).rule());
        assertFalse(model.dirtyProperty().get(), "nothing differs from what was saved");
        assertTrue(rules.statusProperty().get().endsWith("as saved with the run"), rules.statusProperty().get());
        assertTrue(point.sourceProperty().get().comparisonSet().orElseThrow(() -> new AssertionError(
                "the other mode's curve is kept")).validation().hasDerivedScores(), "with the rule fitted on it");
    }

    @Test
    void keepingTheThresholdsRightAfterAnEditKeepsThatEditThoughItWasNotEvaluatedYet() throws IOException {
        List<Runnable> frames = new ArrayList<>();
        OperatingPointModel nextFrame = new OperatingPointModel(frames::add);
        WorkspaceViewModel model = new WorkspaceViewModel(executor, data, nextFrame, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        CalibrationViewModel calibration = new CalibrationViewModel(nextFrame);
        Path first = workspaceWithRun("first");
        model.open(first);
        // What the demo does once its accuracy budget found a margin: set it, reset to CPM, keep the result.
        calibration.marginProperty().set(0.005);
        calibration.resetToCpm();
        Thresholds tuned = nextFrame.thresholds();
        model.keepCurrentThresholds();

        assertEquals(tuned, Workspace.open(first).folder().tunedThresholds(run.id(), BranchTrainingMode.BOOSTED)
                .orElseThrow());
        assertEquals(0.005, Workspace.open(first).folder().tunedSettings(run.id(), BranchTrainingMode.BOOSTED)
                .orElseThrow().margin(), 0.0);
        assertFalse(model.dirtyProperty().get());
    }

    @Test
    void changedSettingsAreWrittenAtOnceAndANewerPreferencesFileIsNeverOverwritten() throws IOException {
        Path home = temp.resolve("home");
        Path preferences = UserPreferences.file(home);
        Files.createDirectories(preferences.getParent());
        byte[] newer = "{\"format\": \"exitbench.preferences\", \"formatVersion\": 7}".getBytes();
        Files.write(preferences, newer);
        WorkspaceViewModel model = model(home);
        Path workspace = workspaceWithRun("study");

        model.startUp(workspace);
        model.updateDocument(d -> d.withName("renamed"));

        assertEquals("renamed", Workspace.open(workspace).document().name());
        assertEquals("renamed", model.nameProperty().get());
        assertArrayEquals(newer, Files.readAllBytes(preferences));
        Notice notice = notices.posted().get(0);
        assertTrue(notice.error());
        assertTrue(notice.text().contains("newer Exitbench") && notice.text().endsWith("left as it is."),
                notice.text());
    }
}
