package org.exitbench.app.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.sweep.PairedStatistics;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.SweepSummary;

/** The rows of the sweep view's tables, derived from a {@link SweepSummary} and the stored results. */
public final class SweepRows {

    private SweepRows() {
    }

    /**
     * One metric of one mode against the baseline.
     *
     * @param comparison "boosted − non-boosted"
     * @param metric     what is compared ("compute reduction at ≤ 2 points loss")
     * @param record     wins / losses / ties over configuration × seed pairs: "4 / 52 / 8"
     * @param difference mean difference in points with its 95 % interval: "−0.85 [−1.02, −0.68]"
     * @param signTest   the sign test's p-value over configurations
     * @param statistics the numbers behind the text
     */
    public record Comparison(String comparison, String metric, String record, String difference, String signTest,
                             PairedStatistics statistics) {
    }

    /**
     * The largest compute reduction of one mode within one accuracy budget.
     *
     * @param mode          the mode
     * @param budget        "≤ 2 points"
     * @param reduction     "41.3 %", or "none" when no configuration saves compute within the budget
     * @param loss          the test accuracy lost, "1.60 points", or empty
     * @param configuration which configuration, chosen on validation: "c62: stage1+2+3, 64, argmax m 0"
     */
    public record Best(String mode, String budget, String reduction, String loss, String configuration) {
    }

    /**
     * A trial that failed, with its error.
     *
     * @param configuration the configuration's id ("c07") and knobs
     * @param seed          the seed
     * @param error         what went wrong
     */
    public record Failed(String configuration, long seed, String error) {
    }

    /** @return one row per compared mode and metric, over all configurations */
    public static List<Comparison> comparisons(SweepSummary summary) {
        List<Comparison> rows = new ArrayList<>();
        for (SweepSummary.Comparison c : summary.comparisons()) {
            String name = c.mode() + " \u2212 " + summary.baseline();
            for (SweepSummary.MetricStatistics m : c.overall()) {
                PairedStatistics s = m.statistics();
                rows.add(new Comparison(name, m.metric().title(), s.wins() + " / " + s.losses() + " / " + s.ties(),
                        s.interval(), s.pairs() == 0 ? "\u2014" : s.signTestText(), s));
            }
        }
        return rows;
    }

    /** @return one row per mode and budget, the summary's order */
    public static List<Best> best(SweepSummary summary) {
        List<Best> rows = new ArrayList<>();
        for (SweepSummary.BestReduction b : summary.best()) {
            String budget = "\u2264 " + SweepSummary.number(b.budget()) + (b.budget() == 1 ? " point" : " points");
            if (b.configuration() == null) {
                rows.add(new Best(b.mode(), budget, "none", "", "no configuration saves compute within it"));
            } else {
                rows.add(new Best(b.mode(), budget, String.format(Locale.ROOT, "%.1f %%", 100 * b.testReduction()),
                        String.format(Locale.ROOT, "%.2f points", b.testDrop()),
                        b.configuration().id() + ": " + b.configuration().describe()));
            }
        }
        return rows;
    }

    /** @return the failed trials among {@code results}, by configuration and seed */
    public static List<Failed> failed(Map<String, SweepResult> results) {
        return results.values().stream().filter(r -> !r.succeeded())
                .sorted(Comparator.comparing(SweepResult::configuration).thenComparingLong(SweepResult::seed))
                .map(r -> new Failed(r.configuration() + labels(r.labels()), r.seed(), r.error()))
                .toList();
    }

    private static String labels(Map<String, String> labels) {
        return labels == null || labels.isEmpty() ? "" : " (" + String.join(", ", labels.values()) + ")";
    }
}
