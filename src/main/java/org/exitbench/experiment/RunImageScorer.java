package org.exitbench.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.data.ImageDataset;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.TargetLabels;

/**
 * Scores images from outside the dataset with one mode of a run, every exit, as the run scored its test images: the
 * run's backbone (a DL4J zip or an imported ONNX model, checked by fingerprint) extracts the pooled features at the
 * cascade's exit points ({@link Backbone#features}), each trained branch gives its softmax
 * ({@link ExitBranch#probabilities}), the head's logits give the backbone's, and {@link ExitScores} holds them as it
 * holds the run's test scores. So an image read here gets exactly the scores it would have got as a test image, and
 * the cascade's thresholds, whichever rule they compare, act on them as on the run's own.
 *
 * <p>Every exit is scored, not only those up to where the image leaves: the path shows what the later exits would
 * have said, and moving a threshold re-decides without running the network again.
 *
 * <p>Loading takes a second or two (the backbone and its branches); scoring an image then takes milliseconds. Not
 * thread-safe: calls are synchronised.
 */
public final class RunImageScorer implements AutoCloseable {

    private final ExperimentRun run;
    private final BranchTrainingMode mode;
    private final Backbone backbone;
    private final BackboneFeatures features;
    private final List<ExitBranch> branches;
    private final CostModel costs;

    private RunImageScorer(ExperimentRun run, BranchTrainingMode mode, Backbone backbone, List<ExitBranch> branches,
                           CostModel costs) {
        this.run = run;
        this.mode = mode;
        this.backbone = backbone;
        this.branches = List.copyOf(branches);
        this.costs = costs;
        this.features = backbone.features(run.config().pooling(), 1, 1);
    }

    /**
     * Loads a run's backbone and one mode's branches.
     *
     * @throws ExperimentException when the run has no cascade for the mode, its backbone file is missing or is not
     *                             the one the run used
     * @throws org.exitbench.store.StoreException naming a file of the run that is missing or unreadable
     */
    public static RunImageScorer open(Path runFolder, BranchTrainingMode mode) {
        ExperimentRun run = ExperimentRun.load(runFolder);
        ExperimentRun.ModeResult result = run.mode(mode).filter(ExperimentRun.ModeResult::hasCascade)
                .orElseThrow(() -> new ExperimentException("run " + run.id() + " has no "
                        + ExperimentConfig.modeName(mode) + " cascade to run an image through"));
        Path backbonePath = ExperimentPipeline.backbonePath(run.config());
        if (!Files.isRegularFile(backbonePath)) {
            throw new ExperimentException("the backbone of run " + run.id() + ", " + backbonePath
                    + ", does not exist");
        }
        Backbone backbone = ExperimentPipeline.readBackbone(backbonePath);
        String expected = run.metrics().provenance().backboneFingerprint();
        if (expected != null && !backbone.fingerprint().equals(expected)) {
            throw new ExperimentException("the backbone " + backbonePath + " is not the one run " + run.id()
                    + " used (another fingerprint): its cascade cannot be run");
        }
        List<String> vertices = result.cascadeBranches().stream().map(RunMetrics.BranchMetrics::vertex).toList();
        backbone = backbone.withExitPoints(new ExitPoints(vertices));
        List<ExitBranch> branches = new ArrayList<>();
        for (int position = 0; position < vertices.size(); position++) {
            branches.add(run.loadBranch(mode, position));
        }
        return new RunImageScorer(run, mode, backbone, branches, result.costModel());
    }

    /**
     * What the cascade's parts said about one image.
     *
     * @param scores one sample's scores at every exit and the head (its label is a placeholder, 0: the image has
     *               none)
     * @param inputs every exit's softmax, for exit decision rules other than max-softmax and entropy
     */
    public record Scored(ExitScores scores, DecisionInputs inputs) {
    }

    /**
     * Runs one image through the backbone and every branch.
     *
     * @param pixels C×H×W values 0..255 of the backbone's geometry ({@link #inputChannels()} …)
     * @param source where the image came from, for messages
     * @throws IllegalArgumentException when the pixels do not fit the backbone's input
     */
    public synchronized Scored score(byte[] pixels, String source) {
        Objects.requireNonNull(pixels, "pixels");
        int expected = inputChannels() * inputHeight() * inputWidth();
        if (pixels.length != expected) {
            throw new IllegalArgumentException(source + ": " + pixels.length + " values, the backbone takes "
                    + inputChannels() + "×" + inputHeight() + "×" + inputWidth() + " = " + expected);
        }
        int classes = backbone.numClasses();
        ImageDataset one = new ImageDataset(pixels, new int[] {0}, inputChannels(), inputHeight(), inputWidth(),
                backbone.classNames(), List.of(source));
        SplitFeatures split = features.extract(one, ProgressListener.NONE, CancellationToken.NEVER);
        float[][] probabilities = new float[branches.size()][];
        for (int k = 0; k < branches.size(); k++) {
            probabilities[k] = branches.get(k).probabilities(split.features(k), null);
        }
        ExitScores scores = ExitScores.fromProbabilities(probabilities, TargetLabels.backboneProbabilities(split),
                new int[] {0}, classes);
        return new Scored(scores, DecisionInputs.of(probabilities, classes));
    }

    /**
     * Runs a blank image through every part once, so the engine's one-time work (compiled code, native primitives
     * for the image size) is done before the first image someone waits for.
     */
    public void warmUp() {
        score(new byte[inputChannels() * inputHeight() * inputWidth()], "warm-up image");
    }

    /**
     * Where a sample leaves at given thresholds, by the cascade's rule ({@link Thresholds#admits}, as
     * {@link org.exitbench.cascade.CascadeEvaluator} decides it): the first exit whose score reaches the threshold of
     * the class it predicts.
     *
     * @param scores the scores, with the thresholds' score attached when their rule is derived
     * @return 0..K−1 for a branch, K when no exit fires and the backbone's head answers
     */
    public static int exitTaken(ExitScores scores, int sample, Thresholds thresholds) {
        int exits = scores.exitCount();
        for (int k = 0; k < exits; k++) {
            if (thresholds.admits(k, scores.predicted(k, sample), scores.score(thresholds.rule(), k, sample))) {
                return k;
            }
        }
        return exits;
    }

    /** @return the run */
    public ExperimentRun run() {
        return run;
    }

    /** @return the mode whose branches score */
    public BranchTrainingMode mode() {
        return mode;
    }

    /** @return the MACs of each exit of this mode's cascade, as the run counted them */
    public CostModel costModel() {
        return costs;
    }

    /** @return the class names, index = class */
    public List<String> classNames() {
        return backbone.classNames();
    }

    /** @return C of the images the backbone takes */
    public int inputChannels() {
        return backbone.inputChannels();
    }

    /** @return H of the images the backbone takes */
    public int inputHeight() {
        return backbone.inputHeight();
    }

    /** @return W of the images the backbone takes */
    public int inputWidth() {
        return backbone.inputWidth();
    }

    /** @return the normalisation's per-channel mean of pixel / 255: what the backbone's training images averaged */
    public double[] channelMeans() {
        return backbone.stats().mean();
    }

    /** Frees the engine's native resources (an ONNX Runtime session). */
    @Override
    public synchronized void close() {
        features.close();
    }
}
