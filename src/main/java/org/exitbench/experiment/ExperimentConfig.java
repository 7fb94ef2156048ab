package org.exitbench.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.calibrate.PrecisionReference;
import org.exitbench.cascade.ExitRule;
import org.exitbench.data.ReadOptions;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.FeaturePooling;
import org.exitbench.train.BranchTarget;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.BranchTrainingSettings;
import org.exitbench.train.EpochLength;
import org.exitbench.train.SurvivorFiltering;

/**
 * Every knob of one experiment: which data and backbone, where the exits are, which branches, how they are
 * trained and how they are calibrated. Stored as JSON (enum values in lower kebab case, e.g. "non-boosted"); a
 * file may give any subset of the fields, the rest keep their {@link #defaults() defaults}. Unknown fields are
 * refused with their name, and {@link #validate()} names every field whose value is out of range.
 *
 * <p>Paths are read relative to the working directory, as on the command line. Only the CPM margin's canonical
 * value and the distillation temperature come from the papers; the other defaults are our reconstruction
 * (PAPER §5), each one setting away from its alternative.
 *
 * @param dataset     the dataset folder
 * @param backbone    the backbone model file, or null for {@code <dataset>/backbone.zip}
 * @param exitPoints  the backbone vertices the branches attach to, shallow to deep, or null for the backbone's own
 * @param poolingGrid the fixed pooling of the cached features: 1 (global average, a C-vector) to 8 (C×k×k)
 * @param branch      the branch architecture
 * @param training    how the branches are trained, and in which modes
 * @param cpm         how their thresholds are calibrated
 * @param seed        the seed of branch initialisation and data order
 * @param calibrationSplit how the validation split is divided between early stopping and CPM (by default half of
 *                    each class calibrates CPM and the other half stops training; off in version-1 documents)
 *
 * <p><b>Versions.</b> Version 2 made issue 17's fair protocol the default: a calibration split of half the
 * validation images and an equal update budget per branch ({@code training.updatesPerEpoch} = −1, one pass over
 * the whole training split for every branch of every mode). A version-1 document (every run, workspace and
 * configuration saved before, which all carry {@code "formatVersion": 1}) is read over the version-1 defaults,
 * one validation split for both jobs and one pass over each branch's own rows, so its fields left out keep the
 * meaning they had when it was written. A document without {@code formatVersion} is read as the current version.
 */
