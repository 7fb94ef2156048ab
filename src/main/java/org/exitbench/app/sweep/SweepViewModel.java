package org.exitbench.app.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.form.ModeChoice;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.Progress;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.SweepSummary;
import org.exitbench.train.BranchTrainingMode;

/**
 * The sweep view's state: which definition (the default 64-configuration grid or a JSON file), how many seeds,
 * which modes and how many threads; the sweep folder this gives ({@code <workspace>/sweeps/<name>}) and how much of
 * it is already done; the running sweep's progress; and the summary of what the folder holds.
 *
 * <p>A sweep is resumable: its folder is named after its definition, so starting the same definition again skips
 * the trials already stored there. Opening an existing sweep folder shows its summary without training, and Start
 * then continues that folder. Use from the UI thread.
 */
public final class SweepViewModel {

    /**
     * Seconds one trial takes per training mode on one idle core, for the rough estimate: the default grid on the
     * bundled sample took about 600 CPU-seconds for 64 configurations × 2 modes (docs/results/README.md), wider
     * branches and larger datasets take longer.
     */
    static final double SECONDS_PER_TRIAL_AND_MODE = 5;

    private final TaskExecutor executor;
    private final Notices notices;

    private final ObjectProperty<SweepTarget> target = new SimpleObjectProperty<>(this, "target");
    private final ReadOnlyObjectWrapper<Path> definitionFile = new ReadOnlyObjectWrapper<>(this, "definitionFile");
    private final ReadOnlyObjectWrapper<Path> openedFolder = new ReadOnlyObjectWrapper<>(this, "openedFolder");
    private final IntegerProperty seeds = new SimpleIntegerProperty(this, "seeds", 3);
    private final IntegerProperty threads = new SimpleIntegerProperty(this, "threads", 1);
    private final ModeChoice modeChoice = new ModeChoice(List.of(BranchTrainingMode.BOOSTED,
            BranchTrainingMode.NON_BOOSTED));

    private final ReadOnlyObjectWrapper<SweepDefinition> definition = new ReadOnlyObjectWrapper<>(this,
            "definition");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyObjectWrapper<Path> folder = new ReadOnlyObjectWrapper<>(this, "folder");
    private final ReadOnlyIntegerWrapper trials = new ReadOnlyIntegerWrapper(this, "trials");
    private final ReadOnlyIntegerWrapper done = new ReadOnlyIntegerWrapper(this, "done");
    private final ReadOnlyStringWrapper plan = new ReadOnlyStringWrapper(this, "plan", "");
    private final ReadOnlyStringWrapper estimate = new ReadOnlyStringWrapper(this, "estimate", "");

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    private final ReadOnlyObjectWrapper<SweepSummary> summary = new ReadOnlyObjectWrapper<>(this, "summary");
    private final ReadOnlyStringWrapper summaryTitle = new ReadOnlyStringWrapper(this, "summaryTitle", "");
    private final ObservableList<SweepRows.Comparison> comparisons = FXCollections.observableArrayList();
    private final ObservableList<SweepRows.Best> best = FXCollections.observableArrayList();
    private final ObservableList<SweepRows.Failed> failed = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Path> report = new ReadOnlyObjectWrapper<>(this, "report");

    /** How {@link SweepRunner} begins the reports that count trials. */
    private static final String TRIAL_REPORT = "Sweep: ";

    private SweepDefinition base;
    private RunningTask task;
    private final AtomicReference<CancellationToken> token = new AtomicReference<>();
    private boolean adopting;
    private long readTicket;

