package org.exitbench.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.decision.DecisionInputs;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ImageFiles;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeaturePooling;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Classifies images with an exported cascade, really stopping at the first exit that fires: backbone segment k runs
 * only for the images no exit before k has taken, and the rest of the backbone never runs for an image that left.
 *
 * <p>Per exit k: segment k computes the feature map at exit k's vertex, the map is pooled as the workbench pooled it
 * ({@link FeaturePooling}), branch k scores it, and every image whose score reaches τ[k][ĉ] (ĉ its predicted class,
 * the same test as {@link org.exitbench.cascade.CascadeEvaluator}) is answered there. A batch is compacted after
 * every exit: only the rows still alive are copied into the next segment's input. Images no exit takes get the
 * backbone head's answer. Branches run as {@link BranchKernel}s (plain Java, checked against their DL4J networks
 * when the predictor is made), because DL4J's fixed cost per layer call would otherwise dominate a branch's time.
 *
 * <p>Inputs are images of the cascade's geometry with pixel values 0..255 (an {@link ImageDataset} row, a float
 * array, or image files decoded by the data layer), normalised with the exported {@link ChannelStats} exactly as
 * the workbench's iterators do, or already normalised arrays ({@link #predict(INDArray)}). Gray images given to a
 * colour cascade have their value repeated in every channel; colour images given to a gray cascade are refused.
 *
 * <p><strong>Not thread-safe.</strong> DL4J networks keep per-call state, and so does this class. Use one predictor
 * per thread ({@link #copy()} makes another with its own networks) or synchronise calls on one.
 */
public final class EarlyExitPredictor {

    /** How many classes a prediction lists by default. */
    public static final int DEFAULT_TOP = 3;

    private final ExportedCascade cascade;
    private final CascadeManifest manifest;
    private final Thresholds thresholds;
    private final List<ComputationGraph> segments;
    private final List<ExitBranch> branches;
    private final BranchKernel[] kernels;
    private final int exits;
    private final int classes;
    private final int top;
    private final double logClasses;
    // The rule's score when it is derived (it may read earlier exits' outputs); null for max-softmax and entropy.
    private final ExitDecisionRule derivedRule;

    /** A predictor listing the {@value #DEFAULT_TOP} most probable classes. */
    public EarlyExitPredictor(ExportedCascade cascade) {
        this(cascade, DEFAULT_TOP);
    }

    /**
     * Makes a predictor with its own copies of the cascade's networks.
     *
     * @param top how many of the most probable classes each prediction lists (at most the number of classes)
     * @throws CascadeFileException when a branch's fast kernel and its DL4J network disagree (a branch this version
     *                              cannot run faithfully)
     */
    public EarlyExitPredictor(ExportedCascade cascade, int top) {
        this.cascade = cascade;
        this.manifest = cascade.manifest();
        this.thresholds = cascade.thresholds();
        this.derivedRule = cascade.decisionRule().slot() == ExitRule.DERIVED ? cascade.decisionRule() : null;
        this.exits = cascade.exitCount();
        this.classes = manifest.classNames().size();
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, was " + top);
        }
        this.top = Math.min(top, classes);
        this.logClasses = Math.log(classes);
        this.segments = cascade.segments().stream().map(ComputationGraph::clone).toList();
        this.branches = cascade.branches();
        this.kernels = new BranchKernel[exits];
        for (int k = 0; k < exits; k++) {
            kernels[k] = checkedKernel(k);
        }
    }

    /** Loads a cascade file and makes a predictor for it. */
    public static EarlyExitPredictor load(Path file) {
        return new EarlyExitPredictor(CascadeFile.load(file));
    }

    /** @return another predictor for the same cascade, sharing no mutable state with this one */
    public EarlyExitPredictor copy() {
        return new EarlyExitPredictor(cascade, top);
    }

    /** @return the cascade this predictor runs */
    public ExportedCascade cascade() {
        return cascade;
    }

    /** Classifies image {@code index} of a dataset of the cascade's geometry. */
    public Prediction predict(ImageDataset images, int index) {
        return predict(images, index, 1).get(0);
    }

    /**
     * Classifies images {@code from .. from + count − 1} of a dataset as one batch.
     *
     * @throws IllegalArgumentException when the images' size or channels do not fit the cascade
     */
    public List<Prediction> predict(ImageDataset images, int from, int count) {
        return predict(normalise(images, from, count));
    }

    /**
     * Classifies one image given as C×H×W pixel values 0..255, channel-major (the layout of {@link ImageDataset}).
     *
     * @throws IllegalArgumentException when the array's length does not fit the cascade's input
     */
    public Prediction predict(float[] pixels) {
        int size = manifest.inputChannels() * manifest.inputHeight() * manifest.inputWidth();
        if (pixels.length != size) {
            throw new IllegalArgumentException("the image has " + pixels.length + " values, the cascade takes "
                    + manifest.inputChannels() + "×" + manifest.inputHeight() + "×" + manifest.inputWidth() + " = "
                    + size);
        }
        ChannelStats stats = manifest.stats();
        int plane = manifest.inputHeight() * manifest.inputWidth();
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            int channel = i / plane;
            values[i] = (float) ((pixels[i] / 255.0 - stats.mean()[channel]) / stats.std()[channel]);
        }
        return predict(Nd4j.create(values, new long[] {1, manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth()}, 'c')).get(0);
    }

    /** Decodes one image file with the data layer (resized to the cascade's size if it differs) and classifies it. */
    public Prediction predict(Path imageFile) {
        return predictFiles(List.of(imageFile), ProgressListener.NONE, CancellationToken.NEVER).get(0);
    }

    /**
     * Decodes image files and classifies them as one batch, in the order given.
     *
     * @throws org.exitbench.data.DatasetException naming a file that cannot be decoded
     */
    public List<Prediction> predictFiles(List<Path> files, ProgressListener progress, CancellationToken cancel) {
        ImageFiles.Decoded decoded = ImageFiles.decode(files, manifest.inputHeight(), manifest.inputWidth(), progress,
                cancel);
        return predict(decoded.images(), 0, decoded.images().size());
    }

    /**
     * Classifies a batch of normalised images.
     *
     * @param images N×C×H×W in NCHW order, normalised as the workbench's iterators do
     * @return one prediction per row, in order
     */
    public List<Prediction> predict(INDArray images) {
        int n = (int) images.size(0);
        INDArray current = networkInput(images);
        Prediction[] out = new Prediction[n];
        long[][] segmentNanos = new long[n][];
        long[][] branchNanos = new long[n][];
        int[] alive = new int[n];
        for (int i = 0; i < n; i++) {
            alive[i] = i;
        }
        int aliveCount = n;
        // With a derived rule, every exit's probabilities by original row: the rule may read earlier exits.
        float[][] history = derivedRule == null ? null : new float[exits][];
        for (int k = 0; k < exits && aliveCount > 0; k++) {
            long started = System.nanoTime();
            INDArray map = segments.get(k).outputSingle(false, current);
            long segmentDone = System.nanoTime();
            float[] raw = values(map);
            float[] probabilities = score(k, raw, aliveCount);
            float[] derived = history == null ? null : derivedScores(history, k, probabilities, alive, aliveCount, n);
            int survivors = 0;
            int[] kept = new int[aliveCount];
            for (int i = 0; i < aliveCount; i++) {
                boolean fires = derived == null ? fires(k, probabilities, i * classes)
                        : thresholds.admits(k, argmax(probabilities, i * classes), derived[i]);
                if (fires) {
                    out[alive[i]] = answer(k, probabilities, i * classes);
                } else {
                    kept[survivors++] = i;
                }
            }
            if (survivors > 0 && survivors < aliveCount) {
                current = rows(raw, map.shape(), kept, survivors);
            } else {
                current = map;
            }
            long branchDone = System.nanoTime();
            for (int i = 0; i < aliveCount; i++) {
                int row = alive[i];
                segmentNanos[row] = append(segmentNanos[row], (segmentDone - started) / aliveCount);
                branchNanos[row] = append(branchNanos[row], (branchDone - segmentDone) / aliveCount);
            }
            for (int s = 0; s < survivors; s++) {
                alive[s] = alive[kept[s]];
            }
            aliveCount = survivors;
        }
        if (aliveCount > 0) {
            long started = System.nanoTime();
            float[] probabilities = values(segments.get(exits).outputSingle(false, current));
            long done = System.nanoTime();
            for (int i = 0; i < aliveCount; i++) {
                int row = alive[i];
                segmentNanos[row] = append(segmentNanos[row], (done - started) / aliveCount);
                out[row] = answer(exits, probabilities, i * classes);
            }
        }
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Prediction p = out[i];
            predictions.add(new Prediction(p.classIndex(), p.className(), p.exit(), p.exitVertex(), p.early(),
                    p.confidence(), p.top(), segmentNanos[i], branchNanos[i] == null ? new long[0] : branchNanos[i]));
        }
        return predictions;
    }

    /**
     * Pools the alive rows' maps and runs branch k on them; returns their probabilities, row-major.
     *
     * @param map the maps as segment k hands them on (its {@link CascadeManifest.Exit#mapFormat()}), row-major
     */
    private float[] score(int k, float[] map, int count) {
        ExitBranch branch = branches.get(k);
        CascadeManifest.Exit exit = manifest.exits().get(k);
        float[] features = pool(manifest.pooling(), exit.mapFormat(), map, count, exit.mapChannels(),
                exit.mapHeight(), exit.mapWidth());
        float[] input = features;
        if (branch.spec().type() == BranchType.CONV1D_CHANNELS && branch.input().grid() > 1) {
            // The channel-vector branch averages the cells of a k×k cache; ExitBranch lays that out.
            input = branch.batch(features, null, 0, count).dup('c').data().asFloat();
        }
        BranchKernel kernel = kernels[k];
        float[] probabilities = new float[count * classes];
        for (int i = 0; i < count; i++) {
            kernel.probabilities(input, i * kernel.inputSize(), probabilities, i * classes);
        }
        return probabilities;
    }

    /**
     * Pools maps as the workbench's feature cache did ({@link FeaturePooling}), from the layout a segment hands them
     * on in. The work is done here in Java rather than by ND4J calls (permute, copy): at batch 1 the fixed cost of
     * each ND4J call outweighs it (docs/results/measured-speedup.md).
     *
     * @param map N×C×H×W or N×H×W×C values, row-major
     * @return N × {@code pooling.featureDim(channels)} values, the same floats as {@link FeaturePooling#pool} gives
     *         on the NCHW maps
     */
    static float[] pool(FeaturePooling pooling, CNN2DFormat format, float[] map, int count, int channels, int height,
                        int width) {
        int plane = height * width;
        int featureDim = pooling.featureDim(channels);
        float[] features = new float[count * featureDim];
        if (format == CNN2DFormat.NHWC && pooling.grid() == 1) {
            // Global average straight from NHWC: per channel the same double sums, added in the same order, as
            // FeaturePooling's, so the same floats, without reordering the map first.
            double[] sums = new double[channels];
            for (int i = 0; i < count; i++) {
                Arrays.fill(sums, 0);
                for (int p = 0, at = i * channels * plane; p < plane; p++, at += channels) {
                    for (int c = 0; c < channels; c++) {
                        sums[c] += map[at + c];
                    }
                }
                for (int c = 0; c < channels; c++) {
                    features[i * channels + c] = (float) (sums[c] / plane);
                }
            }
            return features;
        }
        float[] nchw = format == CNN2DFormat.NHWC ? nhwcToNchw(map, count, channels, plane) : map;
        pooling.pool(nchw, count, channels, height, width, features, 0);
        return features;
    }

    /**
     * Records exit k's probabilities of the alive rows and returns the derived rule's scores for them, computed
     * from exits 0..k of those rows as the workbench computes them from the stored outputs.
     */
    private float[] derivedScores(float[][] history, int k, float[] probabilities, int[] alive, int aliveCount,
                                  int n) {
        history[k] = new float[n * classes];
        for (int i = 0; i < aliveCount; i++) {
            System.arraycopy(probabilities, i * classes, history[k], alive[i] * classes, classes);
        }
        float[][] upTo = new float[k + 1][];
        for (int j = 0; j <= k; j++) {
            float[] rows = new float[aliveCount * classes];
            for (int i = 0; i < aliveCount; i++) {
                System.arraycopy(history[j], alive[i] * classes, rows, i * classes, classes);
            }
            upTo[j] = rows;
        }
        return derivedRule.scoresAt(new DecisionInputs(upTo, aliveCount, classes), k);
    }

    /** Whether exit k takes the row whose probabilities start at {@code at}: score ≥ τ[k][ĉ]. */
    private boolean fires(int k, float[] p, int at) {
        int predicted = argmax(p, at);
        float score;
        if (thresholds.rule() == ExitRule.ENTROPY) {
            // As ExitScores computes its certainty: entropy in double over the float probabilities, normalised.
            double h = 0;
            for (int c = 0; c < classes; c++) {
                float v = p[at + c];
                if (v > 0f) {
                    h -= v * Math.log(v);
                }
            }
            score = (float) (1.0 - Math.min(1.0, Math.max(0.0, h / logClasses)));
        } else {
            score = p[at + predicted];
        }
        return thresholds.admits(k, predicted, score);
    }

    /** The prediction of exit {@code exit} (K = head) from its probabilities; timings are filled in later. */
    private Prediction answer(int exit, float[] p, int at) {
        String vertex = exit < exits ? manifest.exits().get(exit).vertex() : ExitPoints.FINAL;
        return Prediction.fromProbabilities(exit, vertex, exit < exits, p, at, manifest.classNames(), top);
    }

    /** @return the first index of the largest probability, so ties go to the lower class as in ExitScores */
    private int argmax(float[] p, int at) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[at + c] > p[at + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Copies the kept rows of a map (row-major, batch first) into a new batch. */
    private static INDArray rows(float[] raw, long[] shape, int[] kept, int count) {
        int rowSize = (int) (raw.length / shape[0]);
        float[] values = new float[count * rowSize];
        for (int s = 0; s < count; s++) {
            System.arraycopy(raw, kept[s] * rowSize, values, s * rowSize, rowSize);
        }
        long[] newShape = shape.clone();
        newShape[0] = count;
        return Nd4j.create(values, newShape, 'c');
    }

    /** @return an array's values in row-major order, copied once (a fresh dense array is not duplicated first) */
    private static float[] values(INDArray array) {
        boolean dense = array.ordering() == 'c' && !array.isView() && array.data().length() == array.length();
        return (dense ? array : array.dup('c')).data().asFloat();
    }

    /** Reorders N×H×W×C values (row-major) into N×C×H×W. */
    private static float[] nhwcToNchw(float[] nhwc, int n, int channels, int plane) {
        float[] nchw = new float[nhwc.length];
        for (int image = 0; image < n; image++) {
            int base = image * channels * plane;
            for (int p = 0; p < plane; p++) {
                int from = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    nchw[base + c * plane + p] = nhwc[from + c];
                }
            }
        }
        return nchw;
    }

    /** @return normalised NCHW images in the layout the first segment takes */
    INDArray networkInput(INDArray nchw) {
        return manifest.inputFormat() == CNN2DFormat.NHWC ? nchw.permute(0, 2, 3, 1).dup('c') : nchw;
    }

    /**
     * Checks that dataset rows fit a cascade's input, for this predictor and the ONNX Runtime one alike.
     *
     * @throws IllegalArgumentException naming the size, the colour or the rows that do not fit
     */
    public static void requireRows(ImageDataset images, int from, int count, int channels, int height, int width) {
        if (images.height() != height || images.width() != width) {
            throw new IllegalArgumentException("the images are " + images.height() + "×" + images.width()
                    + " pixels, the cascade takes " + height + "×" + width);
        }
        if (images.channels() != channels && images.channels() != 1) {
            throw new IllegalArgumentException("the images are in colour (e.g. " + images.source(from)
                    + "), the cascade takes " + channels + "-channel images");
        }
        if (count < 1 || from < 0 || from + count > images.size()) {
            throw new IllegalArgumentException("rows " + from + ".." + (from + count - 1) + " are not within the "
                    + images.size() + " images");
        }
    }

    /** Normalises dataset rows into an NCHW batch, as ImageDataSetIterator does (no augmentation). */
    INDArray normalise(ImageDataset images, int from, int count) {
        int channels = manifest.inputChannels();
        int height = manifest.inputHeight();
        int width = manifest.inputWidth();
        requireRows(images, from, count, channels, height, width);
        ChannelStats stats = manifest.stats();
        int plane = height * width;
        byte[] image = new byte[images.imageBytes()];
        float[] values = new float[count * channels * plane];
        for (int i = 0; i < count; i++) {
            images.copyImage(from + i, image, 0);
            for (int ch = 0; ch < channels; ch++) {
                int source = images.channels() == 1 ? 0 : ch;
                int base = (i * channels + ch) * plane;
                for (int p = 0; p < plane; p++) {
                    values[base + p] = stats.normalize(ch, image[source * plane + p] & 0xFF);
                }
            }
        }
        return Nd4j.create(values, new long[] {count, channels, height, width}, 'c');
    }

    /**
     * Builds branch k's kernel and checks it against the branch's DL4J network on probe inputs.
     *
     * @throws CascadeFileException when they disagree
     */
    private BranchKernel checkedKernel(int k) {
        ExitBranch branch = branches.get(k);
        BranchKernel kernel;
        try {
            kernel = new BranchKernel(branch);
        } catch (IllegalArgumentException e) {
            throw new CascadeFileException(cascade.file(), "holds a branch at " + manifest.exits().get(k).vertex()
                    + " that this version cannot run: " + e.getMessage());
        }
        int rows = 4;
        SplittableRandom random = new SplittableRandom(8L + k);
        float[] features = new float[rows * branch.input().featureDim()];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) Math.abs(random.nextGaussian());
        }
        INDArray batch = branch.batch(features, null, 0, rows);
        float[] expected = branch.graph().clone().outputSingle(false, batch).dup('c').data().asFloat();
        float[] input = batch.dup('c').data().asFloat();
        float[] actual = new float[rows * classes];
        for (int i = 0; i < rows; i++) {
            kernel.probabilities(input, i * kernel.inputSize(), actual, i * classes);
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        if (!(worst <= BranchKernel.AGREEMENT)) {
            throw new CascadeFileException(cascade.file(), "holds a branch at " + manifest.exits().get(k).vertex()
                    + " (" + branch.spec().describe() + ") that this version cannot run faithfully: its kernel and "
                    + "its DL4J network differ by " + worst);
        }
        return kernel;
    }

    private static long[] append(long[] values, long value) {
        long[] grown = values == null ? new long[1] : Arrays.copyOf(values, values.length + 1);
        grown[grown.length - 1] = value;
        return grown;
    }
}
