package org.exitbench.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * How one training mode compares with another over a sweep, from paired differences (mode − baseline, on the same
 * configuration and seed).
 *
 * <p>Two levels, because the trials are not independent samples. Seeds of one configuration share everything but
 * the branches' initialisation and batch order, so the <em>unit</em> of inference is the configuration: its seeds'
 * differences are averaged first. The mean, its 95 % confidence interval (Student's t with units − 1 degrees of
 * freedom) and the sign test (exact two-sided binomial, ties left out) are over units; the win / loss / tie counts
 * are given for both the pairs (configuration × seed) and the units. A difference within the tolerance counts as a
 * tie. The configurations of a grid are not a random sample of anything, so the interval says how stable the mean
 * is across this grid, not how the comparison would come out on another one.
 *
 * @param pairs             paired differences (configuration × seed)
 * @param wins              pairs where the mode is better by more than the tolerance
 * @param losses            pairs where it is worse by more than the tolerance
 * @param ties              the rest
 * @param units             configurations with at least one pair
 * @param unitWins          configurations whose mean difference is a win
 * @param unitLosses        configurations whose mean difference is a loss
 * @param unitTies          the rest
 * @param mean              the mean over configurations of their mean difference
 * @param standardDeviation the standard deviation of the configurations' means (n − 1)
 * @param ciLow             the lower end of the 95 % t-interval of {@code mean}; NaN with fewer than two units
 * @param ciHigh            the upper end
 * @param signTestP         the two-sided p-value of the sign test over configurations (1 when all tie)
 * @param seedSpread        the mean over configurations of the standard deviation of their seeds' differences: how
 *                          much a difference moves with the seed alone; NaN with one seed
 */
public record PairedStatistics(int pairs, int wins, int losses, int ties, int units, int unitWins, int unitLosses,
                               int unitTies, double mean, double standardDeviation, double ciLow, double ciHigh,
                               double signTestP, double seedSpread) {

    /** The confidence level of the interval. */
    public static final double CONFIDENCE = 0.95;

    /**
     * @param differencesByUnit per configuration, its seeds' differences (NaN entries are left out)
     * @param tolerance         differences with an absolute value up to this are ties; 0 or more
     */
    public static PairedStatistics of(Map<String, List<Double>> differencesByUnit, double tolerance) {
        int pairs = 0;
        int wins = 0;
        int losses = 0;
        List<Double> means = new ArrayList<>();
        double spreadSum = 0;
        int spreadCount = 0;
        for (List<Double> values : differencesByUnit.values()) {
            List<Double> present = values.stream().filter(v -> !Double.isNaN(v)).toList();
            if (present.isEmpty()) {
                continue;
            }
            for (double d : present) {
                pairs++;
                wins += d > tolerance ? 1 : 0;
                losses += d < -tolerance ? 1 : 0;
            }
            means.add(mean(present));
            if (present.size() > 1) {
                spreadSum += standardDeviation(present);
                spreadCount++;
            }
        }
        int units = means.size();
        int unitWins = (int) means.stream().filter(m -> m > tolerance).count();
        int unitLosses = (int) means.stream().filter(m -> m < -tolerance).count();
        double mean = units == 0 ? Double.NaN : mean(means);
        double sd = units < 2 ? Double.NaN : standardDeviation(means);
        double low = Double.NaN;
        double high = Double.NaN;
        if (units >= 2) {
            double half = tQuantile(units - 1) * sd / Math.sqrt(units);
            low = mean - half;
            high = mean + half;
        }
        return new PairedStatistics(pairs, wins, losses, pairs - wins - losses, units, unitWins, unitLosses,
                units - unitWins - unitLosses, mean, sd, low, high, signTest(unitWins, unitLosses),
                spreadCount == 0 ? Double.NaN : spreadSum / spreadCount);
    }

    /** @return the mean and its interval in points, e.g. "+1.23 [+0.50, +1.96]"; "—" without pairs */
    public String interval() {
        if (Double.isNaN(mean)) {
            return "—";
        }
        if (Double.isNaN(ciLow)) {
            return String.format(Locale.ROOT, "%+.2f", mean);
        }
        return String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", mean, ciLow, ciHigh);
    }

    /** @return the sign test's p-value with three decimals, or "< 0.001" */
    public String signTestText() {
        return signTestP < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", signTestP);
    }

    /** @return the two-sided p-value of the sign test: exact binomial with p = ½ over the untied units */
    static double signTest(int wins, int losses) {
        int n = wins + losses;
        if (n == 0) {
            return 1.0;
        }
        // Twice the smaller tail. Commons Math's BinomialTest adds the central value twice when wins = losses and
        // returns p > 1, so the symmetric case is computed here.
        double tail = new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(wins, losses));
        return Math.min(1.0, 2 * tail);
    }

    /** @return the 97.5 % quantile of Student's t with {@code degrees} degrees of freedom */
    static double tQuantile(int degrees) {
        return new TDistribution(null, degrees).inverseCumulativeProbability(0.5 + CONFIDENCE / 2);
    }

    private static double mean(List<Double> values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    private static double standardDeviation(List<Double> values) {
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.size() - 1));
    }
}
