package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.SampleImages;
import org.exitbench.app.operatingpoint.UpdateScheduler;
import org.exitbench.app.task.BackgroundWork;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.app.workspace.SampleRuns;
import org.exitbench.app.workspace.SaveScheduler;
import org.exitbench.app.workspace.ScriptedQuestions;
import org.exitbench.app.workspace.WorkspaceViewModel;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.data.Dataset;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.Progress;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.DatasetSlice;
import org.exitbench.workspace.BackboneSource;
import org.exitbench.workspace.BundledRun;
import org.exitbench.workspace.Workspace;
import org.exitbench.workspace.WorkspaceDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Training pane's state without the toolkit, on the bundled sample with its shipped backbone: settings saved
 * in the workspace, a refused start that says why, a real run trained, saved and shown, a cancelled run that
 * leaves nothing, and the first launch's automatic run.
 */
@Tag("slow")
class TrainingViewModelTest {

    @TempDir
    static Path cached;

    @TempDir
    Path temp;

    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final ScriptedQuestions questions = new ScriptedQuestions();
    private final Notices notices = new Notices();
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);
    private final DataViewModel data = new DataViewModel(executor, SampleRuns.loader());
    private WorkspaceViewModel workspace;
    private TrainingViewModel model;

    @BeforeAll
    static void buildTheFeatureCacheOnce() {
        SampleRuns.seedCache(cached);
    }

    /** A workspace on the sample whose feature cache is already built, opened. */
    private Path open() throws IOException {
        Path folder = temp.resolve("study");
        Workspace.create(folder, WorkspaceDocument.create("study", SampleRuns.samplePath()));
        SampleRuns.copy(cached.resolve("cache"), folder.resolve("cache"));
        workspace = new WorkspaceViewModel(executor, data, point, questions, notices, SaveScheduler.IMMEDIATE,
                temp.resolve("home"), SampleRuns.samplePath());
        model = new TrainingViewModel(executor, workspace, data, notices);
        assertTrue(workspace.open(folder));
        return folder;
    }

    /** Few epochs, at the exits the cache holds, one mode. */
    private void quickSettings() {
        TrainingForm form = model.form();
        form.epochsProperty().set(1);
        form.patienceProperty().set(0);
        form.nonBoostedProperty().set(false);
        form.exits().stream().filter(e -> e.vertex().equals("stage3")).forEach(e -> e.selected().set(false));
    }

    @Test
    void theFormShowsTheWorkspacesSettingsAndSavesEveryChange() throws IOException {
        Path folder = open();
        TrainingForm form = model.form();
        assertEquals(BackboneSource.DATASET, form.backboneSourceProperty().get());
        assertEquals(List.of("stage1", "stage2", "stage3"), form.exits().stream()
                .map(TrainingForm.ExitChoice::vertex).toList(), "read from the shipped backbone");
        assertEquals(CpmSettings.DEFAULT_MARGIN, form.marginProperty().get(), "the paper's m = 0.20 by default");

        form.epochsProperty().set(3);
        form.softProperty().set(true);
        form.marginFormProperty().set(MarginForm.MULTIPLICATIVE);
        form.exits().get(2).selected().set(false);

        ExperimentConfig saved = Workspace.open(folder).document().experimentConfig(folder);
        assertEquals(3, saved.training().epochs());
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED, BranchTrainingMode.SOFT),
                saved.training().modes());
        assertEquals(MarginForm.MULTIPLICATIVE, saved.cpm().marginForm());
        assertEquals(List.of("stage1", "stage2"), saved.exitPoints());

        WorkspaceViewModel reopened = new WorkspaceViewModel(executor, data, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel fresh = new TrainingViewModel(executor, reopened, data, notices);
        reopened.open(folder);
        assertEquals(3, fresh.form().epochsProperty().get());
        assertTrue(fresh.form().softProperty().get());
        assertFalse(fresh.form().exits().get(2).selected().get());
    }

    @Test
    void startSaysWhyItCannotRun() throws IOException {
        open();
        TrainingForm form = model.form();
        form.boostedProperty().set(false);
        form.nonBoostedProperty().set(false);
        assertFalse(model.start());
        form.boostedProperty().set(true);
        form.backboneFileProperty().set(temp.resolve("missing.zip").toString());
        form.backboneSourceProperty().set(BackboneSource.FILE);
        assertFalse(model.start());
        form.backboneSourceProperty().set(BackboneSource.TRAIN_NEW);
        form.newWidthsProperty().set("16,x");
        assertFalse(model.start());

        List<String> texts = notices.posted().stream().map(Notice::text).toList();
        assertEquals(3, texts.size(), texts.toString());
        assertTrue(texts.get(0).startsWith("Tick at least one training mode"), texts.get(0));
        assertTrue(texts.get(1).contains("missing.zip does not exist"), texts.get(1));
        assertTrue(texts.get(2).startsWith("New backbone widths: give positive whole numbers"), texts.get(2));
        assertTrue(executor.submitted().stream().noneMatch(name -> name.startsWith("Training")));
        assertFalse(model.runningProperty().get());
    }

    @Test
    void aRunTrainsEveryBranchSavesItInTheWorkspaceAndThePanesShowIt() throws IOException {
        Path folder = open();
        quickSettings();
        List<String> shown = new ArrayList<>();
        model.setOnRunShown((run, kind) -> shown.add(run.id() + " " + kind));

        assertTrue(model.start());

        assertFalse(model.runningProperty().get());
        assertEquals(1, workspace.runs().size());
        String id = workspace.runs().get(0).id();
        assertEquals(List.of(id + " RUN"), shown);
        assertEquals(id, workspace.shownRunProperty().get().id());
        CascadeSource source = point.sourceProperty().get();
        assertEquals("run " + id + " · boosted", source.name());
        assertEquals(2, source.exitCount());
        assertEquals(id, Workspace.open(folder).document().shownRun());

        RunMonitor monitor = model.monitor();
        assertTrue(monitor.steps().stream().allMatch(s -> s.state() == PipelineStep.State.DONE));
        assertEquals(2, monitor.funnel().size());
        FunnelRow first = monitor.funnel().get(0);
        FunnelRow second = monitor.funnel().get(1);
        assertEquals(FunnelRow.State.DONE, second.state());
        assertEquals(10_000, first.trainReaching(), "every training image reaches exit 1");
        assertEquals(first.trainReaching() - first.trainExited(), second.trainReaching(),
                "exit 2 sees exactly what exit 1 left: boosted");
        assertEquals(first.validReaching() - first.validExited(), second.validReaching());
        assertEquals(second.trainReaching(), second.trainedOn(), "a boosted branch learns from the survivors");
        assertEquals(2, monitor.curves().size());
        assertTrue(monitor.curves().stream().allMatch(c -> c.points().size() == 1));
        assertTrue(monitor.log().get(monitor.log().size() - 1).contains("Saved run " + id));

        // The run reports in RunProgress.UNITS; the other tasks (opening the run afterwards) count their own steps.
        List<Progress> reports = executor.reports().stream().filter(r -> r.total() == RunProgress.UNITS).toList();
        assertTrue(reports.size() >= 4, "loading, an epoch of each branch, writing: " + reports.size());
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i).done() >= reports.get(i - 1).done(), "the run's bar never moves back");
        }
        assertEquals(1.0, reports.get(reports.size() - 1).fraction(), 1e-9);
        assertTrue(notices.posted().stream().noneMatch(Notice::error), notices.posted().toString());
    }

    @Test
    void aReopenedWorkspaceShowsItsRunsTrainingCurvesAndFunnelFromTheSavedHistories() throws IOException {
        Path folder = open();
        quickSettings();
        model.form().epochsProperty().set(2);
        assertTrue(model.start());
        RunMonitor live = model.monitor();
        List<List<CurvePoint>> trained = live.curves().stream().map(c -> List.copyOf(c.points())).toList();
        List<FunnelRow> funnel = List.copyOf(live.funnel());

        WorkspaceViewModel reopened = new WorkspaceViewModel(executor, data, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel fresh = new TrainingViewModel(executor, reopened, data, notices);
        assertTrue(fresh.monitor().curves().isEmpty());
        assertTrue(reopened.open(folder));

        RunMonitor shown = fresh.monitor();
        assertEquals(workspace.runs().get(0).id(), shown.runId());
        assertEquals(2, shown.plan().epochs(), "the epoch axis spans the epochs the run allowed");
        assertEquals(List.of("stage1", "stage2"), shown.plan().vertices());
        assertEquals(trained, shown.curves().stream().map(c -> List.copyOf(c.points())).toList(),
                "the same points the live run drew");
        assertTrue(shown.curves().stream().allMatch(c -> c.points().size() >= 1));
        assertEquals(funnel, List.copyOf(shown.funnel()));
        assertTrue(shown.steps().stream().allMatch(s -> s.state() == PipelineStep.State.DONE));
        assertEquals(BranchTrainingMode.BOOSTED, fresh.chartModeProperty().get());
        String phase = shown.phaseProperty().get();
        assertTrue(phase.matches("Run \\S+ as it was trained \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)"), phase);
    }

    /**
     * One truth per run, for the settings of issue 17: a run trained with two-layer branches and a named validation
     * share records both; the form is told when it no longer shows them, and the shown run's settings put them back.
     */
    @Test
    void aTwoLayerRunRecordsItsLayersAndValidationShareAndTheFormGetsThemBackFromTheShownRun() throws IOException {
        open();
        quickSettings();
        TrainingForm form = model.form();
        form.layersProperty().set(2);
        form.validationFractionProperty().set(0.2);
        assertTrue(model.start());
        assertTrue(notices.posted().stream().noneMatch(Notice::error), notices.posted().toString());

        org.exitbench.workspace.RunEntry entry = workspace.runs().get(0);
        ExperimentConfig saved = ExperimentConfig.read(entry.folder().resolve(
                org.exitbench.experiment.ExperimentRun.CONFIG));
        assertEquals(2, saved.branchSpec().layers(), "the run trained two-layer branches");
        assertEquals(0.2, saved.calibrationSplit().validationFraction(), 1e-12);
        assertEquals(entry.id(), workspace.shownRunProperty().get().id());
        assertEquals("", model.shownRunSettingsProperty().get(), "the form shows what the shown run was trained with");

        form.layersProperty().set(1);
        form.validationFractionProperty().set(0.1);
        String note = model.shownRunSettingsProperty().get();
        assertTrue(note.contains("2 layers of 16 filters") && note.contains("20 % of train"), note);

        model.useShownRunSettings();
        assertEquals(2, form.layersProperty().get());
        assertEquals(0.2, form.validationFractionProperty().get(), 1e-12);
        assertEquals("", model.shownRunSettingsProperty().get());
    }

    @Test
    void aCancelledRunWritesNothing() throws IOException {
        Path folder = open();
        quickSettings();
        model.monitor().curves().addListener((ListChangeListener<TrainingCurve>) change ->
                executor.runningTasks().forEach(task -> task.cancel()));

        model.start();

        assertFalse(model.runningProperty().get());
        assertTrue(workspace.runs().isEmpty());
        if (Files.exists(folder.resolve("runs"))) {
            try (Stream<Path> left = Files.list(folder.resolve("runs"))) {
                assertEquals(List.of(), left.toList(), "no staging folder is left behind");
            }
        }
        assertTrue(model.monitor().captionProperty().get().startsWith("Cancelled"));
        assertTrue(model.monitor().steps().stream().noneMatch(s -> s.state() == PipelineStep.State.ACTIVE));
    }

    @Test
    void aNewBackboneIsTrainedFirstSavedInTheWorkspaceAndUsedFromThenOn() throws IOException {
        // A slice of the sample keeps the backbone's epoch and its feature cache short.
        Dataset slice = DatasetSlice.firstPerClass(SampleRuns.sample(), 60);
        DataViewModel sliceData = new DataViewModel(executor, (folder, progress, cancel) -> slice);
        Path folder = temp.resolve("new-backbone");
        Workspace.create(folder, WorkspaceDocument.create("new-backbone", SampleRuns.samplePath()));
        WorkspaceViewModel own = new WorkspaceViewModel(executor, sliceData, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel training = new TrainingViewModel(executor, own, sliceData, notices);
        own.open(folder);
        TrainingForm form = training.form();
        form.backboneSourceProperty().set(BackboneSource.TRAIN_NEW);
        form.newWidthsProperty().set("4,8");
        form.newBlocksProperty().set("1,1");
        form.newEpochsProperty().set(1);
        assertEquals(List.of("stage1"), form.exits().stream().map(TrainingForm.ExitChoice::vertex).toList(),
                "a two-stage ResNet has one early exit");
        form.epochsProperty().set(1);
        form.nonBoostedProperty().set(false);
        form.minimumSupportProperty().set(5);

        assertTrue(training.start());

        assertTrue(notices.posted().stream().noneMatch(Notice::error), notices.posted().toString());
        Path saved = Path.of(form.backboneFileProperty().get());
        assertEquals(folder.resolve("backbones"), saved.getParent());
        assertTrue(Files.isRegularFile(saved));
        assertEquals(BackboneSource.FILE, form.backboneSourceProperty().get(), "the next run uses it");
        assertEquals(BackboneSource.FILE, Workspace.open(folder).document().backbone().source());
        assertEquals("Backbone", training.monitor().steps().get(0).title());
        TrainingCurve backbone = training.monitor().curves().get(0);
        assertTrue(backbone.isBackbone());
        assertEquals(1, backbone.points().size());
        assertEquals(1, own.runs().size());
        assertEquals(saved.toString(), own.runs().get(0).metrics().provenance().backboneFile());
    }

    @Test
    void aFirstLaunchShowsTheDemoRunShippedWithTheSampleAndTrainsNothing() {
        HoldingExecutor holding = new HoldingExecutor();
        DataViewModel sampleData = new DataViewModel(holding, SampleRuns.loader());
        WorkspaceViewModel firstLaunch = new WorkspaceViewModel(holding, sampleData, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel training = new TrainingViewModel(holding, firstLaunch, sampleData, notices);
        List<String> shown = new ArrayList<>();
        training.setOnRunShown((run, kind) -> shown.add(run.id() + " " + kind));

        firstLaunch.startUp(null);

        assertEquals(List.of(), holding.held, "nothing is trained");
        assertFalse(training.runningProperty().get());
        assertFalse(firstLaunch.firstRunPendingProperty().get(), "done once, not again");
        String shipped = BundledRun.besides(SampleRuns.samplePath()).orElseThrow().metrics().runId();
        assertEquals(List.of(shipped), firstLaunch.runs().stream().map(r -> r.id()).toList());
        assertEquals(shipped, firstLaunch.shownRunProperty().get().id());
        assertEquals(List.of(shipped + " FIRST_LAUNCH"), shown, "the demo then picks its operating point");
        assertEquals("run " + shipped + " \u00b7 boosted", point.sourceProperty().get().name());
        assertEquals(SampleRuns.samplePath().toString(), firstLaunch.runs().get(0).metrics().provenance().dataset());
        assertTrue(notices.posted().stream().noneMatch(Notice::error), notices.posted().toString());
        assertEquals("", training.statusProperty().get());

        // One truth per run: the form holds the next run's settings (the paper's m = 0.20), and says how the shown
        // run was trained until the user takes those settings.
        assertTrue(training.shownRunSettingsProperty().get().contains("trained with CPM m = 0.00 (bar = (1 \u2212 m) \u00b7 anchor)"),
                training.shownRunSettingsProperty().get());
        training.useShownRunSettings();
        assertEquals(0.0, training.form().experimentForSaving(SampleRuns.samplePath()).cpmSettings().margin());
        assertEquals("", training.shownRunSettingsProperty().get());

        // F5 with a finished run of the demo's settings on the same images and backbone: replayed, not retrained.
        assertTrue(training.runDemo());
        assertEquals(List.of(), holding.held, "nothing is trained");
        assertEquals(List.of(shipped + " FIRST_LAUNCH", shipped + " DEMO"), shown);
        assertFalse(training.runningProperty().get());
        assertTrue(training.monitor().phaseProperty().get().startsWith("Run " + shipped + " as it was trained"),
                training.monitor().phaseProperty().get());
        assertEquals(3 * 2, training.monitor().curves().stream().filter(c -> !c.isBackbone()).count(),
                "every branch of both modes replayed");
        assertEquals(1, firstLaunch.runs().size(), "no new run");
    }

    @Test
    void aFirstLaunchShowsTheShippedRunWhileTheImagesAreDecodedAndTheirPicturesOnceTheyAre() {
        HoldingExecutor holding = new HoldingExecutor();
        holding.delayDatasets = true;
        DataViewModel sampleData = new DataViewModel(holding, SampleRuns.loader());
        WorkspaceViewModel firstLaunch = new WorkspaceViewModel(holding, sampleData, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel training = new TrainingViewModel(holding, firstLaunch, sampleData, notices);

        firstLaunch.startUp(null);

        assertTrue(sampleData.loadingProperty().get(), "the images are still being decoded");
        assertNull(sampleData.datasetProperty().get());
        String shipped = BundledRun.besides(SampleRuns.samplePath()).orElseThrow().metrics().runId();
        assertEquals(shipped, firstLaunch.shownRunProperty().get().id(), "shown before the images are decoded");
        assertNotNull(point.resultProperty().get(), "the top bar has its operating point");
        assertFalse(point.resultProperty().get().source().synthetic());
        assertEquals(SampleImages.NONE, point.sourceProperty().get().images(), "no pictures yet");
        assertTrue(notices.posted().isEmpty(), "no word about a missing dataset: it is on its way "
                + notices.posted());

        holding.releaseDatasets();

        assertEquals(SampleRuns.samplePath(), sampleData.datasetProperty().get().root().toAbsolutePath().normalize());
        assertNotEquals(SampleImages.NONE, point.sourceProperty().get().images(), "the galleries get the pictures");
        assertTrue(point.sourceProperty().get().images().image(org.exitbench.data.Split.TEST, 0).isPresent());
        assertEquals(shipped, firstLaunch.shownRunProperty().get().id());
        assertEquals(List.of(), holding.held, "the images are those of the shipped run: nothing is trained");
        assertTrue(notices.posted().isEmpty(), notices.posted().toString());
        assertFalse(training.runningProperty().get());
    }

    @Test
    void aFirstLaunchWhoseShippedRunBelongsToAnotherBackboneShowsNothingOfItAndTrains() {
        HoldingExecutor holding = new HoldingExecutor();
        DataViewModel sampleData = new DataViewModel(holding, SampleRuns.loader());
        WorkspaceViewModel firstLaunch = new WorkspaceViewModel(holding, sampleData, point, questions, notices,
                SaveScheduler.IMMEDIATE, temp.resolve("home"), SampleRuns.samplePath());
        TrainingViewModel training = new TrainingViewModel(holding, firstLaunch, sampleData, notices);
        // What BundledRun.open answers for a backbone with another fingerprint (BundledRunTest makes one).
        BundledRun bundled = BundledRun.besides(SampleRuns.samplePath()).orElseThrow();
        training.setShippedRunReader((dataset, backbone) -> Optional.of(new BundledRun.Opened(bundled, null,
                bundled.backboneMismatch("crc32c:0"))));

        firstLaunch.startUp(null);

        assertEquals(List.of("Training the demo cascade on " + SampleRuns.sample().name()), holding.held,
                "a first cascade is trained instead");
        assertEquals(List.of(), firstLaunch.runs(), "nothing of the shipped run is copied");
        assertNull(firstLaunch.shownRunProperty().get());
        assertTrue(point.sourceProperty().get() == null || point.sourceProperty().get().synthetic(),
                "its scores are never shown");
        assertTrue(notices.posted().stream().anyMatch(n -> n.text().contains("another backbone")),
                notices.posted().toString());
    }

    /**
     * Runs work at once, except the first launch's training run, which it only records (and never ends), and, when
     * asked, dataset opens, which wait for {@link #releaseDatasets()}.
     */
    private static final class HoldingExecutor implements TaskExecutor {
        private final SynchronousTaskExecutor inner = new SynchronousTaskExecutor();
        private final ObservableList<RunningTask> running = FXCollections.observableArrayList();
        private final List<String> held = new ArrayList<>();
        private final List<Runnable> delayed = new ArrayList<>();
        private boolean delayDatasets;

        void releaseDatasets() {
            delayDatasets = false;
            List<Runnable> now = List.copyOf(delayed);
            delayed.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public <T> RunningTask submit(String name, BackgroundWork<T> work, TaskCallbacks<T> callbacks) {
            if (delayDatasets && name.equals("Opening " + SampleRuns.samplePath().getFileName())) {
                RunningTask task = new RunningTask(name, new CancellationToken(), System::nanoTime);
                delayed.add(() -> inner.submit(name, work, callbacks));
                return task;
            }
            if (!name.startsWith("Training the demo cascade")) {
                return inner.submit(name, work, callbacks);
            }
            held.add(name);
            RunningTask task = new RunningTask(name, new CancellationToken(), System::nanoTime);
            running.add(task);
            return task;
        }

        @Override
        public ObservableList<RunningTask> runningTasks() {
            return running;
        }

        @Override
        public Executor uiThread() {
            return Runnable::run;
        }
    }

    @Test
    void theDemoTrainsBothModesWithTheDatasetsBackboneAndStrictTrainingMargin() {
        ExperimentConfig demo = DemoSettings.config(SampleRuns.samplePath(), SampleBackbone.file());
        assertEquals(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), demo.training().modes());
        assertEquals(0.0, demo.cpm().margin());
        assertEquals(MarginForm.MULTIPLICATIVE, demo.cpm().marginForm());
        assertEquals(SampleBackbone.file().toString(), demo.backbone());
        assertNull(demo.exitPoints(), "every exit of the backbone");
        assertEquals(2.0, DemoSettings.ACCURACY_BUDGET_POINTS);
    }
}
