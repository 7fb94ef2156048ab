package org.exitbench.app.training;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchOutcome;
import org.exitbench.train.BranchTrainingMode;

/**
 * What the Training pane shows of a run while it runs, built from the run's events: a training curve per branch
 * (and the backbone's), the survivors funnel, the steps with their captions, the current step's text, and a log.
 * Events are handed to it on the UI thread; it computes nothing the run has not reported.
 */
public final class RunMonitor {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** Lines kept in the log; older ones are dropped. */
    private static final int LOG_LINES = 2000;

    private final ObservableList<TrainingCurve> curves = FXCollections.observableArrayList();
    private final ObservableList<FunnelRow> funnel = FXCollections.observableArrayList();
    private final ObservableList<PipelineStep> steps = FXCollections.observableArrayList();
    private final ObservableList<String> log = FXCollections.observableArrayList();
    private final ObservableList<TrainingCurve> curvesView = FXCollections.unmodifiableObservableList(curves);
    private final ObservableList<FunnelRow> funnelView = FXCollections.unmodifiableObservableList(funnel);
    private final ObservableList<PipelineStep> stepsView = FXCollections.unmodifiableObservableList(steps);
    private final ObservableList<String> logView = FXCollections.unmodifiableObservableList(log);
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper(this, "caption", "");
    private final ReadOnlyStringWrapper phase = new ReadOnlyStringWrapper(this, "phase", "");
    private final Map<String, Integer> stepIndex = new HashMap<>();
    private RunPlan plan;
    private String runId;
    private String lastMessage = "";
    private int backboneEpochs;

    /** @return one curve per network trained so far in the run; read-only */
    public ObservableList<TrainingCurve> curves() {
        return curvesView;
    }

    /** @return the survivors funnel: a row per mode and exit, in plan order; read-only */
    public ObservableList<FunnelRow> funnel() {
        return funnelView;
    }

    /** @return the run's steps; read-only */
    public ObservableList<PipelineStep> steps() {
        return stepsView;
    }

    /** @return the log, oldest line first; read-only */
    public ObservableList<String> log() {
        return logView;
    }

    /** @return the caption of the step under way (or of the last one) */
    public ReadOnlyStringProperty captionProperty() {
        return caption.getReadOnlyProperty();
    }

    /** @return what the run is doing now, as its last progress report said */
    public ReadOnlyStringProperty phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    /** @return the plan of the current or last run, or {@code null} before the first */
    public RunPlan plan() {
        return plan;
    }

    /** @return the id of the run shown: the one trained last (once saved) or a stored one; {@code null} before */
    public String runId() {
        return runId;
    }

    /**
     * Shows a saved run as it was trained: its loss and accuracy curves from the stored histories, its funnel and
     * its steps, all done. Used when a workspace is reopened or another run is picked, where no events come.
     *
     * @param metrics the run's {@code metrics.json}
     * @param config  the run's settings (the epochs it allowed, the CPM it calibrated with)
     * @throws IllegalArgumentException when the run trained no mode at any exit
     */
    public void showStored(RunMetrics metrics, ExperimentConfig config) {
        replaySteps(metrics, config).forEach(Runnable::run);
        log("Showing run " + runId + " from its saved histories.");
    }

    /**
     * Lays out a saved run's steps and funnel at once and returns the rest of its story (every epoch, every branch
     * done, the end) as steps to run in order, so the teaching demo can replay a run at a presenter's pace.
     *
     * @throws IllegalArgumentException when the run trained no mode at any exit
     */
    public List<Runnable> replaySteps(RunMetrics metrics, ExperimentConfig config) {
        return replayStages(metrics, config).stream().flatMap(List::stream).toList();
    }

