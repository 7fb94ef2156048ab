package org.exitbench.app.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.form.CpmFields;
import org.exitbench.app.form.ModeChoice;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.model.Architecture;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchType;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.model.onnx.OnnxGraph;
import org.exitbench.train.BackboneTrainingConfig;
import org.exitbench.train.BranchTarget;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.BackboneSettings;
import org.exitbench.workspace.BackboneSource;
import org.exitbench.workspace.NewBackboneSettings;

/**
 * The Training pane's settings form: every setting of the next run as an editable property, loaded from and turned
 * back into the workspace's {@link BackboneSettings} and {@link ExperimentConfig}. Settings the form does not show
 * (weight decay, survivor filtering, soft-weight β, …) keep the workspace's values. Use from the UI thread.
 */
public final class TrainingForm {

    /**
     * One exit point the branches may attach to.
     *
     * @param vertex   the backbone vertex (the tensor, for an ONNX backbone)
     * @param selected whether a branch attaches there
     * @param shape    "C×H×W" of its feature map, or empty when not known without building the network
     * @param macShare the share of the backbone's MACs before it, or NaN when not known
     */
    public record ExitChoice(String vertex, BooleanProperty selected, String shape, double macShare) {

        /** A choice without shape or MAC share (a DL4J backbone's stage, listed from its metadata). */
        public ExitChoice(String vertex, BooleanProperty selected) {
            this(vertex, selected, "", Double.NaN);
        }

        /** @return whether it comes with shape and MAC share (an imported ONNX backbone's candidate) */
        public boolean detailed() {
            return !shape.isEmpty();
        }
    }

    private final ObjectProperty<BackboneSource> backboneSource = new SimpleObjectProperty<>(this, "backboneSource",
            BackboneSource.DATASET);
    private final StringProperty backboneFile = new SimpleStringProperty(this, "backboneFile", "");
    private final ObjectProperty<Architecture> newArchitecture = new SimpleObjectProperty<>(this, "newArchitecture",
            Architecture.SMALL_RESNET);
    private final StringProperty newWidths = new SimpleStringProperty(this, "newWidths");
    private final StringProperty newBlocks = new SimpleStringProperty(this, "newBlocks");
    private final IntegerProperty newEpochs = new SimpleIntegerProperty(this, "newEpochs");
    private final ObjectProperty<BackboneTrainingConfig.Optimizer> newOptimizer = new SimpleObjectProperty<>(this,
            "newOptimizer");
    private final DoubleProperty newLearningRate = new SimpleDoubleProperty(this, "newLearningRate");
    private final IntegerProperty newBatchSize = new SimpleIntegerProperty(this, "newBatchSize");
    private final ObservableList<ExitChoice> exits = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper exitsNote = new ReadOnlyStringWrapper(this, "exitsNote", "");
    /** The exits a run gets when the form names none: every listed stage (DL4J), or the ONNX model's defaults. */
    private List<String> defaultExits = List.of();
    /** The last ONNX model inspected, so the form does not run it again on every refresh. */
    private OnnxBackbone inspected;
    private long inspectedModified;
    private final IntegerProperty poolingGrid = new SimpleIntegerProperty(this, "poolingGrid");
    private final ObjectProperty<BranchType> branchType = new SimpleObjectProperty<>(this, "branchType");
    private final IntegerProperty filters = new SimpleIntegerProperty(this, "filters");
    private final IntegerProperty kernel = new SimpleIntegerProperty(this, "kernel");
    private final IntegerProperty layers = new SimpleIntegerProperty(this, "layers");
    private final ModeChoice modes = new ModeChoice(List.of());
    private final ObjectProperty<BranchTarget> target = new SimpleObjectProperty<>(this, "target");
    private final DoubleProperty temperature = new SimpleDoubleProperty(this, "temperature");
    private final IntegerProperty epochs = new SimpleIntegerProperty(this, "epochs");
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate");
    private final IntegerProperty batchSize = new SimpleIntegerProperty(this, "batchSize");
    private final IntegerProperty patience = new SimpleIntegerProperty(this, "patience");
    private final LongProperty seed = new SimpleLongProperty(this, "seed");
    private final CpmFields cpm = new CpmFields();
    private final DoubleProperty calibrationFraction = new SimpleDoubleProperty(this, "calibrationFraction");
    private final DoubleProperty validationFraction = new SimpleDoubleProperty(this, "validationFraction");
    private final IntegerProperty updatesPerEpoch = new SimpleIntegerProperty(this, "updatesPerEpoch");

    private final List<Runnable> changeListeners = new ArrayList<>();
    private ExperimentConfig base = ExperimentConfig.defaults();
    private NewBackboneSettings newBase = NewBackboneSettings.defaults();
    private Path dataset;
    private boolean loading;

