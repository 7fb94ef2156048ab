package org.exitbench.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.model.ExitBranch;
import org.exitbench.store.ArrayFile;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;
import org.exitbench.train.BranchTrainingMode;

/**
 * A finished experiment, read from its run folder: the configuration, the metrics, and per training mode the
 * calibrated cascade (thresholds, branch scores on the validation and test splits, costs), enough to evaluate
 * and re-tune it without the dataset, the backbone or the feature cache. Branch networks are loaded on demand.
 *
 * <p>The folder holds:
 * <pre>
 * config.json                      the configuration the run used (backbone path resolved)
 * metrics.json                     {@link RunMetrics}
 * valid-backbone.f32, test-…       the backbone's softmax per sample [N, C]
 * valid-labels.i32, test-…         the ground truth [N]
 * &lt;mode&gt;/thresholds.json         CPM thresholds of the trained branches (cascade order)
 * &lt;mode&gt;/valid-exits.f32, test-… each trained branch's softmax per sample [K, N, C]
 * &lt;mode&gt;/branches/exitE-V.zip    the branch at backbone exit E (vertex V), a DL4J model
 * </pre>
 * A mode whose branches were all skipped has only its metrics.
 */
public final class ExperimentRun {

    /** The name of a run's configuration file in its folder. */
    public static final String CONFIG = "config.json";
    static final String METRICS = "metrics.json";
    static final String THRESHOLDS = "thresholds.json";
    static final String VALID_EXITS = "valid-exits.f32";
    static final String TEST_EXITS = "test-exits.f32";
    static final String BACKBONE_SUFFIX = "-backbone.f32";
    static final String LABELS_SUFFIX = "-labels.i32";

    private final Path folder;
    private final ExperimentConfig config;
    private final RunMetrics metrics;
    private final Map<BranchTrainingMode, ModeResult> modes;

    private ExperimentRun(Path folder, ExperimentConfig config, RunMetrics metrics,
                          Map<BranchTrainingMode, ModeResult> modes) {
        this.folder = folder;
        this.config = config;
        this.metrics = metrics;
        this.modes = modes;
    }

    /**
     * One training mode's cascade as stored.
     *
     * @param mode        the mode
     * @param metrics     its metrics, branches and funnel
     * @param thresholds  its thresholds, or null when every branch was skipped
     * @param validScores its validation scores, or null without branches
     * @param testScores  its test scores, or null without branches
     * @param costModel   its costs, or null without branches
     */
    public record ModeResult(BranchTrainingMode mode, RunMetrics.ModeMetrics metrics, Thresholds thresholds,
                             ExitScores validScores, ExitScores testScores, CostModel costModel) {

        /** @return whether at least one branch was trained */
        public boolean hasCascade() {
            return thresholds != null;
        }

        /** @return the trained branches' metrics, in cascade order */
        public List<RunMetrics.BranchMetrics> cascadeBranches() {
            return metrics.branches().stream().filter(RunMetrics.BranchMetrics::trained).toList();
        }
    }