    /**
     * As {@link #replaySteps}, grouped as a presenter moves through them: one stage per branch (its epochs, then its
     * survivors), and the end.
     *
     * @throws IllegalArgumentException when the run trained no mode at any exit
     */
    public List<List<Runnable>> replayStages(RunMetrics metrics, ExperimentConfig config) {
        List<RunMetrics.ModeMetrics> modes = metrics.modes();
        if (modes.isEmpty() || modes.get(0).branches().isEmpty()) {
            throw new IllegalArgumentException("run " + metrics.runId() + " has no branches to show");
        }
        List<RunMetrics.BranchMetrics> firstBranches = modes.get(0).branches();
        RunMetrics.BranchMetrics first = firstBranches.get(0);
        begin(new RunPlan(modes.stream().map(RunMetrics.ModeMetrics::mode).toList(),
                firstBranches.stream().map(RunMetrics.BranchMetrics::vertex).toList(), first.trainReaching(),
                first.validReaching(), config.training().epochs(), config.cpmSettings(), false));
        List<List<Runnable>> stages = new ArrayList<>();
        for (RunMetrics.ModeMetrics mode : modes) {
            for (RunMetrics.BranchMetrics b : mode.branches()) {
                List<Runnable> steps = new ArrayList<>();
                b.history().forEach(e -> steps.add(() -> epoch(e)));
                steps.add(() -> branchDone(mode.mode(), b.exit(), b.vertex(), b.skipReason(), b.trainSamples(),
                        b.trainReaching(), b.trainExited(), b.validReaching(), b.validExited(), b.bestEpoch()));
                stages.add(steps);
            }
        }
        stages.add(List.of(() -> {
            markAllDone();
            runId = metrics.runId();
            caption.set(StepCaptions.done());
            String when = trainedAt(metrics.created());
            phase.set("Run " + runId + " as it was trained" + (when.isEmpty() ? "" : " (" + when + ")"));
        }));
        return stages;
    }

    /** @return "2026-11-25 14:19 UTC" for the ISO instant a run was made at, or the text as it is */
    private static String trainedAt(String created) {
        if (created == null) {
            return "";
        }
        try {
            return STAMP.format(Instant.parse(created));
        } catch (DateTimeParseException e) {
            return created;
        }
    }

    /** Forgets the previous run and lays out the steps and funnel of {@code newPlan}. */
    public void begin(RunPlan newPlan) {
        plan = newPlan;
        runId = null;
        lastMessage = "";
        backboneEpochs = 0;
        curves.clear();
        stepIndex.clear();
        List<PipelineStep> laid = new ArrayList<>();
        if (newPlan.trainsBackbone()) {
            add(laid, "backbone", "Backbone", StepCaptions.backbone());
        }
        add(laid, "features", "Features", StepCaptions.features(newPlan.exitCount()));
        BranchTrainingMode first = newPlan.modes().get(0);
        for (int k = 0; k < newPlan.exitCount(); k++) {
            add(laid, key("branch", first, k), "Branch " + (k + 1), StepCaptions.branch(first, k,
                    newPlan.vertices().get(k), k == 0 ? newPlan.trainTotal() : -1));
            add(laid, key("calibrate", first, k), "Calibrate " + (k + 1), StepCaptions.calibrate(k, newPlan.cpm(),
                    -1, -1));
            add(laid, key("survivors", first, k), k + 1 < newPlan.exitCount() ? "Survivors " + (k + 1)
                    : "To the head", StepCaptions.survivors(k, newPlan.exitCount(), -1, -1));
        }
        for (BranchTrainingMode other : newPlan.modes().subList(1, newPlan.modes().size())) {
            add(laid, key("mode", other, 0), StepCaptions.modeTitle(other), StepCaptions.comparison(other));
        }
        add(laid, "done", "Done", StepCaptions.done());
        steps.setAll(laid);
        List<FunnelRow> rows = new ArrayList<>();
        for (BranchTrainingMode mode : newPlan.modes()) {
            for (int k = 0; k < newPlan.exitCount(); k++) {
                rows.add(FunnelRow.waiting(mode, k, newPlan.vertices().get(k), newPlan.trainTotal(),
                        newPlan.validTotal()));
            }
        }
        funnel.setAll(rows);
        caption.set(laid.get(0).caption());
        phase.set("Starting");
        log.clear();
        log("Run: " + String.join(", ", newPlan.modes().stream().map(ExperimentConfig::modeName).toList())
                + " at " + String.join(", ", newPlan.vertices()) + "; up to " + newPlan.epochs() + " epochs per"
                + " branch; CPM " + StepCaptions.margin(newPlan.cpm()) + ".");
    }

    /** A progress report of the run: logged when it says something new, and shown as the current phase. */
    public void progress(String message) {
        phase.set(message);
        if (message.startsWith("Extracting features") || message.startsWith("Rebuilding the feature cache")) {
            activate("features");
        }
        if (!message.equals(lastMessage)) {
            lastMessage = message;
            log(message);
        }
    }