    public TrainingForm() {
        load(BackboneSettings.defaults(), ExperimentConfig.defaults(), null);
        List<Observable> all = new ArrayList<>(List.of(backboneSource, backboneFile, newArchitecture, newWidths,
                newBlocks, newEpochs, newOptimizer, newLearningRate, newBatchSize, poolingGrid, branchType, filters,
                kernel, layers, target, temperature, epochs, learningRate, batchSize, patience, seed,
                calibrationFraction, validationFraction, updatesPerEpoch));
        all.addAll(modes.observables());
        all.addAll(cpm.observables());
        for (Observable property : all) {
            property.addListener(o -> changed());
        }
        for (Observable property : new Observable[] {backboneSource, backboneFile, newArchitecture, newWidths}) {
            property.addListener(o -> {
                if (!loading) {
                    refreshExits(null);
                }
            });
        }
    }

    /**
     * Adds a listener called after any setting changed by the user (not by {@link #load}).
     *
     * @param listener the listener
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Shows the settings of a workspace.
     *
     * @param backbone   the backbone choice
     * @param experiment the experiment settings
     * @param datasetDir the dataset folder (for the dataset's own backbone), or {@code null}
     */
    public void load(BackboneSettings backbone, ExperimentConfig experiment, Path datasetDir) {
        loading = true;
        try {
            base = experiment;
            newBase = backbone.newBackbone();
            dataset = datasetDir;
            backboneSource.set(backbone.source());
            backboneFile.set(backbone.file() == null ? "" : backbone.file());
            NewBackboneSettings nb = backbone.newBackbone();
            newArchitecture.set(nb.architecture());
            newWidths.set(joined(nb.widths()));
            newBlocks.set(joined(nb.blocks()));
            newEpochs.set(nb.epochs());
            newOptimizer.set(nb.optimizer());
            newLearningRate.set(nb.learningRate());
            newBatchSize.set(nb.batchSize());
            poolingGrid.set(experiment.poolingGrid());
            branchType.set(experiment.branch().type());
            filters.set(experiment.branch().filters());
            kernel.set(experiment.branch().kernel());
            layers.set(experiment.branchSpec().layers());
            modes.show(experiment.training().modes());
            target.set(experiment.training().target());
            temperature.set(experiment.training().temperature());
            epochs.set(experiment.training().epochs());
            learningRate.set(experiment.training().learningRate());
            batchSize.set(experiment.training().batchSize());
            patience.set(experiment.training().patience());
            seed.set(experiment.seed());
            cpm.show(experiment.cpm());
            calibrationFraction.set(experiment.calibrationSplit().fraction());
            Double carved = experiment.calibrationSplit().validationFraction();
            validationFraction.set(carved != null ? carved : ReadOptions.DEFAULTS.validationFraction());
            updatesPerEpoch.set(experiment.training().updatesPerEpoch());
        } finally {
            loading = false;
        }
        refreshExits(experiment.exitPoints());
    }

    /**
     * Follows the workspace's dataset: the dataset's own backbone, and so the exit points offered, may change.
     *
     * @param datasetDir the dataset folder
     */
    public void setDataset(Path datasetDir) {
        if (!Objects.equals(dataset, datasetDir)) {
            dataset = datasetDir;
            refreshExits(null);
        }
    }

    /** Resets every setting to the defaults (the backbone choice stays). */
    public void resetToDefaults() {
        load(backboneSettings().withNewBackbone(NewBackboneSettings.defaults()),
                ExperimentConfig.defaults().withDataset(base.dataset()), dataset);
        changed();
    }

    /** @return the backbone choice as the form shows it */
    public BackboneSettings backboneSettings() {
        NewBackboneSettings nb;
        try {
            nb = newBackbone();
        } catch (IllegalArgumentException e) {
            nb = newBase;
        }
        String file = backboneFile.get() == null || backboneFile.get().isBlank() ? null : backboneFile.get().strip();
        return new BackboneSettings(backboneSource.get(), file, nb);
    }

    /**
     * @return the new backbone's settings as the form shows them
     * @throws IllegalArgumentException naming the field whose text is not a list of positive numbers
     */
    public NewBackboneSettings newBackbone() {
        return new NewBackboneSettings(newArchitecture.get(), numbers("widths", newWidths.get()),
                numbers("blocks", newBlocks.get()), newEpochs.get(), newOptimizer.get(), newLearningRate.get(),
                newBatchSize.get(), seed.get());
    }

