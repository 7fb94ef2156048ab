package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.data.ClassChoice;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.ScoreRanking;
import org.exitbench.report.CsvTable;

/**
 * The Analysis pane's state, all on the test split and all read from the shared operating point's result: the
 * exit gallery (which exit's tab, filters by class, correctness and confusion cell, sorted by confidence), the
 * confusion matrix's exit, the selected image's path, and CSV text of the pane's tables.
 *
 * <p>The gallery is rebuilt from the result in one pass over the test samples in confidence order (the order is
 * sorted once per source and kept), so it follows the sliders in the same frame as the charts.
 */
public final class AnalysisViewModel {

    private final OperatingPointModel point;
    private final IntegerProperty galleryExit = new SimpleIntegerProperty(this, "galleryExit");
    private final ObjectProperty<ClassChoice> classFilter = new SimpleObjectProperty<>(this, "classFilter",
            ClassChoice.ALL);
    private final ObservableList<ClassChoice> classChoices = FXCollections.observableArrayList();
    private final ObjectProperty<Correctness> correctness = new SimpleObjectProperty<>(this, "correctness",
            Correctness.ALL);
    private final ObjectProperty<ConfusionCell> confusionFilter = new SimpleObjectProperty<>(this,
            "confusionFilter");
    private final IntegerProperty confusionExit = new SimpleIntegerProperty(this, "confusionExit");
    private final SampleList gallery = new SampleList();
    private final ReadOnlyStringWrapper gallerySummary = new ReadOnlyStringWrapper(this, "gallerySummary", "");
    private final IntegerProperty selectedSample = new SimpleIntegerProperty(this, "selectedSample", -1);
    private final ReadOnlyObjectWrapper<SamplePath> selectedPath = new ReadOnlyObjectWrapper<>(this,
            "selectedPath");
    private final ReadOnlyStringWrapper boostingNote = new ReadOnlyStringWrapper(this, "boostingNote", "");
    private final ReadOnlyObjectWrapper<BoostingNote.Comparison> boostingComparison = new ReadOnlyObjectWrapper<>(this,
            "boostingComparison");
    private CascadeSource orderedFor;
    private int[][] confidenceOrder;

    /** @param point the shared operating point */
    public AnalysisViewModel(OperatingPointModel point) {
        this.point = Objects.requireNonNull(point, "point");
        point.resultProperty().addListener((obs, old, now) -> {
            if (old == null || now == null || old.source() != now.source()) {
                sourceChanged(now);
            }
            refresh();
        });
        galleryExit.addListener((obs, old, now) -> {
            ConfusionCell cell = confusionFilter.get();
            if (cell != null && cell.exit() != now.intValue()) {
                confusionFilter.set(null);
            }
            refreshGallery();
        });
        classFilter.addListener((obs, old, now) -> {
            if (now == null) {
                classFilter.set(ClassChoice.ALL);
            } else {
                refreshGallery();
            }
        });
        correctness.addListener((obs, old, now) -> {
            if (now == null) {
                correctness.set(Correctness.ALL);
            } else {
                refreshGallery();
            }
        });
        confusionFilter.addListener((obs, old, now) -> refreshGallery());
        selectedSample.addListener((obs, old, now) -> refreshPath());
        point.settingsProperty().addListener((obs, old, now) -> refreshBoostingNote());
        sourceChanged(point.resultProperty().get());
        refresh();
    }

    /**
     * @return what boosting changed in the shown run, from its own numbers (both modes at the current CPM settings,
     *         and the oracle ceiling of each mode's branches); empty without a second mode or for synthetic scores
     */
    public ReadOnlyStringProperty boostingNoteProperty() {
        return boostingNote.getReadOnlyProperty();
    }

    /**
     * @return the shown run's two modes exit by exit at the current CPM settings on test (what each branch takes of
     *         the images reaching it, how often it is right, which classes it takes most); {@code null} without a
     *         second mode or for synthetic scores
     */
    public ReadOnlyObjectProperty<BoostingNote.Comparison> boostingComparisonProperty() {
        return boostingComparison.getReadOnlyProperty();
    }

    private void refreshBoostingNote() {
        boostingNote.set(BoostingNote.of(orderedFor, point.settingsProperty().get()).orElse(""));
        boostingComparison.set(BoostingNote.perExit(orderedFor, point.settingsProperty().get()).orElse(null));
    }

    /** @return the shared operating point */
    public OperatingPointModel operatingPoint() {
        return point;
    }