    /** A backbone training event; only the end of an epoch is recorded. */
    public void backboneEpoch(BackboneTrainingProgress event) {
        if (event.kind() != BackboneTrainingProgress.Kind.EPOCH_END) {
            return;
        }
        activate("backbone");
        TrainingCurve curve = curve(null, -1, "backbone");
        curve.add(new CurvePoint(event.epoch(), event.loss(), Double.NaN, event.validationAccuracy()));
        backboneEpochs = event.epoch();
        String line = String.format(Locale.ROOT, "Backbone epoch %d/%d: loss %.4f, validation accuracy %.1f %%",
                event.epoch(), event.epochs(), event.loss(), 100 * event.validationAccuracy());
        phase.set(line);
        log(line);
    }

    /** An epoch of a branch (cross-fitting copies are not drawn). */
    public void epoch(BranchEpoch epoch) {
        if (epoch.fold() >= 0 || plan == null) {
            return;
        }
        finishStep("backbone");
        finishStep("features");
        TrainingCurve curve = curve(epoch.mode(), epoch.exit(), "exit " + (epoch.exit() + 1) + " · " + epoch.vertex());
        curve.add(new CurvePoint(epoch.epoch(), epoch.trainLoss(), epoch.validLoss(), epoch.validAccuracy()));
        if (epoch.epoch() == 1) {
            int row = funnelRow(epoch.mode(), epoch.exit());
            if (row >= 0) {
                funnel.set(row, funnel.get(row).training(epoch.trainSamples(), epoch.validSamples()));
            }
            String branchKey = key("branch", epoch.mode(), epoch.exit());
            if (stepIndex.containsKey(branchKey)) {
                updateStep(branchKey, PipelineStep.State.ACTIVE, StepCaptions.branch(epoch.mode(), epoch.exit(),
                        epoch.vertex(), epoch.trainSamples()));
            } else {
                activate(key("mode", epoch.mode(), 0));
            }
        }
    }

    /** A branch is finished: the funnel row gets its final counts, and calibration and survivors are told. */
    public void branch(BranchOutcome outcome) {
        branchDone(outcome.mode(), outcome.exit(), outcome.vertex(), outcome.skipReason(), outcome.trainSamples(),
                outcome.trainReaching(), outcome.trainExited(), outcome.validReaching(), outcome.validExited(),
                outcome.bestEpoch());
    }

    private void branchDone(BranchTrainingMode mode, int k, String vertex, String skipReason, int trainSamples,
            int trainReaching, int trainExited, int validReaching, int validExited, int bestEpoch) {
        int row = funnelRow(mode, k);
        if (row >= 0) {
            funnel.set(row, funnel.get(row).done(trainSamples, trainReaching, trainExited, validReaching, validExited,
                    skipReason));
        }
        String where = "exit " + (k + 1) + " (" + vertex + ")";
        if (skipReason != null) {
            log(StepCaptions.modeTitle(mode) + ": skipped " + where + ": " + skipReason);
        } else {
            log(String.format(Locale.ROOT, "%s: %s takes %s of %s validation and %s of %s training images (best"
                    + " epoch %d)", StepCaptions.modeTitle(mode), where, DisplayText.count(validExited),
                    DisplayText.count(validReaching), DisplayText.count(trainExited),
                    DisplayText.count(trainReaching), bestEpoch));
        }
        String branchKey = key("branch", mode, k);
        if (!stepIndex.containsKey(branchKey)) {
            if (plan != null && k == plan.exitCount() - 1) {
                finishStep(key("mode", mode, 0));
            }
            return;
        }
        finishStep(branchKey);
        String calibrateKey = key("calibrate", mode, k);
        String survivorsKey = key("survivors", mode, k);
        if (skipReason == null) {
            updateStep(calibrateKey, PipelineStep.State.DONE, StepCaptions.calibrate(k, plan.cpm(), validExited,
                    validReaching));
        } else {
            updateStep(calibrateKey, PipelineStep.State.DONE, "Exit " + (k + 1) + " was skipped: " + skipReason);
        }
        String survivorsText = StepCaptions.survivors(k, plan.exitCount(), trainReaching - trainExited,
                validReaching - validExited);
        updateStep(survivorsKey, PipelineStep.State.DONE, survivorsText);
        caption.set(steps.get(stepIndex.get(calibrateKey)).caption() + " " + survivorsText);
    }