public record ExperimentConfig(String dataset, String backbone, List<String> exitPoints, int poolingGrid,
                               Branch branch, Training training, Cpm cpm, long seed,
                               CalibrationSplitSection calibrationSplit) {

    /** The value of the {@code format} field a configuration may carry. */
    public static final String FORMAT = "exitbench.experiment-config";
    /** The version of this document; a configuration may carry it as {@code formatVersion}. */
    public static final int FORMAT_VERSION = 2;
    /** The version whose defaults are the protocol of report v1 (no calibration split, one pass per epoch). */
    public static final int FORMAT_VERSION_1 = 1;
    /** The share of each class's validation images CPM calibrates on by default (version 2). */
    public static final double DEFAULT_CALIBRATION_FRACTION = 0.5;

    /**
     * The branch architecture.
     *
     * @param type    conv1d-channels (the default, PAPER §2.4 reading a), conv1d-tokens (reading b) or conv2d
     * @param filters the convolution's filters: the branch's width
     * @param kernel  the convolution's kernel (odd)
     * @param pooling the pooling before the dense layer, or null for the type's default
     * @param layers  convolution layers, 1 or 2; null (and 1, which is stored as null) for one. Left out of the
     *                JSON when null, so a one-layer configuration keeps the digest its stored sweep trials have
     */
    public record Branch(BranchType type, int filters, int kernel, BranchPooling pooling,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Integer layers) {

        public Branch {
            if (layers != null && layers == 1) {
                layers = null;
            }
        }

        /** A one-layer branch. */
        public Branch(BranchType type, int filters, int kernel, BranchPooling pooling) {
            this(type, filters, kernel, pooling, null);
        }
    }

    /**
     * How branches are trained. Each mode in {@code modes} is trained on the same cache and reported side by side.
     *
     * @param modes             boosted, non-boosted and/or soft
     * @param target            backbone-argmax, ground-truth or distillation
     * @param temperature       the distillation temperature T
     * @param softness          β of the soft mode
     * @param epochs            the most epochs per branch
     * @param learningRate      Adam's learning rate
     * @param batchSize         samples per mini-batch
     * @param weightDecay       decoupled weight decay
     * @param patience          epochs without a lower validation loss before stopping; 0 for none
     * @param minimumSurvivors  fewer training or validation samples reaching an exit skip its branch
     * @param survivorFiltering in-sample or cross-fitted
     * @param crossFitFolds     folds of cross-fitted filtering
     * @param updatesPerEpoch   mini-batches per epoch, the same for every branch and mode (an equal training
     *                          budget); −1 (the default) for one pass over the whole training split; 0 for one pass
     *                          over the rows a branch learns from (version 1's default)
     */
    public record Training(List<BranchTrainingMode> modes, BranchTarget target, double temperature, double softness,
                           int epochs, double learningRate, int batchSize, double weightDecay, int patience,
                           int minimumSurvivors, SurvivorFiltering survivorFiltering, int crossFitFolds,
                           int updatesPerEpoch) {
    }

    /**
     * The calibration split ({@link CalibrationSplit}), and the validation split it is carved from.
     *
     * @param fraction           the share of each class's validation images CPM calibrates on; 0 for none
     * @param seed               the seed of the selection
     * @param validationFraction the share of each training class carved off as the validation split when the
     *                           dataset has none (0.02 to 0.5), or null for the readers' 10 %. Left out of the JSON
     *                           when null, so configurations without it keep their sweep keys
     */
    public record CalibrationSplitSection(double fraction, long seed,
                                          @JsonInclude(JsonInclude.Include.NON_NULL) Double validationFraction) {

        /** A section that leaves the validation split at the readers' default. */
        public CalibrationSplitSection(double fraction, long seed) {
            this(fraction, seed, null);
        }
    }

    /** The smallest and largest share of training images a carved validation split may take. */
    public static final double MIN_VALIDATION_FRACTION = 0.02;
    /** @see #MIN_VALIDATION_FRACTION */
    public static final double MAX_VALIDATION_FRACTION = 0.5;

    /**
     * CPM calibration.
     *
     * @param margin             m in [−1, 1] (negative: a bar above the anchor)
     * @param marginForm         additive or multiplicative
     * @param anchor             full-validation or survivors
     * @param minimumSupport     the fewest samples a threshold may admit for a class
     * @param precisionReference ground-truth or backbone-labels
     * @param score              max-softmax or entropy
     */
    public record Cpm(double margin, MarginForm marginForm, AnchorSource anchor, int minimumSupport,
                      PrecisionReference precisionReference, ExitRule score) {
    }

    /**
     * The bundled sample, the backbone next to it, the default branch, boosted and non-boosted, CPM defaults, and the
     * fair protocol: a calibration split of half the validation images and one pass over the whole training split
     * per epoch for every branch.
     */
    public static ExperimentConfig defaults() {
        return defaults(FORMAT_VERSION);
    }

    /**
     * @param version a document version, 1 or 2
     * @return the defaults a document of that version is read over: version 1 divides no validation split and
     *         makes an epoch one pass over each branch's own rows
     */
    public static ExperimentConfig defaults(int version) {
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
            throw new IllegalArgumentException("no configuration version " + version);
        }
        boolean v1 = version == FORMAT_VERSION_1;
        BranchTrainingSettings t = BranchTrainingSettings.defaults();
        CpmSettings c = CpmSettings.defaults();
        BranchSpec b = BranchSpec.defaults();
        return new ExperimentConfig("sample-data/fashion-mnist", null, null, FeaturePooling.GLOBAL_AVERAGE.grid(),
                new Branch(b.type(), b.filters(), b.kernel(), null),
                new Training(List.of(BranchTrainingMode.BOOSTED, BranchTrainingMode.NON_BOOSTED), t.target(),
                        t.temperature(), t.softness(), t.epochs(), t.learningRate(), t.batchSize(), t.weightDecay(),
                        t.patience(), t.minimumSurvivors(), t.filtering(), t.crossFitFolds(),
                        v1 ? 0 : EpochLength.FULL_SPLIT),
                new Cpm(c.margin(), c.marginForm(), c.anchorSource(), c.minimumSupport(), c.precisionReference(),
                        c.score()),
                t.seed(), new CalibrationSplitSection(v1 ? 0 : DEFAULT_CALIBRATION_FRACTION,
                        CalibrationSplit.DEFAULT_SEED));
    }

    /**
     * Reads a configuration file over the defaults and validates it.
     *
     * @throws ConfigException naming the file and every bad or unknown field
     */
    public static ExperimentConfig read(Path file) {
        return fromJson(ConfigJson.readText(file), file.toString());
    }

    /**
     * Parses a configuration over the defaults and validates it.
     *
     * @param source what to call the document in messages (a file name), or null
     * @throws ConfigException naming every bad or unknown field
     */
    public static ExperimentConfig fromJson(String json, String source) {
        ExperimentConfig config = bind(json, source);
        config.validate(source);
        return config;
    }

    /**
     * Parses a configuration over the defaults without checking ranges: only unknown fields, wrong types and enum
     * names are refused. For parts of a configuration that are only complete once combined (sweep axes).
     *
     * @throws ConfigException naming every unknown or mistyped field
     */
    public static ExperimentConfig bind(String json, String source) {
        ObjectMapper mapper = ConfigJson.mapper();
        ExperimentConfig config;
        try {
            JsonNode given = mapper.readTree(json);
            if (!(given instanceof ObjectNode object)) {
                throw new ConfigException(source, List.of("(document): expected a JSON object"));
            }
            int version = checkHeader(object, source);
            ObjectNode merged = mapper.valueToTree(defaults(version));
            ConfigJson.overlay(merged, object);
            config = mapper.treeToValue(merged, ExperimentConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(ConfigJson.describe(e)));
        }
        return config;
    }

    /** @return the document's version (the current one when it names none), its header removed */
    private static int checkHeader(ObjectNode object, String source) {
        JsonNode version = object.get("formatVersion");
        if (version != null && version.isInt() && version.intValue() == FORMAT_VERSION_1) {
            object.remove("formatVersion");
            ConfigJson.checkHeader(object, FORMAT, FORMAT_VERSION, source);
            return FORMAT_VERSION_1;
        }
        if (version != null && !(version.isInt() && version.intValue() == FORMAT_VERSION)) {
            throw new ConfigException(source, List.of("formatVersion: this Exitbench reads versions "
                    + FORMAT_VERSION_1 + " and " + FORMAT_VERSION + ", was " + version));
        }
        ConfigJson.checkHeader(object, FORMAT, FORMAT_VERSION, source);
        return FORMAT_VERSION;
    }

    /** @return the configuration as JSON with its format header, every field written */
    public String toJson() {
        return ConfigJson.toJson(this, FORMAT, FORMAT_VERSION, "configuration");
    }

    /** @throws ConfigException naming every field whose value is out of range or missing */
    public void validate() {
        validate(null);
    }

    private void validate(String source) {
        List<String> problems = new ArrayList<>();
        if (dataset == null || dataset.isBlank()) {
            problems.add("dataset: is missing");
        }
        if (backbone != null && backbone.isBlank()) {
            problems.add("backbone: must be a file or null, was empty");
        }
        if (exitPoints != null) {
            if (exitPoints.isEmpty()) {
                problems.add("exitPoints: must list at least one vertex, or be null for the backbone's own");
            }
            if (exitPoints.stream().anyMatch(v -> v == null || v.isBlank())) {
                problems.add("exitPoints: names must not be blank");
            } else if (new HashSet<>(exitPoints).size() != exitPoints.size()) {
                problems.add("exitPoints: a vertex is listed twice: " + exitPoints);
            }
        }
        range(problems, "poolingGrid", poolingGrid, 1, 8);
        validateBranch(problems);
        validateTraining(problems);
        validateCpm(problems);
        validateCalibrationSplit(problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
    }

    private void validateBranch(List<String> problems) {
        if (branch == null) {
            problems.add("branch: is missing");
            return;
        }
        if (branch.type() == null) {
            problems.add("branch.type: is missing; one of " + ConfigJson.names(BranchType.class));
            return;
        }
        range(problems, "branch.filters", branch.filters(), 1, BranchSpec.MAX_FILTERS);
        if (branch.layers() != null) {
            range(problems, "branch.layers", branch.layers(), 1, BranchSpec.MAX_LAYERS);
        }
        if (branch.kernel() < 1 || branch.kernel() > BranchSpec.MAX_KERNEL || branch.kernel() % 2 == 0) {
            problems.add("branch.kernel: must be odd, 1 to " + BranchSpec.MAX_KERNEL + ", was " + branch.kernel());
        }
        if (branch.pooling() != null && branch.type() != BranchType.CONV1D_CHANNELS && !branch.pooling().isGlobal()) {
            problems.add("branch.pooling: a " + ConfigJson.name(branch.type()) + " branch pools globally (global-max "
                    + "or global-average), was " + ConfigJson.name(branch.pooling()));
        }
        if (branch.type().needsSpatialMap() && poolingGrid < 2) {
            problems.add("branch.type: a " + ConfigJson.name(branch.type()) + " branch needs a k×k map, so "
                    + "poolingGrid must be 2 or more, was " + poolingGrid);
        }
    }

    private void validateTraining(List<String> problems) {
        if (training == null) {
            problems.add("training: is missing");
            return;
        }
        Training t = training;
        if (t.modes() == null || t.modes().isEmpty()) {
            problems.add("training.modes: must list at least one of " + ConfigJson.names(BranchTrainingMode.class));
        } else if (t.modes().stream().anyMatch(Objects::isNull)) {
            problems.add("training.modes: must not contain null");
        } else if (new HashSet<>(t.modes()).size() != t.modes().size()) {
            problems.add("training.modes: a mode is listed twice: " + t.modes().stream().map(ConfigJson::name)
                    .toList());
        }
        required(problems, "training.target", t.target(), BranchTarget.class);
        required(problems, "training.survivorFiltering", t.survivorFiltering(), SurvivorFiltering.class);
        positive(problems, "training.temperature", t.temperature());
        positive(problems, "training.softness", t.softness());
        positive(problems, "training.learningRate", t.learningRate());
        range(problems, "training.epochs", t.epochs(), 1, 100_000);
        range(problems, "training.batchSize", t.batchSize(), 1, 1 << 20);
        if (!(t.weightDecay() >= 0) || Double.isInfinite(t.weightDecay())) {
            problems.add("training.weightDecay: must be 0 or a positive number, was " + t.weightDecay());
        }
        range(problems, "training.patience", t.patience(), 0, 100_000);
        range(problems, "training.minimumSurvivors", t.minimumSurvivors(), 1, Integer.MAX_VALUE);
        range(problems, "training.crossFitFolds", t.crossFitFolds(), 2, 10);
        if (t.updatesPerEpoch() < EpochLength.FULL_SPLIT || t.updatesPerEpoch() > EpochLength.MAX_UPDATES) {
            problems.add("training.updatesPerEpoch: must be " + EpochLength.FULL_SPLIT + " (one pass over the "
                    + "training split), 0 (one pass over a branch's own rows) or up to " + EpochLength.MAX_UPDATES
                    + ", was " + t.updatesPerEpoch());
        }
    }

    private void validateCalibrationSplit(List<String> problems) {
        if (calibrationSplit == null) {
            problems.add("calibrationSplit: is missing");
            return;
        }
        double f = calibrationSplit.fraction();
        if (!(f == 0 || (f >= CalibrationSplit.MIN_FRACTION && f <= CalibrationSplit.MAX_FRACTION))) {
            problems.add("calibrationSplit.fraction: must be 0 (one validation split for early stopping and CPM) or "
                    + CalibrationSplit.MIN_FRACTION + " to " + CalibrationSplit.MAX_FRACTION + ", was " + f);
        }
        Double carved = calibrationSplit.validationFraction();
        if (carved != null && !(carved >= MIN_VALIDATION_FRACTION && carved <= MAX_VALIDATION_FRACTION)) {
            problems.add("calibrationSplit.validationFraction: must be " + MIN_VALIDATION_FRACTION + " to "
                    + MAX_VALIDATION_FRACTION + " (the share of each training class carved off as validation when "
                    + "the dataset has none), was " + carved);
        }
    }

    private void validateCpm(List<String> problems) {
        if (cpm == null) {
            problems.add("cpm: is missing");
            return;
        }
        if (!(cpm.margin() >= CpmSettings.MIN_MARGIN && cpm.margin() <= CpmSettings.MAX_MARGIN)) {
            problems.add("cpm.margin: must be in [-1, 1], was " + cpm.margin());
        }
        required(problems, "cpm.marginForm", cpm.marginForm(), MarginForm.class);
        required(problems, "cpm.anchor", cpm.anchor(), AnchorSource.class);
        required(problems, "cpm.precisionReference", cpm.precisionReference(), PrecisionReference.class);
        required(problems, "cpm.score", cpm.score(), ExitRule.class);
        if (cpm.score() == ExitRule.DERIVED) {
            problems.add("cpm.score: \"derived\" is the score of a fitted decision rule and cannot be trained with; "
                    + "use max-softmax or entropy");
        }
        range(problems, "cpm.minimumSupport", cpm.minimumSupport(), 1, Integer.MAX_VALUE);
    }

    private static void required(List<String> problems, String field, Object value, Class<?> type) {
        if (value == null) {
            problems.add(field + ": is missing; one of " + ConfigJson.names(type));
        }
    }

    private static void range(List<String> problems, String field, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(field + ": must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : min + " to " + max) + ", was " + value);
        }
    }

    private static void positive(List<String> problems, String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            problems.add(field + ": must be a positive number, was " + value);
        }
    }

    /** @return the branch architecture */
    public BranchSpec branchSpec() {
        return new BranchSpec(branch.type(), branch.filters(), branch.kernel(),
                branch.pooling() != null ? branch.pooling() : BranchPooling.defaultFor(branch.type()),
                branch.layers() != null ? branch.layers() : 1);
    }

    /** @return the training settings of one mode */
    public BranchTrainingSettings trainingSettings(BranchTrainingMode mode) {
        Training t = training;
        return BranchTrainingSettings.builder()
                .mode(mode)
                .target(t.target())
                .temperature(t.temperature())
                .softness(t.softness())
                .epochs(t.epochs())
                .learningRate(t.learningRate())
                .batchSize(t.batchSize())
                .weightDecay(t.weightDecay())
                .patience(t.patience())
                .minimumSurvivors(t.minimumSurvivors())
                .filtering(t.survivorFiltering())
                .crossFitFolds(t.crossFitFolds())
                .seed(seed)
                .build();
    }

    /** @return how many updates an epoch of branch training is */
    public EpochLength epochLength() {
        return new EpochLength(training.updatesPerEpoch());
    }

    /** @return how the validation split is divided between early stopping and CPM */
    public CalibrationSplit calibration() {
        return new CalibrationSplit(calibrationSplit.fraction(), calibrationSplit.seed());
    }

    /** @return a copy with another calibration fraction (0: off) */
    public ExperimentConfig withCalibrationFraction(double value) {
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch, training, cpm, seed,
                new CalibrationSplitSection(value, calibrationSplit.seed(), calibrationSplit.validationFraction()));
    }

    /** @return a copy carving this share of each training class as validation when the dataset has none */
    public ExperimentConfig withValidationFraction(double value) {
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch, training, cpm, seed,
                new CalibrationSplitSection(calibrationSplit.fraction(), calibrationSplit.seed(), value));
    }

    /**
     * @return how the dataset is read: the readers' defaults, with {@code calibrationSplit.validationFraction} as the
     *         share carved off as validation when the dataset has no validation split
     */
    public ReadOptions readOptions() {
        Double carved = calibrationSplit.validationFraction();
        ReadOptions d = ReadOptions.DEFAULTS;
        return carved == null ? d : new ReadOptions(carved, d.splitSeed(), d.skipCorrupt(), d.resizeHeight(),
                d.resizeWidth(), d.threads());
    }

    /**
     * @return a copy with another number of updates per epoch (−1: one pass over the training split; 0: one pass
     *         over a branch's own rows)
     */
    public ExperimentConfig withUpdatesPerEpoch(int value) {
        Training t = training;
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch,
                new Training(t.modes(), t.target(), t.temperature(), t.softness(), t.epochs(), t.learningRate(),
                        t.batchSize(), t.weightDecay(), t.patience(), t.minimumSurvivors(), t.survivorFiltering(),
                        t.crossFitFolds(), value), cpm, seed, calibrationSplit);
    }

    /** @return a copy calibrated at another CPM margin */
    public ExperimentConfig withMargin(double value) {
        Cpm c = cpm;
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch, training,
                new Cpm(value, c.marginForm(), c.anchor(), c.minimumSupport(), c.precisionReference(), c.score()),
                seed, calibrationSplit);
    }

    /** @return the CPM settings */
    public CpmSettings cpmSettings() {
        return CpmSettings.builder()
                .margin(cpm.margin())
                .marginForm(cpm.marginForm())
                .anchorSource(cpm.anchor())
                .minimumSupport(cpm.minimumSupport())
                .precisionReference(cpm.precisionReference())
                .score(cpm.score())
                .build();
    }

    /** @return the pooling of the cached features */
    public FeaturePooling pooling() {
        return new FeaturePooling(poolingGrid);
    }

    /** @return a copy reading another dataset */
    public ExperimentConfig withDataset(String value) {
        return new ExperimentConfig(value, backbone, exitPoints, poolingGrid, branch, training, cpm, seed, calibrationSplit);
    }

    /** @return a copy using another backbone file (null: the one next to the dataset) */
    public ExperimentConfig withBackbone(String value) {
        return new ExperimentConfig(dataset, value, exitPoints, poolingGrid, branch, training, cpm, seed, calibrationSplit);
    }

    /** @return a copy with another seed */
    public ExperimentConfig withSeed(long value) {
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch, training, cpm, value, calibrationSplit);
    }

    /** @return a copy training the given modes */
    public ExperimentConfig withModes(List<BranchTrainingMode> modes) {
        Training t = training;
        return new ExperimentConfig(dataset, backbone, exitPoints, poolingGrid, branch,
                new Training(modes, t.target(), t.temperature(), t.softness(), t.epochs(), t.learningRate(),
                        t.batchSize(), t.weightDecay(), t.patience(), t.minimumSurvivors(), t.survivorFiltering(),
                        t.crossFitFolds(), t.updatesPerEpoch()), cpm, seed, calibrationSplit);
    }

    /**
     * Parses a mode name as the configuration writes it ("boosted", "non-boosted", "soft"; any case, '_' or '-').
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static BranchTrainingMode parseMode(String text) {
        String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (BranchTrainingMode mode : BranchTrainingMode.values()) {
            if (mode.name().equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a mode; use " + ConfigJson.names(
                BranchTrainingMode.class));
    }

    /** @return the JSON name of a mode, e.g. "non-boosted" */
    public static String modeName(BranchTrainingMode mode) {
        return ConfigJson.name(mode);
    }
}