    /**
     * @param datasetDir the dataset folder
     * @param backbone   the backbone file the run will use (null for the dataset's own)
     * @return the experiment the form describes
     * @throws ConfigException naming every setting out of range
     */
    public ExperimentConfig experiment(Path datasetDir, Path backbone) {
        List<BranchTrainingMode> ticked = selectedModes();
        List<String> chosen = selectedExits();
        List<String> exitPoints = chosen.equals(defaultExits) && !exits.isEmpty() ? null : chosen;
        ExperimentConfig.Training t = base.training();
        ExperimentConfig config = new ExperimentConfig(datasetDir.toString(),
                backbone == null ? null : backbone.toString(), exitPoints, poolingGrid.get(),
                new ExperimentConfig.Branch(branchType.get(), filters.get(), kernel.get(),
                        branchType.get() == base.branch().type() ? base.branch().pooling() : null, layers.get()),
                new ExperimentConfig.Training(ticked, target.get(), temperature.get(), t.softness(), epochs.get(),
                        learningRate.get(), batchSize.get(), t.weightDecay(), patience.get(), t.minimumSurvivors(),
                        t.survivorFiltering(), t.crossFitFolds(), updatesPerEpoch.get()),
                cpm.appliedTo(base.cpm()),
                seed.get(), new ExperimentConfig.CalibrationSplitSection(calibrationFraction.get(),
                        base.calibrationSplit().seed(), carvedValidation()));
        config.validate();
        return config;
    }

    /**
     * @return the validation share to record: null (the readers' default, left out of the JSON so that sweep keys and
     *         older runs stay as they were) while the form shows that default and the settings did not name a share
     */
    private Double carvedValidation() {
        double shown = validationFraction.get();
        boolean unnamed = base.calibrationSplit().validationFraction() == null;
        return unnamed && shown == ReadOptions.DEFAULTS.validationFraction() ? null : shown;
    }

    /** @return the experiment for the workspace file: as {@link #experiment} but kept even when out of range */
    ExperimentConfig experimentForSaving(Path datasetDir) {
        try {
            return experiment(datasetDir, null);
        } catch (IllegalArgumentException e) {
            return base.withDataset(datasetDir.toString());
        }
    }

    /** @return the modes ticked, in the order they run: boosted, non-boosted, soft */
    public List<BranchTrainingMode> selectedModes() {
        return modes.selected();
    }

    /** @return the exit vertices ticked, shallow to deep */
    public List<String> selectedExits() {
        return exits.stream().filter(e -> e.selected().get()).map(ExitChoice::vertex).toList();
    }

    /**
     * Lists the exit points of the chosen backbone (read from its file, or from the new backbone's shape), ticking
     * {@code wanted} (all when {@code null}).
     */
    private void refreshExits(List<String> wanted) {
        List<String> previous = exits.isEmpty() ? null : selectedExits();
        List<String> vertices;
        List<OnnxGraph.Candidate> candidates = null;
        List<String> defaults = null;
        String note = "";
        if (backboneSource.get() == BackboneSource.TRAIN_NEW) {
            try {
                vertices = newBackbone().exitVertices();
            } catch (IllegalArgumentException e) {
                vertices = List.of();
                note = e.getMessage();
            }
        } else {
            Path file = dataset == null ? null : backboneSettings().fileFor(dataset);
            vertices = List.of();
            if (dataset == null) {
                note = "No dataset is open yet.";
            } else if (file == null) {
                note = "Choose a backbone file.";
            } else {
                try {
                    if (ExperimentPipeline.isOnnx(file)) {
                        OnnxBackbone onnx = inspect(file);
                        candidates = onnx.graph().candidates();
                        vertices = candidates.stream().map(OnnxGraph.Candidate::tensor).toList();
                        defaults = onnx.exitPoints().vertices();
                    } else {
                        vertices = BackboneFile.readMetadata(file).exitPoints().vertices();
                    }
                } catch (RuntimeException e) {
                    note = "No backbone to read exit points from: " + e.getMessage();
                }
            }
        }
        defaultExits = defaults != null ? defaults : vertices;
        List<String> keep = wanted != null ? wanted : previous;
        if (keep == null || keep.stream().noneMatch(vertices::contains)) {
            keep = defaultExits;
        }
        List<ExitChoice> choices = new ArrayList<>();
        for (int i = 0; i < vertices.size(); i++) {
            String vertex = vertices.get(i);
            BooleanProperty selected = new SimpleBooleanProperty(this, vertex, keep.contains(vertex));
            selected.addListener(o -> changed());
            OnnxGraph.Candidate c = candidates == null ? null : candidates.get(i);
            choices.add(c == null ? new ExitChoice(vertex, selected)
                    : new ExitChoice(vertex, selected, c.shapeText(), c.share()));
        }
        exits.setAll(choices);
        exitsNote.set(note);
    }

