package org.exitbench.cascade.decision;

import java.util.SplittableRandom;

/** Softmax outputs drawn from seeded logits, for decision-rule tests. */
final class SyntheticOutputs {

    private SyntheticOutputs() {
    }

    /** @return N × C softmax rows of logits drawn N(0, spread²) per class, with class {@code favoured[i]} + lift */
    static float[] softmax(SplittableRandom random, int n, int c, double spread, int[] favoured, double lift) {
        float[] p = new float[n * c];
        double[] z = new double[c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                z[j] = gaussian(random) * spread + (favoured != null && favoured[i] == j ? lift : 0);
            }
            write(z, p, i * c);
        }
        return p;
    }

    /** Writes softmax(z) as floats at {@code at}. */
    static void write(double[] z, float[] out, int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        for (int j = 0; j < z.length; j++) {
            out[at + j] = (float) (Math.exp(z[j] - max) / sum);
        }
    }

    static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** @return the area under the ROC curve of {@code score} for the positives {@code y} (ties count half) */
    static double auc(float[] score, int stride, int offset, boolean[] y) {
        long pos = 0;
        long neg = 0;
        double wins = 0;
        int n = y.length;
        for (int i = 0; i < n; i++) {
            if (!y[i]) {
                continue;
            }
            pos++;
            for (int j = 0; j < n; j++) {
                if (y[j]) {
                    continue;
                }
                float a = score[i * stride + offset];
                float b = score[j * stride + offset];
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        for (boolean v : y) {
            neg += v ? 0 : 1;
        }
        return wins / (pos * neg);
    }
}
