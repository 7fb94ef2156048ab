package org.exitbench.app.shell;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.operatingpoint.CascadeSource;

/**
 * The state of the main window around the panes: which pane is shown, each pane's status, what the top bar
 * says (workspace, dataset, backbone, run, operating point), the window title, and the root font size that the
 * large-font shortcuts step through.
 */
public final class ShellViewModel {

    /** Root font sizes in pixels, from the desktop default up to sizes readable from the back of a lecture hall. */
    static final List<Integer> FONT_SIZES = List.of(13, 15, 17, 20, 24);
    private static final int DEFAULT_FONT_STEP = 0;

    private final ObjectProperty<WorkbenchPane> selectedPane = new SimpleObjectProperty<>(this, "selectedPane",
            WorkbenchPane.DATA);
    private final Map<WorkbenchPane, ObjectProperty<PaneStatus>> statuses = new EnumMap<>(WorkbenchPane.class);
    private final StringProperty workspaceName = new SimpleStringProperty(this, "workspaceName",
            "Untitled workspace");
    private final ReadOnlyStringWrapper datasetLabel = new ReadOnlyStringWrapper(this, "datasetLabel");
    private final StringProperty backboneLabel = new SimpleStringProperty(this, "backboneLabel", "none");
    private final StringProperty runLabel = new SimpleStringProperty(this, "runLabel", "none");
    private final ReadOnlyStringWrapper windowTitle = new ReadOnlyStringWrapper(this, "windowTitle");
    private final ReadOnlyIntegerWrapper fontStep = new ReadOnlyIntegerWrapper(this, "fontStep", DEFAULT_FONT_STEP);
    private final ReadOnlyIntegerWrapper fontSize = new ReadOnlyIntegerWrapper(this, "fontSize");

    /**
     * @param data the Data pane's state, which decides the dataset shown in the top bar and the Data pane's dot
     */
    public ShellViewModel(DataViewModel data) {
        Objects.requireNonNull(data, "data");
        selectedPane.addListener((obs, old, now) -> {
            if (now == null) {
                selectedPane.set(old);
            }
        });
        for (WorkbenchPane pane : WorkbenchPane.values()) {
            statuses.put(pane, new SimpleObjectProperty<>(this, pane.name() + "Status", PaneStatus.EMPTY));
        }
        statuses.get(WorkbenchPane.DATA).bind(Bindings.when(data.datasetProperty().isNotNull())
                .then(PaneStatus.READY).otherwise(PaneStatus.EMPTY));
        datasetLabel.bind(Bindings.createStringBinding(() -> data.datasetProperty().get() == null
                ? (data.loadingProperty().get() ? "opening…" : "none")
                : data.datasetProperty().get().name(), data.datasetProperty(), data.loadingProperty()));
        windowTitle.bind(Bindings.createStringBinding(() -> data.datasetProperty().get() == null ? "Exitbench"
                : "Exitbench — " + data.datasetProperty().get().name(), data.datasetProperty()));
        fontSize.bind(Bindings.createIntegerBinding(() -> FONT_SIZES.get(fontStep.get()), fontStep));
    }

    /**
     * Lets the Calibration and Analysis dots and the top bar's run follow the shared operating point: the dots
     * are ready while there are scores, and the run names them ("synthetic demo scores" until a run is trained).
     *
     * @param source the operating point's source
     */
    public void followOperatingPoint(ObservableValue<CascadeSource> source) {
        for (WorkbenchPane pane : new WorkbenchPane[] {WorkbenchPane.CALIBRATION, WorkbenchPane.ANALYSIS}) {
            statuses.get(pane).bind(Bindings.createObjectBinding(() -> source.getValue() == null
                    ? PaneStatus.EMPTY : PaneStatus.READY, source));
        }
        // The top bar's key already says "run": "run 20261125-115238 · boosted" shows as "20261125-115238 · boosted".
        runLabel.bind(Bindings.createStringBinding(() -> source.getValue() == null ? "none"
                : source.getValue().name().replaceFirst("^run ", ""), source));
    }

    /** @return the pane the window shows; never set to {@code null} */
    public ObjectProperty<WorkbenchPane> selectedPaneProperty() {
        return selectedPane;
    }

    /** Shows {@code pane}. */
    public void select(WorkbenchPane pane) {
        selectedPane.set(Objects.requireNonNull(pane, "pane"));
    }

    /**
     * @param pane a pane
     * @return its status dot; the Data pane's follows whether a dataset is open, the others are set by their
     *         panes
     */
    public ObjectProperty<PaneStatus> statusProperty(WorkbenchPane pane) {
        return statuses.get(pane);
    }

    public StringProperty workspaceNameProperty() {
        return workspaceName;
    }

    /** @return the open dataset's name, "opening…" during the first open, or "none" */
    public ReadOnlyStringProperty datasetLabelProperty() {
        return datasetLabel.getReadOnlyProperty();
    }

    public StringProperty backboneLabelProperty() {
        return backboneLabel;
    }

    public StringProperty runLabelProperty() {
        return runLabel;
    }

    /** @return "Exitbench — dataset name", or "Exitbench" before a dataset is open */
    public ReadOnlyStringProperty windowTitleProperty() {
        return windowTitle.getReadOnlyProperty();
    }

    /** @return the root font size in pixels */
    public ReadOnlyIntegerProperty fontSizeProperty() {
        return fontSize.getReadOnlyProperty();
    }

    /** Makes every text one step larger, up to the largest step. */
    public void largerFont() {
        fontStep.set(Math.min(FONT_SIZES.size() - 1, fontStep.get() + 1));
    }

    /** Makes every text one step smaller, down to the desktop default. */
    public void smallerFont() {
        fontStep.set(Math.max(0, fontStep.get() - 1));
    }

    /** Returns to the desktop default font size. */
    public void defaultFont() {
        fontStep.set(DEFAULT_FONT_STEP);
    }
}
