package org.exitbench.cascade.decision;

import java.util.Arrays;
import org.exitbench.cascade.ExitRule;

/**
 * Calibrated confidence: the largest probability of the branch's softmax at a per-exit temperature T_k, fitted on
 * the calibration split ({@link TemperatureFit}). Computed from the stored probabilities, since softmax(z / T) =
 * normalise(p^(1/T)): score = 1 / Σ_c exp((ln p_c − ln p_max) / T). The predicted class does not change.
 *
 * @param temperatures T_k per exit, each finite and in [{@link #MIN_TEMPERATURE}, {@link #MAX_TEMPERATURE}]
 */
public record TemperatureRule(double[] temperatures) implements ExitDecisionRule {

    /** The smallest temperature a rule (or a file) may hold. */
    public static final double MIN_TEMPERATURE = 0.01;
    /** The largest temperature a rule (or a file) may hold. */
    public static final double MAX_TEMPERATURE = 100;
    // Probabilities a float32 softmax rounded to 0 are floored here before the logarithm.
    private static final double FLOOR = 1e-30;

    /** @throws IllegalArgumentException naming the exit whose temperature is out of range */
    public TemperatureRule {
        if (temperatures == null || temperatures.length == 0) {
            throw new IllegalArgumentException("temperatures: one per exit is needed");
        }
        for (int k = 0; k < temperatures.length; k++) {
            double t = temperatures[k];
            if (!(t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE)) {
                throw new IllegalArgumentException("temperatures[" + k + "] = " + t + " is outside ["
                        + MIN_TEMPERATURE + ", " + MAX_TEMPERATURE + "]");
            }
        }
        temperatures = temperatures.clone();
    }

    @Override
    public double[] temperatures() {
        return temperatures.clone();
    }

    @Override
    public String id() {
        return "temperature";
    }

    @Override
    public ExitRule slot() {
        return ExitRule.DERIVED;
    }

    @Override
    public int exitCount() {
        return temperatures.length;
    }

    @Override
    public float[] scoresAt(DecisionInputs inputs, int exit) {
        requireExit(inputs, exit);
        float[] out = new float[inputs.samples()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (1.0 / partition(inputs, exit, i, temperatures[exit]));
        }
        return out;
    }

    /** @return Σ_c exp((ln p_c − ln p_max) / T) for one row: 1 / the largest tempered probability */
    static double partition(DecisionInputs inputs, int exit, int sample, double temperature) {
        float[] p = inputs.exitProbabilities()[exit];
        int c = inputs.classes();
        int at = sample * c;
        double max = Math.log(Math.max(FLOOR, p[at + inputs.predicted(exit, sample)]));
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += Math.exp((Math.log(Math.max(FLOOR, p[at + j])) - max) / temperature);
        }
        return sum;
    }

    /** @return −ln of the tempered probability of class {@code target} for one row */
    static double negativeLogLikelihood(DecisionInputs inputs, int exit, int sample, int target, double temperature) {
        float[] p = inputs.exitProbabilities()[exit];
        int at = sample * inputs.classes();
        double max = Math.log(Math.max(FLOOR, p[at + inputs.predicted(exit, sample)]));
        double own = (Math.log(Math.max(FLOOR, p[at + target])) - max) / temperature;
        return Math.log(partition(inputs, exit, sample, temperature)) - own;
    }

    @Override
    public long macs(int exit) {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemperatureRule r && Arrays.equals(r.temperatures, temperatures);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(temperatures);
    }

    @Override
    public String toString() {
        return "TemperatureRule" + Arrays.toString(temperatures);
    }
}
