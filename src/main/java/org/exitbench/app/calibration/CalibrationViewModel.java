package org.exitbench.app.calibration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.form.CpmFields;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.task.BackgroundWork;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.ClassReport;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginBudget;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.OperatingPoint;
import org.exitbench.cascade.Thresholds;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.report.CsvTable;
import org.exitbench.store.AtomicFiles;

/**
 * The Calibration pane's state: the CPM settings as editable properties (kept in step with the shared operating
 * point's settings), which classes are locked, threshold edits with undo and redo, "reset to CPM", and saving
 * and loading thresholds. Everything it shows comes from the operating point's result; it never evaluates.
 *
 * <p>A slider drag is one edit: {@link #previewThreshold} moves the operating point live as often as the slider
 * reports, and {@link #commitEdit} (on release) records the state before the drag once for undo.
 */
public final class CalibrationViewModel {

    private final OperatingPointModel point;
    private final DecisionRuleModel decisionRules;
    private final TaskExecutor executor;
    private final ThresholdHistory history = new ThresholdHistory();
    private final DoubleProperty budgetPoints = new SimpleDoubleProperty(this, "budgetPoints",
            DEFAULT_BUDGET_POINTS);
    private final ReadOnlyBooleanWrapper searching = new ReadOnlyBooleanWrapper(this, "searching");
    private final CpmFields cpm = new CpmFields();
    private final ObservableList<BooleanProperty> locks = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper messageIsError = new ReadOnlyBooleanWrapper(this, "messageIsError");
    private Thresholds editStart;
    private String editAction;
    private boolean syncingSettings;

    /** The accuracy budget offered at first, in points: the drop the BTS-EE abstract reports ("2 percent"). */
    public static final double DEFAULT_BUDGET_POINTS = 2.0;

    /**
     * A pane whose accuracy-budget search runs on the calling thread (benchmarks, tests).
     *
     * @param point the shared operating point
     */
    public CalibrationViewModel(OperatingPointModel point) {
        this(point, null);
    }

