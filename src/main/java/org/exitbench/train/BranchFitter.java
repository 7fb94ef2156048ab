package org.exitbench.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.NetworkSettings;
import org.exitbench.progress.CancellationToken;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Fits one branch network on rows of cached features with Adam, mini-batches in a seeded order, per-sample
 * weights when given, and early stopping on a validation set (the parameters of the epoch with the lowest
 * validation loss are kept).
 */
final class BranchFitter {

    /** Weights below this are treated as 0 when deciding whether a batch has anything to learn. */
    private static final double NEGLIGIBLE_WEIGHT = 1e-12;

    private final BranchSpec spec;
    private final BranchTrainingSettings settings;
    private final ILossFunction loss;
    private final EpochLength epochLength;

    BranchFitter(BranchSpec spec, BranchTrainingSettings settings) {
        this(spec, settings, EpochLength.onePass());
    }

    BranchFitter(BranchSpec spec, BranchTrainingSettings settings, EpochLength epochLength) {
        this.spec = spec;
        this.settings = settings;
        this.loss = TargetLabels.lossFor(settings.target(), settings.temperature());
        this.epochLength = Objects.requireNonNull(epochLength, "epochLength");
    }

    /** @return how many updates an epoch is */
    EpochLength epochLength() {
        return epochLength;
    }

    /**
     * Training rows with their targets.
     *
     * @param features the exit's features for the whole split
     * @param rows     the rows to learn from
     * @param labels   one target row of C values per entry of {@code rows}
     * @param weights  one weight per entry of {@code rows}, or null for equal weights
     */
    record TrainingRows(float[] features, int[] rows, float[] labels, double[] weights) {

        double totalWeight() {
            if (weights == null) {
                return rows.length;
            }
            double sum = 0;
            for (double w : weights) {
                sum += w;
            }
            return sum;
        }
    }

    /**
     * Validation rows.
     *
     * @param features the exit's features for the whole split
     * @param rows     the rows to validate on
     * @param labels   one target row per entry of {@code rows}, for the loss
     * @param truth    the ground-truth class per entry of {@code rows}, for the accuracy
     */
    record ValidationRows(float[] features, int[] rows, float[] labels, int[] truth) {
    }

    /** The fitted branch and its epochs. */
    record Fitted(ExitBranch branch, List<BranchEpoch> history, int bestEpoch) {
    }

    /**
     * @param seed seeds the initialisation and the batch order
     * @throws org.exitbench.progress.CancelledException when cancelled (checked before every batch)
     */
    Fitted fit(BranchInput input, TrainingRows train, ValidationRows valid, long seed, EpochRecorder recorder,
               CancellationToken cancel) {
        ExitBranch branch = newBranch(input, seed);
        int classes = input.classes();
        int n = train.rows().length;
        int batchSize = settings.batchSize();
        int[] order = new int[n];
        int[] batchRows = new int[n];
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        INDArray best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        List<BranchEpoch> history = new ArrayList<>();
        // Position in the current pass over the rows; a pass ends when every row has been in a batch, and the next
        // one is reshuffled. With one pass per epoch (the default) every epoch starts a pass, as it always did.
        int from = n;
        int updates = epochLength.batchesPerEpoch(n, batchSize);
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            if (epochLength.isOnePass()) {
                from = n;
            }
            double lossSum = 0;
            int batches = 0;
            for (int update = 0; update < updates && n > 0; update++) {
                cancel.throwIfCancelled();
                if (from >= n) {
                    shuffle(order, batchRows, train.rows(), random);
                    from = 0;
                }
                int start = from;
                int count = Math.min(batchSize, n - start);
                from += count;
                double scale = 1.0;
                if (train.weights() != null) {
                    scale = batchScale(train.weights(), order, start, count);
                    if (scale == 0) {
                        continue;
                    }
                }
                float[] labels = new float[count * classes];
                for (int i = 0; i < count; i++) {
                    System.arraycopy(train.labels(), order[start + i] * classes, labels, i * classes, classes);
                    if (train.weights() != null) {
                        // The weight travels in the label row, whose sum SoftTargetLoss reads as the weight.
                        float w = (float) (train.weights()[order[start + i]] * scale);
                        for (int c = 0; c < classes; c++) {
                            labels[i * classes + c] *= w;
                        }
                    }
                }
                INDArray features = branch.batch(train.features(), batchRows, start, count);
                branch.graph().fit(new DataSet(features, Nd4j.create(labels, new long[] {count, classes}, 'c')));
                lossSum += branch.graph().score();
                batches++;
            }
            cancel.throwIfCancelled();
            double[] validation = validate(branch, valid);
            boolean improved = validation[0] < bestLoss;
            if (improved) {
                bestLoss = validation[0];
                bestEpoch = epoch;
                best = branch.graph().params().dup();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            history.add(recorder.record(epoch, batches == 0 ? Double.NaN : lossSum / batches, validation[0],
                    validation[1], improved));
            if (settings.patience() > 0 && sinceBest >= settings.patience()) {
                break;
            }
        }
        if (best != null) {
            branch.graph().setParams(best);
        }
        return new Fitted(branch, history, bestEpoch);
    }