    /** @return which exit's images the gallery shows: 0..K−1 for a branch, K for the backbone head */
    public IntegerProperty galleryExitProperty() {
        return galleryExit;
    }

    /** @return the gallery's filter on the images' ground truth */
    public ObjectProperty<ClassChoice> classFilterProperty() {
        return classFilter;
    }

    /** @return {@link ClassChoice#ALL}, then one choice per class */
    public ObservableList<ClassChoice> classChoices() {
        return classChoices;
    }

    /** @return the gallery's filter on whether the cascade was right */
    public ObjectProperty<Correctness> correctnessProperty() {
        return correctness;
    }

    /** @return the confusion cell the gallery is narrowed to, or {@code null} */
    public ObjectProperty<ConfusionCell> confusionFilterProperty() {
        return confusionFilter;
    }

    /** @return which exit's confusion matrix is shown: 0..K */
    public IntegerProperty confusionExitProperty() {
        return confusionExit;
    }

    /** @return the test samples the gallery shows, most confident first */
    public ObservableList<Integer> gallery() {
        return gallery;
    }

    /** @return "612 of 2,500 test images left at exit 1 · most confident first" and the active filters */
    public ReadOnlyStringProperty gallerySummaryProperty() {
        return gallerySummary.getReadOnlyProperty();
    }

    /** @return the selected test sample, or −1 */
    public IntegerProperty selectedSampleProperty() {
        return selectedSample;
    }

    /** @return the selected sample's path through the cascade at the current thresholds, or {@code null} */
    public ReadOnlyObjectProperty<SamplePath> selectedPathProperty() {
        return selectedPath.getReadOnlyProperty();
    }

    /**
     * Shows the images of one confusion cell: the gallery switches to the cell's exit and keeps only the images
     * with that ground truth and answer; the class and correctness filters are reset so they cannot hide them.
     */
    public void showConfusionCell(int exit, int trueClass, int predictedClass) {
        classFilter.set(ClassChoice.ALL);
        correctness.set(Correctness.ALL);
        confusionFilter.set(new ConfusionCell(exit, trueClass, predictedClass));
        galleryExit.set(exit);
    }

    /** @return the class names of the current source, or an empty list */
    public List<String> classNames() {
        OperatingPointResult result = point.resultProperty().get();
        return result == null ? List.of() : result.source().classNames();
    }

    /**
     * @return the share of each class's test images leaving at each exit, as CSV: one row per class, one column
     *         per exit and the backbone head, then the class's number of images
     */
    public String distributionCsv() {
        OperatingPointResult result = point.resultProperty().get();
        List<String> header = new ArrayList<>(List.of("class"));
        List<List<String>> rows = new ArrayList<>();
        if (result != null) {
            CascadeResult test = result.test();
            int exits = test.exitCount();
            for (int e = 0; e <= exits; e++) {
                header.add(DisplayText.exitName(e, exits).replace(' ', '_') + "_rate");
            }
            header.add("images");
            for (int c = 0; c < test.classCount(); c++) {
                List<String> row = new ArrayList<>();
                row.add(result.source().classNames().get(c));
                for (int e = 0; e <= exits; e++) {
                    row.add(String.format(Locale.ROOT, "%.6f", test.exitRateOfClass(e, c)));
                }
                row.add(String.valueOf(test.classTotal(c)));
                rows.add(row);
            }
        }
        return CsvTable.of(header, rows);
    }

    /** @return the confusion matrix of the test images leaving at {@code exit}, as CSV: rows true, columns answer */
    public String confusionCsv(int exit) {
        OperatingPointResult result = point.resultProperty().get();
        List<String> header = new ArrayList<>(List.of("true \\ predicted"));
        List<List<String>> rows = new ArrayList<>();
        if (result != null) {
            List<String> names = result.source().classNames();
            header.addAll(names);
            int[][] matrix = result.test().confusionMatrix(exit);
            for (int t = 0; t < names.size(); t++) {
                List<String> row = new ArrayList<>();
                row.add(names.get(t));
                for (int count : matrix[t]) {
                    row.add(String.valueOf(count));
                }
                rows.add(row);
            }
        }
        return CsvTable.of(header, rows);
    }

