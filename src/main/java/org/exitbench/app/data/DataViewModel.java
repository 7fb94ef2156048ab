package org.exitbench.app.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.task.RunningTask;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetException;
import org.exitbench.data.DatasetSummary;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;

/**
 * The state of the Data pane: the open dataset and its summary, the thumbnail filters and the images they let
 * through, whether a dataset is being opened, and the last error.
 *
 * <p>Opening runs through the {@link TaskExecutor}. A failed or cancelled open leaves the previously open
 * dataset in place; an error becomes one readable sentence, never a stack trace. Call every method on the UI
 * thread.
 */
public final class DataViewModel {

    /** The first sentence of the error after a dataset could not be read. */
    static final String OPEN_FAILED = "Could not open the dataset.";

    private static final System.Logger LOG = System.getLogger(DataViewModel.class.getName());

    private final TaskExecutor executor;
    private final DatasetLoader loader;
    private final ReadOnlyObjectWrapper<Dataset> dataset = new ReadOnlyObjectWrapper<>(this, "dataset");
    private final ReadOnlyObjectWrapper<DatasetSummary> summary = new ReadOnlyObjectWrapper<>(this, "summary");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper loadingText = new ReadOnlyStringWrapper(this, "loadingText", "");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ObservableList<ClassCountRow> countRows = FXCollections.observableArrayList();
    private final ObservableList<String> warnings = FXCollections.observableArrayList();
    private final ObjectProperty<Split> split = new SimpleObjectProperty<>(this, "split", Split.TRAIN);
    private final ObjectProperty<ClassChoice> classChoice = new SimpleObjectProperty<>(this, "classChoice",
            ClassChoice.ALL);
    private final ObservableList<ClassChoice> classChoices = FXCollections.observableArrayList(ClassChoice.ALL);
    private final ObservableList<Integer> visibleImages = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper visibleSummary = new ReadOnlyStringWrapper(this, "visibleSummary", "");

    // Read-only views, made once: a view forwards changes through a weak listener, so a view made per call
    // could be collected together with the listeners added to it.
    private final ObservableList<ClassCountRow> countRowsView = FXCollections.unmodifiableObservableList(countRows);
    private final ObservableList<String> warningsView = FXCollections.unmodifiableObservableList(warnings);
    private final ObservableList<ClassChoice> classChoicesView =
            FXCollections.unmodifiableObservableList(classChoices);
    private final ObservableList<Integer> visibleImagesView = FXCollections.unmodifiableObservableList(visibleImages);

    private RunningTask currentLoad;
    /** Increases with every open, so a superseded open's late result is ignored. */
    private long openCount;