    /**
     * Inspects an ONNX model (a probe run of the graph: well under a second for the backbones this pane trains
     * branches on), reusing the last inspection while the file is unchanged.
     */
    private OnnxBackbone inspect(Path file) {
        long modified = modified(file);
        if (inspected == null || !inspected.file().equals(file) || modified != inspectedModified) {
            inspected = OnnxBackbone.load(file);
            inspectedModified = modified;
        }
        return inspected;
    }

    private static long modified(Path file) {
        try {
            return java.nio.file.Files.getLastModifiedTime(file).toMillis();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private void changed() {
        if (loading) {
            return;
        }
        for (Runnable listener : List.copyOf(changeListeners)) {
            listener.run();
        }
    }

    private static List<Integer> numbers(String field, String text) {
        try {
            List<Integer> values = Arrays.stream((text == null ? "" : text).split("[,\\s]+")).filter(s -> !s.isEmpty())
                    .map(Integer::parseInt).toList();
            if (values.isEmpty() || values.stream().anyMatch(v -> v <= 0)) {
                throw new NumberFormatException();
            }
            return values;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("new backbone " + field + ": give positive whole numbers separated by"
                    + " commas, e.g. 16,32,64; was \"" + text + "\"", e);
        }
    }

    private static String joined(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    // ---- properties --------------------------------------------------------------------------------------------

    public ObjectProperty<BackboneSource> backboneSourceProperty() {
        return backboneSource;
    }

    public StringProperty backboneFileProperty() {
        return backboneFile;
    }

    public ObjectProperty<Architecture> newArchitectureProperty() {
        return newArchitecture;
    }

    public StringProperty newWidthsProperty() {
        return newWidths;
    }

    public StringProperty newBlocksProperty() {
        return newBlocks;
    }

    public IntegerProperty newEpochsProperty() {
        return newEpochs;
    }

    public ObjectProperty<BackboneTrainingConfig.Optimizer> newOptimizerProperty() {
        return newOptimizer;
    }

    public DoubleProperty newLearningRateProperty() {
        return newLearningRate;
    }

    public IntegerProperty newBatchSizeProperty() {
        return newBatchSize;
    }

    /** @return the exit points of the chosen backbone, each with whether a branch attaches there */
    public ObservableList<ExitChoice> exits() {
        return exits;
    }

    /** @return why no exit points are listed (no backbone file, a bad shape), or empty */
    public ReadOnlyStringProperty exitsNoteProperty() {
        return exitsNote.getReadOnlyProperty();
    }

    public IntegerProperty poolingGridProperty() {
        return poolingGrid;
    }

    public ObjectProperty<BranchType> branchTypeProperty() {
        return branchType;
    }

    public IntegerProperty filtersProperty() {
        return filters;
    }

    public IntegerProperty kernelProperty() {
        return kernel;
    }

    /** @return the branch's convolution layers, 1 or 2 (a second convolution, filters to filters) */
    public IntegerProperty layersProperty() {
        return layers;
    }

    public BooleanProperty boostedProperty() {
        return modes.boostedProperty();
    }

    public BooleanProperty nonBoostedProperty() {
        return modes.nonBoostedProperty();
    }

    public BooleanProperty softProperty() {
        return modes.softProperty();
    }

    public ObjectProperty<BranchTarget> targetProperty() {
        return target;
    }

    public DoubleProperty temperatureProperty() {
        return temperature;
    }

    public IntegerProperty epochsProperty() {
        return epochs;
    }

    public DoubleProperty learningRateProperty() {
        return learningRate;
    }

    public IntegerProperty batchSizeProperty() {
        return batchSize;
    }

    public IntegerProperty patienceProperty() {
        return patience;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public DoubleProperty marginProperty() {
        return cpm.marginProperty();
    }

    public ObjectProperty<MarginForm> marginFormProperty() {
        return cpm.marginFormProperty();
    }

    public ObjectProperty<AnchorSource> anchorProperty() {
        return cpm.anchorSourceProperty();
    }

    public IntegerProperty minimumSupportProperty() {
        return cpm.minimumSupportProperty();
    }

    /** @return the share of validation CPM calibrates on; 0: one split stops training and calibrates */
    public DoubleProperty calibrationFractionProperty() {
        return calibrationFraction;
    }

    /**
     * @return the share of each training class carved off as the validation split when the dataset has none (the
     *         readers' 10 % unless set)
     */
    public DoubleProperty validationFractionProperty() {
        return validationFraction;
    }

    /** @return mini-batches per epoch for every branch; 0: one pass over its rows */
    public IntegerProperty updatesPerEpochProperty() {
        return updatesPerEpoch;
    }
}