    /** Starts a pass: a new random order of the rows, and the rows in that order. */
    private static void shuffle(int[] order, int[] batchRows, int[] rows, SplittableRandom random) {
        int n = order.length;
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < n; i++) {
            batchRows[i] = rows[order[i]];
        }
    }

    /** @return the network {@link #fit} would start from, with the given parameters: a fitted branch again */
    ExitBranch restore(BranchInput input, long seed, INDArray params) {
        ExitBranch branch = newBranch(input, seed);
        branch.graph().setParams(params);
        return branch;
    }

    private ExitBranch newBranch(BranchInput input, long seed) {
        NetworkSettings network = NetworkSettings.builder()
                .updater(new Adam(settings.learningRate()))
                .weightDecay(settings.weightDecay())
                .build();
        return ExitBranch.create(spec, input, seed, network, loss);
    }

    /**
     * The factor that scales the batch's weights to mean 1. DL4J divides each batch's summed loss and gradient
     * by the batch size, so the batch then contributes Σ w ℓ / Σ w: a self-normalised estimate of the weighted
     * loss (our choice for CalexNet's Σ w ℓ / Σ w). 0 when the whole batch weighs nothing.
     */
    private static double batchScale(double[] weights, int[] order, int from, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += weights[order[from + i]];
        }
        return sum < NEGLIGIBLE_WEIGHT ? 0 : count / sum;
    }

    /** @return {validation loss, accuracy against ground truth} */
    private double[] validate(ExitBranch branch, ValidationRows valid) {
        int classes = branch.input().classes();
        int n = valid.rows().length;
        float[] p = branch.probabilities(valid.features(), valid.rows());
        int correct = 0;
        float[] logP = new float[p.length];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 0; c < classes; c++) {
                float v = p[i * classes + c];
                logP[i * classes + c] = (float) Math.log(Math.max(v, 1e-30f));
                if (v > p[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == valid.truth()[i] ? 1 : 0;
        }
        // The loss of the output layer evaluated on log p: softmax(log p) = p, and softmax(log p / T) is the
        // branch's softmax at temperature T, so one implementation serves training and validation.
        double validLoss = loss.computeScore(Nd4j.create(valid.labels(), new long[] {n, classes}, 'c'),
                Nd4j.create(logP, new long[] {n, classes}, 'c'), TargetLabels.outputActivation(), null, true);
        return new double[] {validLoss, (double) correct / n};
    }

    /** Turns an epoch's numbers into the record that the history keeps and the listener receives. */
    @FunctionalInterface
    interface EpochRecorder {
        BranchEpoch record(int epoch, double trainLoss, double validLoss, double validAccuracy, boolean best);
    }
}
