package org.exitbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.experiment.ExitRuleStudy;
import org.exitbench.store.AtomicFiles;
import org.exitbench.sweep.PairedStatistics;

/**
 * The exit-decision study's output (issue 20): per mode and budget, each rule's test compute saving and loss, the
 * fraction of the gap between CPM on max-softmax (the first rule) and the oracle ceiling it closes, and its paired
 * difference from max-softmax over seeds (each run one seed: a t-interval over the runs); the curves with the
 * ceiling as CSV and SVG.
 */
public final class ExitRuleReport {

    /** Differences of compute reduction up to this many points are ties in the win / loss counts. */
    public static final double TIE_POINTS = 0.5;
    private static final String[] COLOURS = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7",
        "#0072B2", "#F0E442", "#999999", "#882255"};

    private ExitRuleReport() {
    }

    /** Writes {@code choices.csv}, {@code curves.csv}, {@code summary.md} and {@code curves-<mode>.svg}. */
    public static void write(List<ExitRuleStudy.Result> results, Path folder) {
        choicesTable(results).write(folder.resolve("choices.csv"));
        curvesTable(results).write(folder.resolve("curves.csv"));
        AtomicFiles.writeString(folder.resolve("summary.md"), summary(results));
        for (String mode : modes(results)) {
            AtomicFiles.writeString(folder.resolve("curves-" + mode + ".svg"), chart(results, mode));
        }
    }

    static CsvTable choicesTable(List<ExitRuleStudy.Result> results) {
        CsvTable t = new CsvTable(List.of("run", "seed", "mode", "rule", "budget_points", "margin", "valid_accuracy",
                "valid_reduction", "test_accuracy", "test_reduction", "test_loss_points", "ceiling_test_reduction",
                "gap_closed", "rule_macs"));
        for (ExitRuleStudy.Result r : results) {
            for (ExitRuleStudy.RuleResult rule : r.rules()) {
                for (int b = 0; b < rule.choices().size(); b++) {
                    ExitRuleStudy.Choice c = rule.choices().get(b);
                    ExitRuleStudy.Choice reference = r.rules().get(0).choices().get(b);
                    t.add(List.of(r.runId(), Long.toString(r.seed()), r.mode(), rule.rule(),
                            CsvTable.number(c.budgetPoints(), 2),
                            c.point().map(p -> CsvTable.number(p.margin(), 4)).orElse("backbone"),
                            c.point().map(p -> CsvTable.number(p.validAccuracy(), 5)).orElse(""),
                            c.point().map(p -> CsvTable.number(p.validReduction(), 5)).orElse("0"),
                            c.point().map(p -> CsvTable.number(p.testAccuracy(), 5)).orElse(""),
                            CsvTable.number(c.testReduction(), 5), CsvTable.number(c.testLossPoints(), 3),
                            CsvTable.number(r.ceilingTest(), 5),
                            CsvTable.number(gapClosed(c, reference, r.ceilingTest()), 4),
                            rule.ruleMacs().toString()));
                }
            }
        }
        return t;
    }

    static CsvTable curvesTable(List<ExitRuleStudy.Result> results) {
        CsvTable t = new CsvTable(List.of("run", "seed", "mode", "rule", "margin", "valid_accuracy", "valid_reduction",
                "test_accuracy", "test_reduction", "test_loss_points", "ceiling_test_reduction"));
        for (ExitRuleStudy.Result r : results) {
            for (ExitRuleStudy.RuleResult rule : r.rules()) {
                for (ExitRuleStudy.Point p : rule.curve()) {
                    t.add(List.of(r.runId(), Long.toString(r.seed()), r.mode(), rule.rule(),
                            CsvTable.number(p.margin(), 4), CsvTable.number(p.validAccuracy(), 5),
                            CsvTable.number(p.validReduction(), 5), CsvTable.number(p.testAccuracy(), 5),
                            CsvTable.number(p.testReduction(), 5), CsvTable.number(p.testLossPoints(), 3),
                            CsvTable.number(r.ceilingTest(), 5)));
                }
            }
        }
        return t;
    }

    /** @return the share of the gap from the reference's saving to the ceiling that {@code c} closes (test) */
    static double gapClosed(ExitRuleStudy.Choice c, ExitRuleStudy.Choice reference, double ceiling) {
        double gap = ceiling - reference.testReduction();
        return gap > 0 ? (c.testReduction() - reference.testReduction()) / gap : Double.NaN;
    }

    /** @return the Markdown summary: per mode and budget, one row per rule */
    public static String summary(List<ExitRuleStudy.Result> results) {
        StringBuilder md = new StringBuilder("# Exit decisions against the ceiling\n\n");
        md.append("Test numbers. Each run is one seed; means over ").append(runs(results)).append(" runs, 95 % ")
                .append("t-intervals over runs for the paired difference from CPM on max-softmax (first rule). ")
                .append("Points are chosen on the validation half CPM did not calibrate on: the margin saving the ")
                .append("most compute within the budget. Gap closed = (saving − max-softmax's saving) / (ceiling − ")
                .append("max-softmax's saving), the ceiling being the oracle that lets each image leave at the first ")
                .append("exit agreeing with the backbone (no loss). The last column picks the margin on test ")
                .append("itself (not a valid operating point, an upper bound on what choosing on validation can reach ")
                .append("with that rule's scores).\n");
        for (String mode : modes(results)) {
            List<ExitRuleStudy.Result> of = results.stream().filter(r -> r.mode().equals(mode)).toList();
            double ceiling = of.stream().mapToDouble(ExitRuleStudy.Result::ceilingTest).average().orElse(Double.NaN);
            md.append("\n## ").append(mode).append("\n\nCeiling (oracle, first exit agreeing with the backbone): ")
                    .append(percent(ceiling)).append(" saved at 0 points lost.\n");
            int budgets = of.get(0).rules().get(0).choices().size();
            for (int b = 0; b < budgets; b++) {
                double budget = of.get(0).rules().get(0).choices().get(b).budgetPoints();
                md.append("\n### Within ").append(format(budget, 1)).append(" points\n\n")
                        .append("| rule | saved (test) | lost, points | gap closed | Δ saved vs max-softmax [95 % CI] | W / L / T | rule MACs | best on the test curve within the budget |\n")
                        .append("|---|---|---|---|---|---|---|---|\n");
                for (int q = 0; q < of.get(0).rules().size(); q++) {
                    double saved = 0;
                    double lost = 0;
                    double closed = 0;
                    double frontier = 0;
                    Map<String, List<Double>> differences = new LinkedHashMap<>();
                    for (ExitRuleStudy.Result r : of) {
                        frontier += bestWithin(r.rules().get(q).curve(), budget) / of.size();
                        ExitRuleStudy.Choice c = r.rules().get(q).choices().get(b);
                        ExitRuleStudy.Choice reference = r.rules().get(0).choices().get(b);
                        saved += c.testReduction() / of.size();
                        lost += c.testLossPoints() / of.size();
                        closed += gapClosed(c, reference, r.ceilingTest()) / of.size();
                        differences.put(r.runId(), List.of(100 * (c.testReduction() - reference.testReduction())));
                    }
                    PairedStatistics stats = PairedStatistics.of(differences, TIE_POINTS);
                    md.append("| ").append(of.get(0).rules().get(q).rule()).append(" | ").append(percent(saved))
                            .append(" | ").append(format(lost, 2)).append(" | ").append(percent(closed))
                            .append(" | ").append(q == 0 ? "reference" : stats.interval())
                            .append(" | ").append(q == 0 ? "" : stats.wins() + " / " + stats.losses() + " / "
                                    + stats.ties())
                            .append(" | ").append(of.get(0).rules().get(q).ruleMacs())
                            .append(" | ").append(percent(frontier)).append(" |\n");
                }
            }
            md.append("\n### How well each score ranks (test AUC of \"this exit's answer equals the backbone's\", ")
                    .append("mean over runs; 0.5 = no information)\n\n| rule |");
            int exits = of.get(0).rules().get(0).testAuc().size();
            for (int k = 0; k < exits; k++) {
                md.append(" exit ").append(k + 1).append(" |");
            }
            md.append("\n|---|").append("---|".repeat(exits)).append("\n");
            for (int q = 0; q < of.get(0).rules().size(); q++) {
                md.append("| ").append(of.get(0).rules().get(q).rule()).append(" |");
                for (int k = 0; k < exits; k++) {
                    double mean = 0;
                    for (ExitRuleStudy.Result r : of) {
                        mean += r.rules().get(q).testAuc().get(k) / of.size();
                    }
                    md.append(" ").append(format(mean, 3)).append(" |");
                }
                md.append("\n");
            }
            md.append("\nPer run: ");
            List<String> parts = new ArrayList<>();
            for (ExitRuleStudy.Result r : of) {
                parts.add(r.runId() + " (seed " + r.seed() + ", ceiling " + percent(r.ceilingTest())
                        + ", training survivors per exit " + r.trainSurvivors() + ")");
            }
            md.append(String.join("; ", parts)).append(".\n");
        }
        return md.toString();
    }

    /**
     * @return the largest test saving among the curve's points losing at most {@code budget} test points: the
     *         margin chosen on test itself, so an upper bound on what choosing on validation could reach with this
     *         rule's scores (it separates the ranking's limit from the choice's); 0 when none qualifies
     */
    static double bestWithin(List<ExitRuleStudy.Point> curve, double budget) {
        double best = 0;
        for (ExitRuleStudy.Point p : curve) {
            if (p.testLossPoints() <= budget + 1e-9) {
                best = Math.max(best, p.testReduction());
            }
        }
        return best;
    }

    /** @return one chart: each rule's test curve of the first run of the mode, and the ceiling */
    static String chart(List<ExitRuleStudy.Result> results, String mode) {
        ExitRuleStudy.Result r = results.stream().filter(x -> x.mode().equals(mode)).findFirst().orElseThrow();
        double backbone = r.backboneTestAccuracy();
        double yMin = backbone;
        for (ExitRuleStudy.RuleResult rule : r.rules()) {
            for (ExitRuleStudy.Point p : rule.curve()) {
                if (p.testLossPoints() <= 6) {
                    yMin = Math.min(yMin, p.testAccuracy());
                }
            }
        }
        SvgChart chart = new SvgChart(760, 460, "Exit rules, " + mode + ", run " + r.runId() + " (test)",
                "compute reduction", "accuracy", 0, Math.max(0.7, r.ceilingTest() + 0.05), yMin - 0.005,
                backbone + 0.01);
        for (int q = 0; q < r.rules().size(); q++) {
            ExitRuleStudy.RuleResult rule = r.rules().get(q);
            List<double[]> xy = new ArrayList<>();
            for (ExitRuleStudy.Point p : rule.curve()) {
                if (p.testAccuracy() >= yMin - 0.005) {
                    xy.add(new double[] {p.testReduction(), p.testAccuracy()});
                }
            }
            xy.sort((a, b) -> Double.compare(a[0], b[0]));
            String colour = COLOURS[q % COLOURS.length];
            chart.line(xy, colour, 1.5, rule.rule().endsWith("+agreement") ? "4,3" : null);
            chart.legend(rule.rule(), colour);
        }
        chart.horizontal(backbone, SvgChart.GREY, "backbone");
        chart.cross(r.ceilingTest(), backbone, "#000000", "ceiling");
        return chart.svg(true);
    }

    private static List<String> modes(List<ExitRuleStudy.Result> results) {
        return results.stream().map(ExitRuleStudy.Result::mode).distinct().toList();
    }

    private static long runs(List<ExitRuleStudy.Result> results) {
        return results.stream().map(ExitRuleStudy.Result::runId).distinct().count();
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : format(100 * share, 1) + " %";
    }

    private static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
