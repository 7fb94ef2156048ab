package org.exitbench.cascade.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains a {@link LearnedHeadRule} in plain Java: per exit, on the training samples that reach it, a binary
 * classifier of "this exit's answer is trustworthy" (equals the backbone's, or is right), with Adam on the mean
 * binary cross-entropy plus L2 on the weights, mini-batches in an order drawn from a seeded
 * {@link SplittableRandom}, and early stopping on a held-out share of those samples (its own split: neither the
 * calibration split nor the validation numbers see it). The parameters of the epoch with the lowest held-out loss
 * are kept. The same inputs and seed give bit-identical heads.
 */
public final class HeadTrainer {

    /**
     * @param hidden       hidden units; 0 trains a logistic regression
     * @param maxEpochs    passes over the training rows, at most
     * @param patience     epochs without a lower held-out loss before stopping
     * @param learningRate Adam's step size
     * @param batchSize    rows per update
     * @param l2           L2 coefficient on the weights (not the biases)
     * @param holdOut      the share of an exit's rows held out for early stopping, in (0, 0.5]
     * @param seed         initial weights, split and batch order
     * @param target       what the heads learn to predict
     */
    public record Settings(int hidden, int maxEpochs, int patience, double learningRate, int batchSize, double l2,
                           double holdOut, long seed, DecisionTarget target) {

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public Settings {
            Objects.requireNonNull(target, "target");
            if (hidden < 0 || hidden > ExitHead.MAX_HIDDEN) {
                throw new IllegalArgumentException("hidden must be in [0, " + ExitHead.MAX_HIDDEN + "], was " + hidden);
            }
            if (maxEpochs < 1 || patience < 1 || batchSize < 1) {
                throw new IllegalArgumentException("maxEpochs, patience and batchSize must be at least 1");
            }
            if (!(learningRate > 0 && learningRate < 1) || !(l2 >= 0 && l2 < 1)) {
                throw new IllegalArgumentException("learningRate must be in (0, 1) and l2 in [0, 1)");
            }
            if (!(holdOut > 0 && holdOut <= 0.5)) {
                throw new IllegalArgumentException("holdOut must be in (0, 0.5], was " + holdOut);
            }
        }

        /** @return 16 hidden units, up to 200 epochs, patience 10, Adam 0.01, batches of 128, L2 1e-4, 20 % held out */
        public static Settings defaults(long seed) {
            return new Settings(16, 200, 10, 0.01, 128, 1e-4, 0.2, seed, DecisionTarget.BACKBONE);
        }

        /** @return these settings with another number of hidden units */
        public Settings withHidden(int units) {
            return new Settings(units, maxEpochs, patience, learningRate, batchSize, l2, holdOut, seed, target);
        }

        /** @return these settings with another target */
        public Settings withTarget(DecisionTarget value) {
            return new Settings(hidden, maxEpochs, patience, learningRate, batchSize, l2, holdOut, seed, value);
        }
    }

    /** An exit needs at least this many reaching rows; with fewer it trains on every row of the split. */
    public static final int MIN_ROWS = 50;

    private final Settings settings;

    public HeadTrainer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param inputs   the training split's probabilities
     * @param backbone per sample, the backbone's answer
     * @param labels   per sample, the ground truth
     * @param reaching per exit, which samples reach it (null entries or a null array: every sample)
     * @return one head per exit
     */
    public LearnedHeadRule train(DecisionInputs inputs, int[] backbone, int[] labels, boolean[][] reaching) {
        int n = inputs.samples();
        if (backbone.length != n || labels.length != n) {
            throw new IllegalArgumentException("backbone and labels need " + n + " entries each, have "
                    + backbone.length + " and " + labels.length);
        }
        int[] wanted = settings.target() == DecisionTarget.BACKBONE ? backbone : labels;
        List<ExitHead> heads = new ArrayList<>();
        for (int k = 0; k < inputs.exitCount(); k++) {
            boolean[] mask = reaching == null ? null : reaching[k];
            int[] rows = rows(mask, n);
            if (rows.length < MIN_ROWS) {
                rows = rows(null, n);
            }
            heads.add(trainExit(inputs, wanted, k, rows));
        }
        return new LearnedHeadRule(heads, settings.target(), inputs.classes());
    }

    private static int[] rows(boolean[] mask, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            count += mask == null || mask[i] ? 1 : 0;
        }
        int[] rows = new int[count];
        for (int i = 0, r = 0; i < n; i++) {
            if (mask == null || mask[i]) {
                rows[r++] = i;
            }
        }
        return rows;
    }

    private ExitHead trainExit(DecisionInputs inputs, int[] wanted, int exit, int[] rows) {
        int f = HeadFeatures.count(inputs.classes(), exit);
        int m = rows.length;
        double[] x = new double[m * f];
        double[] y = new double[m];
        for (int r = 0; r < m; r++) {
            HeadFeatures.write(inputs, exit, rows[r], x, r * f);
            y[r] = inputs.predicted(exit, rows[r]) == wanted[rows[r]] ? 1 : 0;
        }
        SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + exit);
        int[] order = permutation(m, random);
        int held = Math.max(1, (int) Math.round(m * settings.holdOut()));
        int[] stop = java.util.Arrays.copyOfRange(order, 0, held);
        int[] fit = java.util.Arrays.copyOfRange(order, held, m);
        double[] mean = new double[f];
        double[] scale = new double[f];
        for (int r : fit) {
            for (int j = 0; j < f; j++) {
                mean[j] += x[r * f + j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= fit.length;
        }
        for (int r : fit) {
            for (int j = 0; j < f; j++) {
                double d = x[r * f + j] - mean[j];
                scale[j] += d * d;
            }
        }
        for (int j = 0; j < f; j++) {
            double sd = Math.sqrt(scale[j] / fit.length);
            // A constant feature (e.g. a class no training row predicts) is left unscaled.
            scale[j] = sd > 1e-6 ? sd : 1;
        }
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < f; j++) {
                x[r * f + j] = (x[r * f + j] - mean[j]) / scale[j];
            }
        }
        Network net = new Network(f, settings.hidden(), random);
        double[] best = net.params.clone();
        double bestLoss = net.loss(x, y, stop);
        int since = 0;
        for (int epoch = 0; epoch < settings.maxEpochs() && since < settings.patience(); epoch++) {
            shuffle(fit, random);
            for (int from = 0; from < fit.length; from += settings.batchSize()) {
                net.step(x, y, fit, from, Math.min(fit.length, from + settings.batchSize()), settings);
            }
            double loss = net.loss(x, y, stop);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = net.params.clone();
                since = 0;
            } else {
                since++;
            }
        }
        return net.head(best, mean, scale);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * The parameters in one array, so Adam's moments and the best epoch's copy are single arrays. Layout with a
     * hidden layer: w1 (H × F), b1 (H), w2 (H), b2; without: w (F), b.
     */
    private static final class Network {
        final int f;
        final int h;
        final double[] params;
        final double[] grad;
        final double[] m1;
        final double[] m2;
        final boolean[] decayed;
        final double[] act;
        int steps;

        Network(int f, int h, SplittableRandom random) {
            this.f = f;
            this.h = h;
            int size = h == 0 ? f + 1 : h * f + 2 * h + 1;
            params = new double[size];
            grad = new double[size];
            m1 = new double[size];
            m2 = new double[size];
            decayed = new boolean[size];
            act = new double[Math.max(1, h)];
            if (h == 0) {
                for (int j = 0; j < f; j++) {
                    decayed[j] = true;
                }
            } else {
                // He initialisation for the ReLU layer, Xavier for the output unit; biases start at 0.
                double a1 = Math.sqrt(6.0 / f);
                for (int j = 0; j < h * f; j++) {
                    params[j] = (2 * random.nextDouble() - 1) * a1;
                    decayed[j] = true;
                }
                double a2 = Math.sqrt(6.0 / (h + 1));
                for (int j = 0; j < h; j++) {
                    params[h * f + h + j] = (2 * random.nextDouble() - 1) * a2;
                    decayed[h * f + h + j] = true;
                }
            }
        }

        double logit(double[] x, int at) {
            if (h == 0) {
                double z = params[f];
                for (int j = 0; j < f; j++) {
                    z += params[j] * x[at + j];
                }
                return z;
            }
            double z = params[h * f + 2 * h];
            for (int u = 0; u < h; u++) {
                double a = params[h * f + u];
                for (int j = 0, w = u * f; j < f; j++, w++) {
                    a += params[w] * x[at + j];
                }
                act[u] = Math.max(0, a);
                z += params[h * f + h + u] * act[u];
            }
            return z;
        }

        /** @return the mean binary cross-entropy over {@code rows}, from the logits (stable form) */
        double loss(double[] x, double[] y, int[] rows) {
            double sum = 0;
            for (int r : rows) {
                double z = logit(x, r * f);
                sum += Math.max(z, 0) - z * y[r] + Math.log1p(Math.exp(-Math.abs(z)));
            }
            return sum / rows.length;
        }

        void step(double[] x, double[] y, int[] rows, int from, int to, Settings s) {
            java.util.Arrays.fill(grad, 0);
            int count = to - from;
            for (int b = from; b < to; b++) {
                int r = rows[b];
                int at = r * f;
                double z = logit(x, at);
                double d = (1.0 / (1.0 + Math.exp(-z)) - y[r]) / count;
                if (h == 0) {
                    for (int j = 0; j < f; j++) {
                        grad[j] += d * x[at + j];
                    }
                    grad[f] += d;
                    continue;
                }
                grad[h * f + 2 * h] += d;
                for (int u = 0; u < h; u++) {
                    grad[h * f + h + u] += d * act[u];
                    if (act[u] > 0) {
                        double du = d * params[h * f + h + u];
                        grad[h * f + u] += du;
                        for (int j = 0, w = u * f; j < f; j++, w++) {
                            grad[w] += du * x[at + j];
                        }
                    }
                }
            }
            steps++;
            double c1 = 1 - Math.pow(0.9, steps);
            double c2 = 1 - Math.pow(0.999, steps);
            for (int j = 0; j < params.length; j++) {
                double g = grad[j] + (decayed[j] ? s.l2() * params[j] : 0);
                m1[j] = 0.9 * m1[j] + 0.1 * g;
                m2[j] = 0.999 * m2[j] + 0.001 * g * g;
                params[j] -= s.learningRate() * (m1[j] / c1) / (Math.sqrt(m2[j] / c2) + 1e-8);
            }
        }

        ExitHead head(double[] p, double[] mean, double[] scale) {
            if (h == 0) {
                return new ExitHead(f, 0, mean, scale, java.util.Arrays.copyOfRange(p, 0, f), new double[0],
                        new double[0], p[f]);
            }
            return new ExitHead(f, h, mean, scale, java.util.Arrays.copyOfRange(p, 0, h * f),
                    java.util.Arrays.copyOfRange(p, h * f, h * f + h),
                    java.util.Arrays.copyOfRange(p, h * f + h, h * f + 2 * h), p[h * f + 2 * h]);
        }
    }
}