    /**
     * Reads a run folder.
     *
     * @throws StoreException naming the file when one is missing, corrupt, or does not fit the others
     */
    public static ExperimentRun load(Path folder) {
        Path configFile = folder.resolve(CONFIG);
        ExperimentConfig config;
        try {
            config = ExperimentConfig.read(configFile);
        } catch (ConfigException e) {
            throw new StoreException(configFile, "is not a valid experiment configuration: " + e.getMessage(), e);
        }
        RunMetrics metrics = JsonDocuments.read(folder.resolve(METRICS), RunMetrics.DOCUMENT_TYPE, RunMetrics.class);
        Map<BranchTrainingMode, ModeResult> modes = new EnumMap<>(BranchTrainingMode.class);
        SplitTruth valid = null;
        SplitTruth test = null;
        for (RunMetrics.ModeMetrics mode : metrics.modes()) {
            List<RunMetrics.BranchMetrics> cascade = mode.branches().stream()
                    .filter(RunMetrics.BranchMetrics::trained).toList();
            if (cascade.isEmpty()) {
                modes.put(mode.mode(), new ModeResult(mode.mode(), mode, null, null, null, null));
                continue;
            }
            if (valid == null) {
                valid = SplitTruth.read(folder, "valid");
                test = SplitTruth.read(folder, "test");
            }
            Path modeFolder = folder.resolve(mode.folder());
            Path thresholdsFile = modeFolder.resolve(THRESHOLDS);
            Thresholds thresholds;
            try {
                thresholds = Thresholds.read(thresholdsFile);
            } catch (IOException e) {
                throw new StoreException(thresholdsFile, "could not be read: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new StoreException(thresholdsFile, "is invalid: " + e.getMessage(), e);
            }
            if (thresholds.exitCount() != cascade.size()) {
                throw new StoreException(thresholdsFile, "has " + thresholds.exitCount() + " exits, but "
                        + METRICS + " lists " + cascade.size() + " trained branches");
            }
            ExitScores validScores = valid.scores(modeFolder.resolve(VALID_EXITS), cascade.size());
            ExitScores testScores = test.scores(modeFolder.resolve(TEST_EXITS), cascade.size());
            long[] toExit = new long[cascade.size()];
            long[] branchMacs = new long[cascade.size()];
            for (int j = 0; j < cascade.size(); j++) {
                toExit[j] = metrics.backbone().macsToExit().get(cascade.get(j).exit());
                branchMacs[j] = cascade.get(j).macs();
            }
            CostModel costs = new CostModel(toExit, branchMacs, metrics.backbone().totalMacs());
            modes.put(mode.mode(), new ModeResult(mode.mode(), mode, thresholds, validScores, testScores, costs));
        }
        return new ExperimentRun(folder, config, metrics, modes);
    }

    /** A split's backbone softmax and labels, shared by every mode's scores. */
    private record SplitTruth(float[] backbone, int[] labels, int classes) {

        static SplitTruth read(Path run, String split) {
            Path backboneFile = run.resolve(split + BACKBONE_SUFFIX);
            Path labelsFile = run.resolve(split + LABELS_SUFFIX);
            long[] shape = ArrayFile.readHeader(backboneFile).shape();
            int[] labels = ArrayFile.readInts(labelsFile);
            if (shape.length != 2 || shape[0] != labels.length) {
                throw new StoreException(backboneFile, "has shape " + Arrays.toString(shape) + ", but " + labelsFile
                        .getFileName() + " holds " + labels.length + " labels");
            }
            return new SplitTruth(ArrayFile.readFloats(backboneFile), labels, (int) shape[1]);
        }

        ExitScores scores(Path exitsFile, int exits) {
            long[] expected = {exits, labels.length, classes};
            long[] shape = ArrayFile.readHeader(exitsFile).shape();
            if (!Arrays.equals(shape, expected)) {
                throw new StoreException(exitsFile, "has shape " + Arrays.toString(shape) + ", expected "
                        + Arrays.toString(expected) + " (exits, samples, classes)");
            }
            float[] all = ArrayFile.readFloats(exitsFile);
            int block = labels.length * classes;
            float[][] perExit = new float[exits][];
            for (int j = 0; j < exits; j++) {
                perExit[j] = Arrays.copyOfRange(all, j * block, (j + 1) * block);
            }
            try {
                return ExitScores.fromProbabilities(perExit, backbone, labels, classes);
            } catch (IllegalArgumentException e) {
                throw new StoreException(exitsFile, "does not hold valid scores: " + e.getMessage(), e);
            }
        }
    }

    /** @return the relative path of a branch's model file in the run folder */
    static String branchFile(String modeFolder, int exit, String vertex) {
        return modeFolder + "/branches/exit" + (exit + 1) + "-" + vertex.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
    }

    /** @return the run folder */
    public Path folder() {
        return folder;
    }

    /** @return the run's id: its folder's name */
    public String id() {
        return folder.getFileName().toString();
    }

    public ExperimentConfig config() {
        return config;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    /** @return the modes this run trained, in the order run */
    public List<BranchTrainingMode> modes() {
        List<BranchTrainingMode> list = new ArrayList<>();
        metrics.modes().forEach(m -> list.add(m.mode()));
        return list;
    }

    /** @return one mode's cascade, if the run trained that mode */
    public Optional<ModeResult> mode(BranchTrainingMode mode) {
        return Optional.ofNullable(modes.get(mode));
    }

    /**
     * Reads one mode's stored branch probabilities: what a decision rule computes its scores from.
     *
     * @param split "valid" or "test"
     * @return per trained branch, N × C softmax probabilities, row-major
     * @throws StoreException naming the file when it is missing or unreadable
     */
    public float[][] exitProbabilities(BranchTrainingMode mode, String split) {
        ModeResult result = Objects.requireNonNull(modes.get(mode), () -> "the run has no mode " + mode);
        if (!result.hasCascade()) {
            throw new IllegalArgumentException("mode " + mode + " of run " + id() + " has no trained branch");
        }
        String name = switch (split) {
            case "valid" -> VALID_EXITS;
            case "test" -> TEST_EXITS;
            default -> throw new IllegalArgumentException("split must be valid or test, was " + split);
        };
        Path file = folder.resolve(result.metrics().folder()).resolve(name);
        long[] shape = ArrayFile.readHeader(file).shape();
        float[] all = ArrayFile.readFloats(file);
        int exits = (int) shape[0];
        int block = (int) (shape[1] * shape[2]);
        float[][] perExit = new float[exits][];
        for (int j = 0; j < exits; j++) {
            perExit[j] = Arrays.copyOfRange(all, j * block, (j + 1) * block);
        }
        return perExit;
    }

    /**
     * Loads one trained branch network.
     *
     * @param position the branch's position in the mode's cascade (0 = first trained branch)
     * @throws StoreException naming the file when it is missing or unreadable
     */
    public ExitBranch loadBranch(BranchTrainingMode mode, int position) {
        ModeResult result = Objects.requireNonNull(modes.get(mode), () -> "the run has no mode " + mode);
        RunMetrics.BranchMetrics branch = result.cascadeBranches().get(position);
        return ExitBranch.load(folder.resolve(branch.file()), branch.spec(), branch.input());
    }
}