    /**
     * @param executor runs the reading in the background
     * @param loader   reads a dataset folder
     */
    public DataViewModel(TaskExecutor executor, DatasetLoader loader) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.loader = Objects.requireNonNull(loader, "loader");
        split.addListener((obs, old, now) -> {
            if (now == null) {
                split.set(old);
            } else {
                refilter();
            }
        });
        classChoice.addListener((obs, old, now) -> {
            if (now == null) {
                classChoice.set(ClassChoice.ALL);
            } else {
                refilter();
            }
        });
    }

    /**
     * Starts opening the dataset in {@code folder}, replacing the open one when it succeeds. An open still in
     * progress is cancelled.
     *
     * @param folder an ImageFolder dataset, a CIFAR-10 binary folder or a folder of IDX files
     */
    public void open(Path folder) {
        Objects.requireNonNull(folder, "folder");
        if (currentLoad != null) {
            currentLoad.cancel();
        }
        long ticket = ++openCount;
        String name = folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
        error.set("");
        loading.set(true);
        loadingText.set("Opening " + folder + " …");
        RunningTask task = executor.submit("Opening " + name, (progress, cancel) -> loader.load(folder, progress,
                cancel), TaskCallbacks.of(
                        result -> {
                            if (finish(ticket)) {
                                show(result);
                            }
                        },
                        failure -> {
                            if (finish(ticket)) {
                                error.set(describeFailure(folder, failure));
                            }
                        },
                        () -> finish(ticket)));
        if (ticket == openCount && loading.get()) {
            currentLoad = task;
        }
    }

    /** Cancels the open in progress, if any; the dataset shown before stays. */
    public void cancelOpen() {
        if (currentLoad != null) {
            currentLoad.cancel();
        }
    }

    /** Hides the error message. */
    public void dismissError() {
        error.set("");
    }

    /** @return the open dataset, or {@code null} before one was opened */
    public ReadOnlyObjectProperty<Dataset> datasetProperty() {
        return dataset.getReadOnlyProperty();
    }

    /**
     * @return the open dataset's summary (the same facts {@code exitbench data inspect} prints), or {@code null}
     *         before one was opened
     */
    public ReadOnlyObjectProperty<DatasetSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** @return whether a dataset is being opened */
    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** @return what is being opened ("Opening sample-data/fashion-mnist …"), while {@link #loadingProperty()} */
    public ReadOnlyStringProperty loadingTextProperty() {
        return loadingText.getReadOnlyProperty();
    }

    /** @return why the last open failed, as a sentence a user can act on; empty when it did not */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** @return the counts table: one row per class, then a "Total" row; empty before a dataset is open */
    public ObservableList<ClassCountRow> countRows() {
        return countRowsView;
    }

    /** @return the open dataset's notes and warnings: carved validation, resizing, skipped files, imbalance */
    public ObservableList<String> warnings() {
        return warningsView;
    }

    /** @return the split the thumbnail grid shows */
    public ObjectProperty<Split> splitProperty() {
        return split;
    }

    /** @return the class the thumbnail grid shows, or {@link ClassChoice#ALL} */
    public ObjectProperty<ClassChoice> classChoiceProperty() {
        return classChoice;
    }

    /** @return {@link ClassChoice#ALL}, then one choice per class of the open dataset */
    public ObservableList<ClassChoice> classChoices() {
        return classChoicesView;
    }

    /**
     * @return indices into {@link #shownSplit()} of the images that pass the filters: one class's in dataset order;
     *         with all classes, taken in turn from each class, so that the first screen of a dataset stored class
     *         by class shows every class rather than a wall of the first one
     */
    public ObservableList<Integer> visibleImages() {
        return visibleImagesView;
    }

    /** @return how many images the filters let through ("1,000 of 10,000 train images") */
    public ReadOnlyStringProperty visibleSummaryProperty() {
        return visibleSummary.getReadOnlyProperty();
    }

    /** @return the images of the split the grid shows, or {@code null} before a dataset is open */
    public ImageDataset shownSplit() {
        Dataset current = dataset.get();
        return current == null ? null : current.split(split.get());
    }

    /** Ends the open with this ticket; false when a later open superseded it, so its outcome is ignored. */
    private boolean finish(long ticket) {
        if (ticket != openCount) {
            return false;
        }
        loading.set(false);
        loadingText.set("");
        currentLoad = null;
        return true;
    }

    private void show(Dataset opened) {
        DatasetSummary facts = DatasetSummary.of(opened);
        List<ClassChoice> choices = new ArrayList<>();
        choices.add(ClassChoice.ALL);
        for (int c = 0; c < opened.numClasses(); c++) {
            choices.add(new ClassChoice(c, opened.classNames().get(c)));
        }
        dataset.set(opened);
        summary.set(facts);
        countRows.setAll(ClassCountRow.tableOf(facts));
        warnings.setAll(facts.notes());
        classChoices.setAll(choices);
        if (classChoice.get() == ClassChoice.ALL) {
            refilter();
        } else {
            classChoice.set(ClassChoice.ALL);
        }
    }

    private void refilter() {
        ImageDataset images = shownSplit();
        if (images == null) {
            visibleImages.clear();
            visibleSummary.set("");
            return;
        }
        ClassChoice choice = classChoice.get();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int label = images.label(i);
            if (choice.accepts(label)) {
                while (byClass.size() <= label) {
                    byClass.add(new ArrayList<>());
                }
                byClass.get(label).add(i);
            }
        }
        List<Integer> shown = new ArrayList<>();
        for (int rank = 0; shown.size() < countOf(byClass); rank++) {
            for (List<Integer> members : byClass) {
                if (rank < members.size()) {
                    shown.add(members.get(rank));
                }
            }
        }
        visibleImages.setAll(shown);
        visibleSummary.set(String.format("%,d of %,d %s images", shown.size(), images.size(),
                split.get().folderName()));
    }

    private static int countOf(List<List<Integer>> groups) {
        return groups.stream().mapToInt(List::size).sum();
    }

    private String describeFailure(Path folder, Throwable failure) {
        String kept = dataset.get() == null ? "" : " Still showing " + dataset.get().name() + ".";
        if (failure instanceof DatasetException) {
            return OPEN_FAILED + " " + sentence(failure.getMessage()) + kept;
        }
        // Not a problem with the files as the reader understood them: keep the trace for a bug report, show
        // the user its one-line gist.
        LOG.log(System.Logger.Level.WARNING, "Opening " + folder + " failed", failure);
        String reason = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName() : failure.getMessage();
        return "Could not open " + folder + ": " + sentence(reason) + kept;
    }

    private static String sentence(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }
}
