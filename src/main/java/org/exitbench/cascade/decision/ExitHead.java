package org.exitbench.cascade.decision;

import java.util.Arrays;

/**
 * One exit's learned decision head: standardised features ({@link HeadFeatures}), then either a logistic
 * regression ({@code hidden} = 0) or one hidden ReLU layer, then a sigmoid: the estimated probability that the
 * exit's answer is trustworthy (equals the backbone's, or is right).
 *
 * @param inputs F, the number of features
 * @param hidden H, hidden units; 0 for a logistic regression
 * @param mean   F feature means (subtracted)
 * @param scale  F feature standard deviations (divided by), each positive
 * @param w1     H × F hidden weights, row-major by unit; for a logistic regression the F output weights
 * @param b1     H hidden biases (empty for a logistic regression)
 * @param w2     H output weights (empty for a logistic regression)
 * @param b2     the output bias
 */
public record ExitHead(int inputs, int hidden, double[] mean, double[] scale, double[] w1, double[] b1, double[] w2,
                       double b2) {

    /** The most hidden units a head (or a file) may have. */
    public static final int MAX_HIDDEN = 256;
    /** The most features a head (or a file) may read. */
    public static final int MAX_INPUTS = 4096;

    /** @throws IllegalArgumentException naming the field whose size or value is wrong */
    public ExitHead {
        if (inputs < 1 || inputs > MAX_INPUTS) {
            throw new IllegalArgumentException("inputs = " + inputs + " is outside [1, " + MAX_INPUTS + "]");
        }
        if (hidden < 0 || hidden > MAX_HIDDEN) {
            throw new IllegalArgumentException("hidden = " + hidden + " is outside [0, " + MAX_HIDDEN + "]");
        }
        mean = checked(mean, inputs, "mean");
        scale = checked(scale, inputs, "scale");
        for (int f = 0; f < inputs; f++) {
            if (!(scale[f] > 0)) {
                throw new IllegalArgumentException("scale[" + f + "] = " + scale[f] + " must be positive");
            }
        }
        w1 = checked(w1, hidden == 0 ? inputs : hidden * inputs, "w1");
        b1 = checked(b1, hidden, "b1");
        w2 = checked(w2, hidden, "w2");
        if (!Double.isFinite(b2)) {
            throw new IllegalArgumentException("b2 = " + b2 + " is not finite");
        }
    }

    private static double[] checked(double[] values, int expected, String field) {
        if (values == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(field + " has " + values.length + " values, expected " + expected);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(field + "[" + i + "] = " + values[i] + " is not finite");
            }
        }
        return values.clone();
    }

    /** @return the head's logit for the features at {@code x[at .. at + F)} */
    public double logit(double[] x, int at) {
        if (hidden == 0) {
            double z = b2;
            for (int f = 0; f < inputs; f++) {
                z += w1[f] * ((x[at + f] - mean[f]) / scale[f]);
            }
            return z;
        }
        double z = b2;
        for (int h = 0; h < hidden; h++) {
            double a = b1[h];
            for (int f = 0, w = h * inputs; f < inputs; f++, w++) {
                a += w1[w] * ((x[at + f] - mean[f]) / scale[f]);
            }
            z += w2[h] * Math.max(0, a);
        }
        return z;
    }

    /** @return the sigmoid of the logit, in [0, 1] */
    public double score(double[] x, int at) {
        return 1.0 / (1.0 + Math.exp(-logit(x, at)));
    }

    /** @return the MACs of one evaluation: F for a logistic regression, F·H + H with a hidden layer */
    public long macs() {
        return hidden == 0 ? inputs : (long) inputs * hidden + hidden;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public double[] w1() {
        return w1.clone();
    }

    @Override
    public double[] b1() {
        return b1.clone();
    }

    @Override
    public double[] w2() {
        return w2.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitHead h && h.inputs == inputs && h.hidden == hidden && Arrays.equals(h.mean, mean)
                && Arrays.equals(h.scale, scale) && Arrays.equals(h.w1, w1) && Arrays.equals(h.b1, b1)
                && Arrays.equals(h.w2, w2) && Double.compare(h.b2, b2) == 0;
    }

    @Override
    public int hashCode() {
        return ((inputs * 31 + hidden) * 31 + Arrays.hashCode(w1)) * 31 + Double.hashCode(b2);
    }

    @Override
    public String toString() {
        return "ExitHead[" + inputs + " inputs, " + hidden + " hidden]";
    }
}
