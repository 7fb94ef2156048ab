package org.exitbench.cascade.decision;

/**
 * Fits one temperature per exit by minimising the mean negative log-likelihood of the target classes on the
 * calibration split (Guo et al.'s temperature scaling), exit by exit. One parameter each, so a golden-section
 * search over ln T is exact enough and fully deterministic.
 */
public final class TemperatureFit {

    private static final int ITERATIONS = 60;

    private TemperatureFit() {
    }

    /**
     * @param inputs  the calibration split's probabilities
     * @param targets per sample, the class the tempered softmax should give a high probability: the ground truth,
     *                or the backbone's answer
     * @param rows    per sample, whether it takes part; null for every sample
     * @return the fitted rule
     * @throws IllegalArgumentException when no sample takes part or a target is not a class
     */
    public static TemperatureRule fit(DecisionInputs inputs, int[] targets, boolean[] rows) {
        if (targets.length != inputs.samples()) {
            throw new IllegalArgumentException("targets has " + targets.length + " entries, the inputs "
                    + inputs.samples() + " samples");
        }
        int used = 0;
        for (int i = 0; i < targets.length; i++) {
            if (rows == null || rows[i]) {
                if (targets[i] < 0 || targets[i] >= inputs.classes()) {
                    throw new IllegalArgumentException("targets[" + i + "] = " + targets[i] + " is not a class");
                }
                used++;
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException("no sample to fit the temperatures on");
        }
        double[] t = new double[inputs.exitCount()];
        for (int k = 0; k < t.length; k++) {
            t[k] = fitExit(inputs, targets, rows, k);
        }
        return new TemperatureRule(t);
    }

    private static double fitExit(DecisionInputs inputs, int[] targets, boolean[] rows, int exit) {
        double lo = Math.log(TemperatureRule.MIN_TEMPERATURE);
        double hi = Math.log(TemperatureRule.MAX_TEMPERATURE);
        double ratio = (Math.sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo);
        double b = lo + ratio * (hi - lo);
        double fa = loss(inputs, targets, rows, exit, Math.exp(a));
        double fb = loss(inputs, targets, rows, exit, Math.exp(b));
        for (int it = 0; it < ITERATIONS; it++) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - ratio * (hi - lo);
                fa = loss(inputs, targets, rows, exit, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + ratio * (hi - lo);
                fb = loss(inputs, targets, rows, exit, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** @return the mean negative log-likelihood at temperature {@code t} */
    static double loss(DecisionInputs inputs, int[] targets, boolean[] rows, int exit, double t) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < inputs.samples(); i++) {
            if (rows == null || rows[i]) {
                sum += TemperatureRule.negativeLogLikelihood(inputs, exit, i, targets[i], t);
                n++;
            }
        }
        return sum / n;
    }
}
