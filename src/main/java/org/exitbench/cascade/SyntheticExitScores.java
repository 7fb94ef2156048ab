package org.exitbench.cascade;

import java.util.SplittableRandom;

/**
 * Generates plausible {@link ExitScores} without a trained model, for demos, benchmarks and tests: later exits
 * are more accurate and more confident than earlier ones, and the backbone head more than any exit.
 *
 * <p>The generative story: every sample has a class and a difficulty u = r² (r uniform in [0, 1), so most samples are easy), shared by all exits (hard
 * samples are hard everywhere, as in real cascades), and one class it is easily confused with. Exit k's logits
 * are Gaussian noise plus a signal on the true class that grows with the exit's depth and shrinks with u, plus
 * a pull towards the confusable class that grows with u. The numbers are illustrative, not a model of any
 * dataset. The same seed always gives the same scores.
 */
public final class SyntheticExitScores {

    // Tuned so that, with 3 exits and 10 classes, the exits reach about 69 %, 82 % and 87 % accuracy and the
    // backbone head about 90 %, with mean confidences rising from about 0.6 to 0.87.
    private static final double SIGNAL_BASE = 1.0;
    private static final double SIGNAL_SLOPE = 12.0;
    private static final double CONFUSION_PULL = 3.0;

    private SyntheticExitScores() {
    }

    /**
     * @param samples N
     * @param exits   K, at least 1
     * @param classes C, at least 2
     * @param seed    the random seed
     * @return scores built through {@link ExitScores#fromProbabilities(float[][], float[], int[], int)}
     */
    public static ExitScores generate(int samples, int exits, int classes, long seed) {
        if (samples < 0 || exits < 1 || classes < 2) {
            throw new IllegalArgumentException("need samples ≥ 0, exits ≥ 1 and classes ≥ 2; got " + samples + ", "
                    + exits + ", " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[samples];
        double[] difficulty = new double[samples];
        int[] confusable = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(classes);
            double r = random.nextDouble();
            difficulty[i] = r * r;
            confusable[i] = (labels[i] + 1 + random.nextInt(classes - 1)) % classes;
        }
        return scores(labels, difficulty, confusable, exits, classes, random);
    }

    /**
     * Generates scores for samples whose ground truth is given, for example the labels of a real dataset split,
     * so that a demo shows each image with a plausible answer for its own class.
     *
     * @param labels  the ground-truth class of each sample, each in [0, classes)
     * @param exits   K, at least 1
     * @param classes C, at least 2
     * @param seed    the random seed
     * @return scores built through {@link ExitScores#fromProbabilities(float[][], float[], int[], int)}
     */
    public static ExitScores generateForLabels(int[] labels, int exits, int classes, long seed) {
        if (labels == null || exits < 1 || classes < 2) {
            throw new IllegalArgumentException("need labels, exits ≥ 1 and classes ≥ 2; got "
                    + (labels == null ? "no labels" : labels.length + " labels") + ", " + exits + ", " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int samples = labels.length;
        double[] difficulty = new double[samples];
        int[] confusable = new int[samples];
        for (int i = 0; i < samples; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is not a class in [0, "
                        + classes + ")");
            }
            double r = random.nextDouble();
            difficulty[i] = r * r;
            confusable[i] = (labels[i] + 1 + random.nextInt(classes - 1)) % classes;
        }
        return scores(labels.clone(), difficulty, confusable, exits, classes, random);
    }

    private static ExitScores scores(int[] labels, double[] difficulty, int[] confusable, int exits, int classes,
            SplittableRandom random) {
        float[][] exitProbabilities = new float[exits][];
        for (int k = 0; k < exits; k++) {
            // Depth from 1/(K+1) at the first exit towards 1 at the backbone head.
            exitProbabilities[k] = softmaxRows(labels, difficulty, confusable, classes, (k + 1.0) / (exits + 1.0),
                    random.split());
        }
        float[] backbone = softmaxRows(labels, difficulty, confusable, classes, 1.0, random.split());
        return ExitScores.fromProbabilities(exitProbabilities, backbone, labels, classes);
    }

    private static float[] softmaxRows(int[] labels, double[] difficulty, int[] confusable, int classes, double depth,
            SplittableRandom random) {
        int n = labels.length;
        float[] p = new float[n * classes];
        double[] logits = new double[classes];
        double signal = SIGNAL_BASE + SIGNAL_SLOPE * depth;
        for (int i = 0; i < n; i++) {
            double u = difficulty[i];
            for (int c = 0; c < classes; c++) {
                logits[c] = gaussian(random);
            }
            logits[labels[i]] += signal * (1.0 - u);
            logits[confusable[i]] += CONFUSION_PULL * u;
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            for (int c = 0; c < classes; c++) {
                p[i * classes + c] = (float) (logits[c] / sum);
            }
        }
        return p;
    }

    /** A standard normal draw (Box–Muller); SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