    /**
     * @param point    the shared operating point
     * @param executor runs the accuracy-budget search in the background, or {@code null} to run it at once
     */
    public CalibrationViewModel(OperatingPointModel point, TaskExecutor executor) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = executor;
        this.decisionRules = new DecisionRuleModel(point, executor);
        showSettings(point.settingsProperty().get());
        point.settingsProperty().addListener((obs, old, now) -> showSettings(now));
        cpm.marginProperty().addListener((obs, old, now) -> pushSettings());
        cpm.marginFormProperty().addListener((obs, old, now) -> pushSettings());
        cpm.anchorSourceProperty().addListener((obs, old, now) -> pushSettings());
        cpm.minimumSupportProperty().addListener((obs, old, now) -> pushSettings());
        point.sourceProperty().addListener((obs, old, now) -> sourceChanged(now));
        sourceChanged(point.sourceProperty().get());
    }

    /** @return the exit decision rule the thresholds apply to, and its fitting (issue 20) */
    public DecisionRuleModel decisionRules() {
        return decisionRules;
    }

    /** @return the shared operating point, whose result every number of the pane comes from */
    public OperatingPointModel operatingPoint() {
        return point;
    }

    /** @return CPM's margin m in [−1, 1] */
    public DoubleProperty marginProperty() {
        return cpm.marginProperty();
    }

    /** @return how m lowers the bar: anchor − m or (1 − m) · anchor */
    public ObjectProperty<MarginForm> marginFormProperty() {
        return cpm.marginFormProperty();
    }

    /** @return where the anchor precision is measured: the full validation split or each exit's survivors */
    public ObjectProperty<AnchorSource> anchorSourceProperty() {
        return cpm.anchorSourceProperty();
    }

    /** @return the fewest validation images a CPM threshold may admit for a class, at least 1 */
    public IntegerProperty minimumSupportProperty() {
        return cpm.minimumSupportProperty();
    }

    /**
     * @param predictedClass a class
     * @return whether the class is locked: "reset to CPM" leaves its thresholds at every exit as they are
     */
    public BooleanProperty lockedProperty(int predictedClass) {
        return locks.get(predictedClass);
    }

    /**
     * @return the accuracy budget: the most validation accuracy, in points, {@link #findMarginWithinBudget} may
     *         lose
     */
    public DoubleProperty budgetPointsProperty() {
        return budgetPoints;
    }

    /** @return whether an accuracy-budget search is under way */
    public ReadOnlyBooleanProperty searchingProperty() {
        return searching.getReadOnlyProperty();
    }

    /**
     * Finds the CPM margin (in the current form, with the other settings as they are) that saves the most compute
     * while losing at most {@link #budgetPointsProperty()} points on the validation split, sets it and resets the
     * unlocked classes to CPM, as one undoable edit. The pane's message says what was chosen, and what the paper's
     * m = 0.20 additive would cost on the same scores.
     *
     * @param then runs on the UI thread after the margin was applied (not when none fits or the search failed); may
     *             be {@code null}
     */
    public void findMarginWithinBudget(Runnable then) {
        CascadeSource source = point.sourceProperty().get();
        if (source == null || searching.get()) {
            return;
        }
        double budget = budgetPoints.get();
        CpmSettings settings = point.settingsProperty().get();
        BackgroundWork<MarginBudget> work = (progress, cancel) -> MarginBudget.search(settings,
                source.primary().validation(), source.costModel(), budget, progress, cancel);
        TaskCallbacks<MarginBudget> done = TaskCallbacks.of(found -> {
            searching.set(false);
            if (point.sourceProperty().get() == source) {
                applyBudget(found, then);
            }
        }, failure -> {
            searching.set(false);
            report("The accuracy budget could not be searched: " + failure.getMessage(), true);
        }, () -> searching.set(false));
        searching.set(true);
        if (executor != null) {
            executor.submit("Searching the margin within " + budgetText(budget), work, done);
            return;
        }
        try {
            done.succeeded(work.run(ProgressListener.NONE, CancellationToken.NEVER));
        } catch (Exception e) {
            done.failed(e);
        }
    }

    private void applyBudget(MarginBudget found, Runnable then) {
        OperatingPoint paper = found.paper();
        String paperText = " The paper's m = 0.20 (bar = anchor \u2212 m) would lose "
                + String.format(Locale.ROOT, "%.1f", -100 * paper.accuracyChange()) + " points here, for "
                + DisplayText.percent(paper.computeReduction()) + " saved.";
        if (found.chosen().isEmpty()) {
            OperatingPoint tightest = found.tightest();
            double tightestLoss = -100 * tightest.accuracyChange();
            String why = tightestLoss > found.budgetPoints()
                    ? ": even m = " + String.format(Locale.ROOT, "%.2f", tightest.parameter()) + " loses "
                            + String.format(Locale.ROOT, "%.1f", tightestLoss) + " points ("
                            + DisplayText.percent(tightest.computeReduction()) + " saved). Allow a larger budget,"
                            + " or raise the thresholds by hand."
                    : ": the margins within it save nothing, so the backbone alone is the better choice.";
            report("No margin saves compute within " + budgetText(found.budgetPoints()) + " on the validation split"
                    + why + paperText, true);
            return;
        }
        OperatingPoint chosen = found.chosen().get();
        applyingBudget = true;
        try {
            cpm.marginProperty().set(chosen.parameter());
        } finally {
            applyingBudget = false;
        }
        resetToCpm();
        report(String.format(Locale.ROOT, "m = %s (%s) saves the most compute within %s on the validation split:"
                + " %s, %s saved.", DisplayText.margin(chosen.parameter()),
                CpmFields.formName(point.settingsProperty().get().marginForm()),
                budgetText(found.budgetPoints()), DisplayText.points(chosen.accuracyChange()),
                DisplayText.percent(chosen.computeReduction())) + paperText, false);
        if (then != null) {
            then.run();
        }
    }

    private static String budgetText(double points) {
        return String.format(Locale.ROOT, "%.1f points", points);
    }

    /** @return the undo and redo stacks */
    public ThresholdHistory history() {
        return history;
    }

    /** @return the outcome of the latest save, load or reset ("Saved thresholds to …"), or empty */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** @return whether {@link #messageProperty()} reports a failure */
    public ReadOnlyBooleanProperty messageIsErrorProperty() {
        return messageIsError.getReadOnlyProperty();
    }

    /**
     * Moves one threshold as a slider is dragged; the first call of a drag remembers the thresholds before it.
     *
     * @param exit           the exit, 0..K−1
     * @param predictedClass the class
     * @param value          the new threshold (+∞: never exit for this class)
     */
    public void previewThreshold(int exit, int predictedClass, double value) {
        Thresholds current = point.thresholds();
        if (current == null || current.get(exit, predictedClass) == value) {
            return;
        }
        if (editStart == null) {
            editStart = current;
            editAction = "threshold of exit " + (exit + 1) + ", " + className(predictedClass);
        }
        point.requestThresholds(current.withThreshold(exit, predictedClass, value));
    }

    /** Ends the current drag: one undo step back to the thresholds before it (none when nothing changed). */
    public void commitEdit() {
        if (editStart != null && !editStart.equals(point.thresholds())) {
            history.record(editStart, editAction);
        }
        editStart = null;
        editAction = null;
    }

    /** Sets one threshold as a single undoable edit (a key press, a typed value). */
    public void setThreshold(int exit, int predictedClass, double value) {
        previewThreshold(exit, predictedClass, value);
        commitEdit();
    }

    /**
     * Recalibrates every unlocked class with CPM and the current settings on the validation split, as one undoable
     * edit. Locked classes keep their thresholds, and CPM calibrates the others on the samples that the locked
     * thresholds of earlier exits leave (exit by exit, as CPM itself proceeds).
     */
    public void resetToCpm() {
        recalibrate(false);
    }

    private void recalibrate(boolean continuing) {
        CascadeSource source = point.sourceProperty().get();
        if (source == null) {
            return;
        }
        commitEdit();
        Thresholds before = point.thresholds();
        CpmSettings settings = point.settingsProperty().get();
        boolean keepLocked = anyLocked() && before.rule() == settings.score();
        Thresholds after = keepLocked ? cpmAroundLocks(source.primary().validation(), settings, before)
                : new CpmCalibrator(settings).calibrate(source.primary().validation());
        if (anyLocked() && !keepLocked) {
            report("Reset every class to CPM: the locked thresholds compare another score ("
                    + before.rule().name().toLowerCase(Locale.ROOT) + ") than CPM's.", true);
        } else {
            report("Reset " + (keepLocked ? "the unlocked classes" : "every class") + " to CPM (m = "
                    + DisplayText.margin(settings.margin()) + ", " + CpmFields.formName(settings.marginForm())
                    + ") on the validation split.", false);
        }
        if (continuing) {
            if (!after.equals(before)) {
                history.recordContinuing(before, "CPM settings");
                point.requestThresholds(after);
            }
        } else {
            apply(before, after, "reset to CPM");
        }
    }

    /** Takes back the latest edit. */
    public void undo() {
        commitEdit();
        Thresholds current = point.thresholds();
        if (current != null) {
            history.undo(current).ifPresent(point::requestThresholds);
        }
    }

    /** Applies the latest undone edit again. */
    public void redo() {
        commitEdit();
        Thresholds current = point.thresholds();
        if (current != null) {
            history.redo(current).ifPresent(point::requestThresholds);
        }
    }

    /**
     * Writes the current thresholds as JSON ({@link Thresholds#toJson()}), replacing {@code file} atomically.
     *
     * @return whether it was written; {@link #messageProperty()} says where or why not
     */
    public boolean save(Path file) {
        Thresholds current = point.thresholds();
        if (current == null) {
            report("There are no thresholds to save yet.", true);
            return false;
        }
        try {
            AtomicFiles.writeString(file, current.toJson());
            report("Saved thresholds to " + file + ".", false);
            return true;
        } catch (UncheckedIOException e) {
            report("Could not save thresholds to " + file + ": " + e.getCause().getMessage() + ".", true);
            return false;
        }
    }

    /**
     * Reads thresholds written by {@link #save} and applies them as one undoable edit.
     *
     * @return whether they were applied; {@link #messageProperty()} says why not (naming the file and field)
     */
    public boolean load(Path file) {
        CascadeSource source = point.sourceProperty().get();
        if (source == null) {
            report("Open a dataset or train branches before loading thresholds.", true);
            return false;
        }
        Thresholds loaded;
        try {
            loaded = Thresholds.read(file);
        } catch (IOException e) {
            report("Could not read " + file + ": " + e.getMessage() + ".", true);
            return false;
        } catch (IllegalArgumentException e) {
            report(e.getMessage(), true);
            return false;
        }
        if (loaded.exitCount() != source.exitCount() || loaded.classCount() != source.classCount()) {
            report(file + " holds thresholds for " + loaded.exitCount() + " exits × " + loaded.classCount()
                    + " classes; the current cascade has " + source.exitCount() + " exits × "
                    + source.classCount() + " classes.", true);
            return false;
        }
        commitEdit();
        apply(point.thresholds(), loaded, "load " + file.getFileName());
        report("Loaded thresholds from " + file + ".", false);
        return true;
    }

    /** @return the threshold table on the validation split as CSV, one row per exit and class */
    public String tableCsv() {
        OperatingPointResult result = point.resultProperty().get();
        List<List<String>> rows = new ArrayList<>();
        if (result != null) {
            for (ClassReport cell : result.table().cells()) {
                rows.add(List.of(String.valueOf(cell.exit() + 1), className(cell.predictedClass()),
                        number(cell.threshold()), number(cell.anchorPrecision()), number(cell.bar()),
                        number(cell.exitPrecision()), String.valueOf(cell.meetsBar()),
                        String.valueOf(cell.exitedCount()), String.valueOf(cell.survivorCount())));
            }
        }
        return CsvTable.of(List.of("exit", "class", "threshold", "anchor_precision", "bar", "exit_precision",
                "meets_bar", "exited", "reached"), rows);
    }

    private static String number(double v) {
        return Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity")
                : Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** @return the name of class {@code c} in the current source */
    public String className(int c) {
        CascadeSource source = point.sourceProperty().get();
        return source == null ? "class " + c : source.classNames().get(c);
    }

    private void apply(Thresholds before, Thresholds after, String action) {
        if (!after.equals(before)) {
            history.record(before, action);
            point.requestThresholds(after);
        }
    }

    private Thresholds cpmAroundLocks(ExitScores validation, CpmSettings settings, Thresholds current) {
        boolean[] locked = new boolean[locks.size()];
        for (int c = 0; c < locked.length; c++) {
            locked[c] = locks.get(c).get();
        }
        return new CpmCalibrator(settings).calibrateAround(validation, current, locked);
    }

    private boolean anyLocked() {
        return locks.stream().anyMatch(BooleanProperty::get);
    }

    private void sourceChanged(CascadeSource source) {
        editStart = null;
        history.clear();
        int classes = source == null ? 0 : source.classCount();
        List<BooleanProperty> fresh = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            fresh.add(new SimpleBooleanProperty(this, "locked" + c));
        }
        locks.setAll(fresh);
        report("", false);
    }

    private void showSettings(CpmSettings settings) {
        syncingSettings = true;
        try {
            cpm.show(settings);
        } finally {
            syncingSettings = false;
        }
    }

    /** Set while the accuracy budget sets the margin, which then resets to CPM itself as one undo step. */
    private boolean applyingBudget;

    private void pushSettings() {
        if (syncingSettings) {
            return;
        }
        CpmSettings current = point.settingsProperty().get();
        CpmSettings next;
        try {
            next = cpm.appliedTo(current);
        } catch (IllegalArgumentException e) {
            report(e.getMessage(), true);
            showSettings(current);
            return;
        }
        point.settingsProperty().set(next);
        if (!applyingBudget && !next.equals(current)) {
            // The CPM settings act at once: the thresholds follow them (locked classes keep theirs), so the pane,
            // the chart and the top bar describe the margin the slider shows. A drag is one undo step.
            recalibrate(true);
        }
    }

    private void report(String text, boolean error) {
        message.set(text);
        messageIsError.set(error);
    }
}