    /**
     * @param executor runs the sweep and reads sweep folders in the background
     * @param notices  where the end of a sweep is announced
     */
    public SweepViewModel(TaskExecutor executor, Notices notices) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.notices = Objects.requireNonNull(notices, "notices");
        seeds.addListener((obs, old, now) -> update());
        threads.addListener((obs, old, now) -> updatePlan());
        modeChoice.boostedProperty().addListener((obs, old, now) -> update());
        modeChoice.nonBoostedProperty().addListener((obs, old, now) -> update());
        modeChoice.softProperty().addListener((obs, old, now) -> update());
        target.addListener((obs, old, now) -> update());
        useDefaultDefinition();
    }

    // ---- settings ----------------------------------------------------------------------------------------------

    /** @return the workspace, dataset and backbone a sweep runs on; null while no workspace is open */
    public ObjectProperty<SweepTarget> targetProperty() {
        return target;
    }

    /** @return the definition file in use, or null for the default grid */
    public ReadOnlyObjectProperty<Path> definitionFileProperty() {
        return definitionFile.getReadOnlyProperty();
    }

    /** @return the sweep folder opened with {@link #openFolder}, or null while the definition decides the folder */
    public ReadOnlyObjectProperty<Path> openedFolderProperty() {
        return openedFolder.getReadOnlyProperty();
    }

    /** @return how many seeds each configuration is trained with (seeds 1..n; the definition's own when equal) */
    public IntegerProperty seedsProperty() {
        return seeds;
    }

    /** @return trials trained at once */
    public IntegerProperty threadsProperty() {
        return threads;
    }

    /** @return whether the sweep trains the boosted mode (BTS-EE) */
    public BooleanProperty boostedProperty() {
        return modeChoice.boostedProperty();
    }

    /** @return whether the sweep trains the non-boosted mode, the baseline of the comparison */
    public BooleanProperty nonBoostedProperty() {
        return modeChoice.nonBoostedProperty();
    }

    /** @return whether the sweep trains the soft mode (CalexNet's cascade-aligned weighting) */
    public BooleanProperty softProperty() {
        return modeChoice.softProperty();
    }

    /** Uses the default 64-configuration grid (our reconstruction of the paper's), in the workspace's folder. */
    public void useDefaultDefinition() {
        adopt(SweepDefinition.defaults(), null, null);
    }

    /**
     * Uses a definition file. A file that cannot be read or is invalid leaves the current definition and says why,
     * naming the file.
     *
     * @param file a sweep definition (JSON)
     * @return whether it was read
     */
    public boolean useDefinitionFile(Path file) {
        try {
            adopt(SweepDefinition.read(file), file, null);
            return true;
        } catch (ConfigException e) {
            problem.set(ErrorText.of(e));
            return false;
        }
    }

    /**
     * Opens an existing sweep folder: shows its summary without training (a finished sweep, or one stopped part
     * way), with the definition last run there; Start continues it.
     *
     * @param sweep the sweep folder
     * @return whether it holds a sweep
     */
    public boolean openFolder(Path sweep) {
        SweepFolder opened = new SweepFolder(sweep);
        try {
            SweepDefinition stored = opened.readDefinition();
            if (stored == null || opened.readManifest() == null) {
                problem.set(sweep + " is not a sweep folder: it has no " + SweepFolder.MANIFEST + " and "
                        + SweepFolder.DEFINITION + ".");
                return false;
            }
            adopt(stored, sweep.resolve(SweepFolder.DEFINITION), sweep);
            return true;
        } catch (RuntimeException e) {
            problem.set(ErrorText.of(e));
            return false;
        }
    }

    private void adopt(SweepDefinition loaded, Path file, Path opened) {
        base = loaded;
        definitionFile.set(file);
        openedFolder.set(opened);
        adopting = true;
        try {
            seeds.set(loaded.seeds().size());
            modeChoice.show(loaded.modes());
        } finally {
            adopting = false;
        }
        update();
    }

    // ---- what the settings give ----------------------------------------------------------------------------------

    /** @return the definition to run (the settings applied), or null while they are invalid */
    public ReadOnlyObjectProperty<SweepDefinition> definitionProperty() {
        return definition.getReadOnlyProperty();
    }

    /** @return why the settings cannot run (naming the file or field), or an empty string */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** @return the sweep folder a start runs in (resuming what is there), or null without a workspace */
    public ReadOnlyObjectProperty<Path> folderProperty() {
        return folder.getReadOnlyProperty();
    }

    /** @return trials in the definition: configurations × seeds */
    public ReadOnlyIntegerProperty trialsProperty() {
        return trials.getReadOnlyProperty();
    }

    /** @return of those, how many the folder already holds (finished; failed ones are tried again) */
    public ReadOnlyIntegerProperty doneProperty() {
        return done.getReadOnlyProperty();
    }

    /** @return the plan in words: trials, modes, how many are already done */
    public ReadOnlyStringProperty planProperty() {
        return plan.getReadOnlyProperty();
    }

    /** @return a rough time estimate for the trials still to train */
    public ReadOnlyStringProperty estimateProperty() {
        return estimate.getReadOnlyProperty();
    }

    private void update() {
        if (adopting || base == null) {
            return;
        }
        SweepDefinition applied;
        try {
            applied = base;
            if (seeds.get() != base.seeds().size()) {
                if (seeds.get() < 1) {
                    throw new ConfigException(null, List.of("seeds: must be at least 1, was " + seeds.get()));
                }
                applied = applied.withSeeds(SweepDefinition.firstSeeds(seeds.get()));
            }
            List<BranchTrainingMode> modes = selectedModes();
            if (!Set.copyOf(modes).equals(Set.copyOf(base.modes()))) {
                applied = applied.withModes(modes);
            }
            problem.set("");
        } catch (ConfigException e) {
            applied = null;
            String source = definitionFile.get() == null ? "" : definitionFile.get() + ": ";
            problem.set(ErrorText.of(new ConfigException(null, List.of(source + e.getMessage()))));
        }
        definition.set(applied);
        SweepTarget where = target.get();
        Path next = openedFolder.get() != null ? openedFolder.get()
                : where == null || applied == null ? null : where.folderFor(applied.name());
        folder.set(next);
        refresh();
    }

    /** The selected modes: the definition's order first, then the others in their declared order. */
    private List<BranchTrainingMode> selectedModes() {
        List<BranchTrainingMode> chosen = modeChoice.selected();
        List<BranchTrainingMode> ordered = new ArrayList<>(base.modes());
        ordered.retainAll(chosen);
        chosen.stream().filter(m -> !ordered.contains(m)).forEach(ordered::add);
        return ordered;
    }

    // ---- results -----------------------------------------------------------------------------------------------

    /** @return the summary of the trials the folder holds for the current definition, or null when none */
    public ReadOnlyObjectProperty<SweepSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** @return what the results are: "Stored results: 12 of 128 trials finished, 1 failed" */
    public ReadOnlyStringProperty summaryTitleProperty() {
        return summaryTitle.getReadOnlyProperty();
    }

    /** @return each compared mode against the baseline, per metric; read-only use */
    public ObservableList<SweepRows.Comparison> comparisons() {
        return comparisons;
    }

    /** @return the best compute reduction per mode and accuracy budget; read-only use */
    public ObservableList<SweepRows.Best> best() {
        return best;
    }

    /** @return the failed trials with their errors; read-only use */
    public ObservableList<SweepRows.Failed> failed() {
        return failed;
    }

    /** @return the folder's HTML report, or null while it has none */
    public ReadOnlyObjectProperty<Path> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** What a folder holds for a definition, read in the background. */
    private record Stored(SweepSummary summary, List<SweepRows.Failed> failed, List<String> unreadable,
                          Path report, double secondsPerTrialAndMode) {
    }

    /** Reads what the sweep folder holds for the current definition, in the background. */
    public void refresh() {
        SweepDefinition current = definition.get();
        Path where = folder.get();
        long ticket = ++readTicket;
        if (current == null || where == null) {
            show(current, new Stored(null, List.of(), List.of(), null, Double.NaN));
            return;
        }
        SweepTarget on = target.get();
        executor.submit("Reading the sweep " + where.getFileName(), (reports, cancel) -> read(current, where, on),
                TaskCallbacks.of(stored -> {
                    if (ticket == readTicket) {
                        show(current, stored);
                    }
                }, failure -> {
                    if (ticket == readTicket) {
                        show(current, new Stored(null, List.of(), List.of(), null, Double.NaN));
                        message.set("Could not read " + where + ": " + ErrorText.of(failure));
                    }
                }, () -> { }));
    }

    private static Stored read(SweepDefinition current, Path where, SweepTarget on) {
        SweepFolder sweep = new SweepFolder(where);
        SweepFolder.Manifest manifest = sweep.readManifest();
        if (manifest == null) {
            return new Stored(null, List.of(), List.of(), null, Double.NaN);
        }
        List<String> unreadable = new ArrayList<>();
        Map<String, SweepResult> results = sweep.readResults(unreadable);
        String dataset = on != null ? on.dataset().toString() : manifest.dataset();
        SweepSummary summary = SweepSummary.of(current, current.configurations(dataset, manifest.backbone()),
                results);
        Path html = sweep.root().resolve(SweepFolder.REPORT);
        return new Stored(summary, SweepRows.failed(results), unreadable, Files.isRegularFile(html) ? html : null,
                pace(manifest, results));
    }

    /** @return the seconds per trial and mode on one thread this folder's sessions took, or NaN when unknown */
    private static double pace(SweepFolder.Manifest manifest, Map<String, SweepResult> results) {
        double seconds = 0;
        int modes = 0;
        for (SweepResult r : results.values()) {
            if (r.succeeded() && !r.modes().isEmpty()) {
                seconds += r.seconds();
                modes += r.modes().size();
            }
        }
        return modes == 0 || manifest.sessions().isEmpty() ? Double.NaN : seconds / modes;
    }

    private void show(SweepDefinition current, Stored stored) {
        summary.set(stored.summary());
        report.set(stored.report());
        failed.setAll(stored.failed());
        int all = current == null ? 0 : current.configurationCount() * current.seeds().size();
        trials.set(all);
        SweepSummary s = stored.summary();
        done.set(s == null ? 0 : s.finished());
        if (s == null || s.finished() + s.failed() == 0) {
            comparisons.clear();
            best.clear();
            summaryTitle.set(current == null ? "" : "No results yet for this sweep.");
        } else {
            comparisons.setAll(SweepRows.comparisons(s));
            best.setAll(SweepRows.best(s));
            summaryTitle.set(String.format(Locale.ROOT, "Stored results: %d of %d trials finished%s", s.finished(),
                    s.trials(), s.failed() > 0 ? ", " + s.failed() + " failed" : ""));
        }
        if (!stored.unreadable().isEmpty()) {
            message.set(stored.unreadable().size() + " result file(s) could not be read and will be trained again: "
                    + stored.unreadable().get(0));
        }
        lastPace = stored.secondsPerTrialAndMode();
        updatePlan();
    }

    private double lastPace = Double.NaN;

    private void updatePlan() {
        SweepDefinition current = definition.get();
        if (current == null) {
            plan.set("");
            estimate.set("");
            return;
        }
        int configurations = current.configurationCount();
        int seedCount = current.seeds().size();
        List<String> modes = current.modes().stream().map(ExperimentConfig::modeName).toList();
        String text = String.format(Locale.ROOT, "%d trials: %d configuration%s × %d seed%s, each trained %s.",
                trials.get(), configurations, configurations == 1 ? "" : "s", seedCount, seedCount == 1 ? "" : "s",
                String.join(" and ", modes));
        int left = trials.get() - done.get();
        if (done.get() > 0) {
            text += left == 0 ? String.format(Locale.ROOT, " All %d already done; Start only rewrites the reports.",
                    trials.get()) : String.format(Locale.ROOT, " %d of %d trials already done; Start continues "
                    + "with the other %d.", done.get(), trials.get(), left);
        }
        plan.set(text);
        boolean measured = !Double.isNaN(lastPace);
        double perTrial = (measured ? lastPace : SECONDS_PER_TRIAL_AND_MODE) * current.modes().size();
        double seconds = left * perTrial / Math.max(1, threads.get());
        estimate.set(left == 0 ? "" : "Roughly " + SweepRunner.duration(seconds) + " for " + left + " trial"
                + (left == 1 ? "" : "s") + " at " + threads.get() + " thread" + (threads.get() == 1 ? "" : "s")
                + (measured ? " (the pace of the trials already in this folder)."
                : " (about " + SweepSummary.number(SECONDS_PER_TRIAL_AND_MODE) + " s per trial and mode on an idle"
                + " core, as on the bundled sample; wider branches and larger datasets take longer)."));
    }

    // ---- running -----------------------------------------------------------------------------------------------

    /** @return whether a sweep is running */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** @return the running sweep's fraction of trials done (those done before included), or -1 while unknown */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** @return what the running sweep is doing: "Trial 14 of 128 done (c07 seed 1 4.2 s), 3 min 10 s left" */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** @return the outcome of the last start, open or refresh, in one or two sentences, or an empty string */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /**
     * Runs the sweep in the background (the trials its folder does not hold yet), then shows its summary. Says why
     * in {@link #messageProperty()} when it cannot start.
     *
     * @return whether it started
     */
    public boolean start() {
        if (running.get()) {
            return false;
        }
        SweepTarget on = target.get();
        SweepDefinition current = definition.get();
        Path where = folder.get();
        if (current == null) {
            message.set(problem.get());
            return false;
        }
        if (on == null || where == null) {
            message.set("Open a workspace with a dataset first: the sweep reads its dataset and backbone and keeps "
                    + "its feature cache there.");
            return false;
        }
        int workers = Math.max(1, threads.get());
        running.set(true);
        progress.set(-1);
        status.set("Starting: " + trials.get() + " trials, " + done.get() + " already done");
        message.set("");
        var ui = executor.uiThread();
        task = executor.submit("Sweep " + current.name(), (reports, cancel) -> {
            token.set(cancel);
            return on.workspace().sweepRunner().run(current, new SweepRunner.Request(on.dataset(),
                    on.backbone(), where, workers), report -> {
                        reports.onProgress(report);
                        ui.execute(() -> progressArrived(report));
                    }, cancel);
        }, TaskCallbacks.of(outcome -> {
            ended();
            message.set(String.format(Locale.ROOT, "Finished in %s: %d trials trained now, %d done before%s.",
                    SweepRunner.duration(outcome.seconds()), outcome.ran(), outcome.reused(),
                    outcome.failed() > 0 ? ", " + outcome.failed() + " failed (listed below)" : ""));
            notices.post(Notice.info("Sweep finished", current.name() + ": " + message.get()));
            refresh();
        }, failure -> {
            ended();
            message.set("The sweep stopped: " + ErrorText.of(failure) + " Finished trials are kept.");
            notices.post(Notice.error("Sweep failed", message.get()));
            refresh();
        }, () -> {
            ended();
            message.set("Cancelled. Finished trials are kept in " + where + "; Start continues from there.");
            refresh();
        }));
        return true;
    }

    private void progressArrived(Progress report) {
        if (!running.get()) {
            return;
        }
        if (report.total() > 0 && report.message().startsWith(TRIAL_REPORT)) {
            // The runner's reports count trials, those done before included: "Sweep: c07 seed 1 4.2 s; ..."
            done.set((int) report.done());
            progress.set(report.fraction());
            String detail = report.message().substring(TRIAL_REPORT.length());
            boolean trialFinished = !detail.contains("done before");
            status.set(trialFinished ? String.format(Locale.ROOT, "%d of %d trials done \u2014 %s", report.done(),
                    report.total(), detail) : detail);
            if (trialFinished) {
                // Each trial's file is complete once reported, so the tables fill in as the sweep runs.
                refresh();
            }
        } else {
            status.set(report.message());
        }
    }

    /** Asks the running sweep to stop after the mini-batch at hand; finished trials stay in the folder. */
    public void cancel() {
        if (!running.get()) {
            return;
        }
        status.set("Cancelling: finished trials are kept");
        if (task != null) {
            task.cancel();
        }
        CancellationToken current = token.get();
        if (current != null) {
            current.cancel();
        }
    }

    private void ended() {
        running.set(false);
        task = null;
        token.set(null);
        progress.set(-1);
        status.set("");
    }
}