    /** The run was written: the last step is done, and the log says what it measured. */
    public void finished(ExperimentRun run) {
        markAllDone();
        runId = run.id();
        caption.set(StepCaptions.done());
        phase.set("Run " + run.id() + " saved");
        for (RunMetrics.ModeMetrics mode : run.metrics().modes()) {
            RunMetrics.CascadeMetrics test = mode.test();
            log(String.format(Locale.ROOT, "%s on the test split: accuracy %s (%s), %s of the compute saved",
                    StepCaptions.modeTitle(mode.mode()), DisplayText.percent(test.accuracy()),
                    DisplayText.points(-test.accuracyDropPoints() / 100),
                    DisplayText.percent(test.computeReduction())));
        }
        log("Saved run " + run.id() + " in " + run.folder() + ".");
    }

    private void markAllDone() {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).state() != PipelineStep.State.DONE) {
                steps.set(i, steps.get(i).with(PipelineStep.State.DONE, steps.get(i).caption()));
            }
        }
    }

    /**
     * The run ended without a result.
     *
     * @param why "Cancelled." or the error as a sentence
     */
    public void stopped(String why) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).state() == PipelineStep.State.ACTIVE) {
                steps.set(i, steps.get(i).with(PipelineStep.State.PENDING, steps.get(i).caption()));
            }
        }
        phase.set(why);
        caption.set(why);
        log(why);
    }

    /**
     * Ends the run's story with a caption of the caller's (the demo's chosen operating point), also logged.
     *
     * @param text one or two sentences
     */
    public void conclude(String text) {
        caption.set(text);
        log(text);
    }

    /** Adds a line to the log with the time of day. */
    public void log(String line) {
        log.add(LocalTime.now().format(CLOCK) + "  " + line);
        if (log.size() > LOG_LINES) {
            log.remove(0, log.size() - LOG_LINES);
        }
    }

    /** @return the number of backbone epochs recorded in this run */
    int backboneEpochs() {
        return backboneEpochs;
    }

    private void add(List<PipelineStep> laid, String stepKey, String title, String text) {
        stepIndex.put(stepKey, laid.size());
        laid.add(new PipelineStep(title, text, PipelineStep.State.PENDING));
    }

    private static String key(String kind, BranchTrainingMode mode, int exit) {
        return kind + "-" + mode.name() + "-" + exit;
    }

    private TrainingCurve curve(BranchTrainingMode mode, int exit, String label) {
        for (TrainingCurve curve : curves) {
            if (curve.mode() == mode && curve.exit() == exit) {
                return curve;
            }
        }
        TrainingCurve curve = new TrainingCurve(mode, exit, label);
        curves.add(curve);
        return curve;
    }

    private int funnelRow(BranchTrainingMode mode, int exit) {
        for (int i = 0; i < funnel.size(); i++) {
            if (funnel.get(i).mode() == mode && funnel.get(i).exit() == exit) {
                return i;
            }
        }
        return -1;
    }

    /** Marks a step under way (and every earlier one done) and shows its caption. */
    private void activate(String stepKey) {
        Integer index = stepIndex.get(stepKey);
        if (index == null || steps.get(index).state() != PipelineStep.State.PENDING) {
            return;
        }
        for (int i = 0; i < index; i++) {
            if (steps.get(i).state() != PipelineStep.State.DONE) {
                steps.set(i, steps.get(i).with(PipelineStep.State.DONE, steps.get(i).caption()));
            }
        }
        steps.set(index, steps.get(index).with(PipelineStep.State.ACTIVE, steps.get(index).caption()));
        caption.set(steps.get(index).caption());
    }

    private void finishStep(String stepKey) {
        Integer index = stepIndex.get(stepKey);
        if (index != null && steps.get(index).state() != PipelineStep.State.DONE) {
            steps.set(index, steps.get(index).with(PipelineStep.State.DONE, steps.get(index).caption()));
        }
    }

    private void updateStep(String stepKey, PipelineStep.State state, String text) {
        Integer index = stepIndex.get(stepKey);
        if (index == null) {
            return;
        }
        if (state == PipelineStep.State.ACTIVE) {
            activate(stepKey);
        }
        steps.set(index, steps.get(index).with(state, text));
        caption.set(text);
    }
}