    private void sourceChanged(OperatingPointResult result) {
        CascadeSource source = result == null ? null : result.source();
        if (source == orderedFor) {
            return;
        }
        orderedFor = source;
        refreshBoostingNote();
        confidenceOrder = source == null ? null : confidenceOrder(source.primary().test());
        List<ClassChoice> choices = new ArrayList<>();
        choices.add(ClassChoice.ALL);
        if (source != null) {
            for (int c = 0; c < source.classCount(); c++) {
                choices.add(new ClassChoice(c, source.classNames().get(c)));
            }
        }
        classChoices.setAll(choices);
        classFilter.set(ClassChoice.ALL);
        confusionFilter.set(null);
        correctness.set(Correctness.ALL);
        if (source != null) {
            galleryExit.set(Math.min(galleryExit.get(), source.exitCount()));
            confusionExit.set(Math.min(confusionExit.get(), source.exitCount()));
        }
        selectedSample.set(-1);
    }

    /**
     * Per exit and the backbone head, the test samples by descending confidence: the exits' from the rankings
     * {@link ExitScores} keeps, the backbone head's sorted here (by its top probability when known).
     */
    private static int[][] confidenceOrder(ExitScores scores) {
        int exits = scores.exitCount();
        int n = scores.sampleCount();
        int[][] order = new int[exits + 1][];
        for (int k = 0; k < exits; k++) {
            ScoreRanking ranking = scores.ranking(ExitRule.MAX_SOFTMAX, k);
            order[k] = new int[n];
            for (int r = 0; r < n; r++) {
                order[k][r] = ranking.sample(r);
            }
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float p = scores.hasBackboneProbabilities() ? scores.backboneTopProbability(i, 0) : 0f;
            // Probabilities are non-negative, so their bits order like their values; inverted for descending.
            keys[i] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(p + 0.0f)) << 32) | i;
        }
        Arrays.sort(keys);
        order[exits] = new int[n];
        for (int r = 0; r < n; r++) {
            order[exits][r] = (int) keys[r];
        }
        return order;
    }

    private void refresh() {
        refreshGallery();
        refreshPath();
    }

    private void refreshGallery() {
        OperatingPointResult result = point.resultProperty().get();
        if (result == null || confidenceOrder == null) {
            gallery.replace(new int[0], 0);
            gallerySummary.set("");
            return;
        }
        int exits = result.source().exitCount();
        int exit = Math.min(galleryExit.get(), exits);
        ExitScores scores = result.source().primary().test();
        ClassChoice byClass = classFilter.get();
        Correctness byOutcome = correctness.get();
        ConfusionCell cell = confusionFilter.get();
        int[] order = confidenceOrder[exit];
        int[] shown = new int[result.test().exitedCount(exit)];
        int count = 0;
        boolean filtered = byClass != ClassChoice.ALL || byOutcome != Correctness.ALL || cell != null;
        for (int sample : order) {
            if (result.testExitOf(sample) != exit) {
                continue;
            }
            if (filtered) {
                int label = scores.label(sample);
                int answer = result.testAnswerOf(sample);
                if (!byClass.accepts(label) || !byOutcome.accepts(answer == label)
                        || cell != null && (cell.trueClass() != label || cell.predictedClass() != answer)) {
                    continue;
                }
            }
            shown[count++] = sample;
        }
        // A gallery that did not change is left alone: replacing its items makes the grid rebuild every cell.
        if (!gallery.holds(shown, count)) {
            gallery.replace(shown, count);
        }
        gallerySummary.set(summary(result, exit, count));
    }

    private String summary(OperatingPointResult result, int exit, int count) {
        int exits = result.source().exitCount();
        int left = result.test().exitedCount(exit);
        StringBuilder text = new StringBuilder();
        text.append(DisplayText.count(left)).append(" of ").append(DisplayText.count(result.testSampleCount()))
                .append(" test images left at ").append(DisplayText.exitName(exit, exits));
        ConfusionCell cell = confusionFilter.get();
        List<String> names = result.source().classNames();
        if (cell != null) {
            text.append(" · true ").append(names.get(cell.trueClass())).append(", answered ")
                    .append(names.get(cell.predictedClass()));
        }
        if (classFilter.get() != ClassChoice.ALL) {
            text.append(" · class ").append(classFilter.get().name());
        }
        if (correctness.get() != Correctness.ALL) {
            text.append(" · ").append(correctness.get().toString().toLowerCase(Locale.ROOT)).append(" only");
        }
        if (count != left) {
            text.append(" · ").append(DisplayText.count(count)).append(" shown");
        }
        return text.append(" · most confident first").toString();
    }

    private void refreshPath() {
        OperatingPointResult result = point.resultProperty().get();
        int sample = selectedSample.get();
        selectedPath.set(result == null || sample < 0 || sample >= result.testSampleCount() ? null
                : SamplePath.of(result, sample));
    }
}
