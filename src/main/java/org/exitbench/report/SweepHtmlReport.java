package org.exitbench.report;

import static j2html.TagCreator.b;
import static j2html.TagCreator.body;
import static j2html.TagCreator.code;
import static j2html.TagCreator.dd;
import static j2html.TagCreator.details;
import static j2html.TagCreator.div;
import static j2html.TagCreator.dl;
import static j2html.TagCreator.document;
import static j2html.TagCreator.dt;
import static j2html.TagCreator.each;
import static j2html.TagCreator.h1;
import static j2html.TagCreator.h2;
import static j2html.TagCreator.head;
import static j2html.TagCreator.i;
import static j2html.TagCreator.join;
import static j2html.TagCreator.meta;
import static j2html.TagCreator.p;
import static j2html.TagCreator.pre;
import static j2html.TagCreator.rawHtml;
import static j2html.TagCreator.style;
import static j2html.TagCreator.summary;
import static j2html.TagCreator.tbody;
import static j2html.TagCreator.td;
import static j2html.TagCreator.th;
import static j2html.TagCreator.text;
import static j2html.TagCreator.thead;
import static j2html.TagCreator.title;
import static j2html.TagCreator.tr;

import j2html.TagCreator;
import j2html.tags.DomContent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.sweep.PairedStatistics;
import org.exitbench.sweep.SweepConfiguration;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.SweepSummary;
import org.exitbench.train.BranchTrainingMode;

/**
 * The sweep's report as one self-contained HTML page: facts, how to read it, the summary tables, and inline SVG
 * plots (accuracy against compute with each mode's Pareto front, the paired differences by knob, and the curves of
 * the configurations where the modes differ most). No scripts, no external files. The page is built with j2html,
 * which escapes every text it is given; only the SVG charts go in as markup, and {@link SvgChart} escapes their
 * texts itself.
 */
final class SweepHtmlReport {

    /** BTS-EE's headline (abstract): 45 % less computation at 2 % accuracy loss, CINIC-10 and ResNet-18. */
    private static final double PAPER_REDUCTION = 45;
    private static final double PAPER_LOSS = 2;

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;color:#222;\
            line-height:1.45}
            h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:8px 0;font-size:.9em}
            th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .note{color:#555;font-size:.9em;max-width:60em}.plots{display:flex;flex-wrap:wrap;gap:12px}
            dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{font-weight:bold}
            details pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:.8em}
            """;

    private SweepHtmlReport() {
    }

    static String html(SweepReports.Inputs in, List<SweepReports.Table> tables) {
        List<DomContent> sections = new ArrayList<>();
        sections.add(h1("Sweep " + in.definition().name()));
        if (in.definition().description() != null) {
            sections.add(p(in.definition().description()));
        }
        sections.add(dl(each(SweepReports.facts(in), fact -> join(dt(fact[0]), dd(fact[1])))));
        sections.addAll(methods(in));
        int comparisons = in.summary().comparisons().size();
        for (int i = 0; i < tables.size(); i++) {
            sections.addAll(table(tables.get(i)));
            if (i == comparisons - 1) {
                sections.add(h2("Accuracy against compute"));
                sections.add(plots(accuracyVersusCompute(in)));
            }
            if (i == comparisons) {
                for (SweepSummary.Comparison c : in.summary().comparisons()) {
                    sections.add(h2(c.mode() + " − " + in.summary().baseline() + ": paired differences by knob"));
                    StringBuilder strips = new StringBuilder();
                    for (SweepSummary.Metric m : c.metrics()) {
                        if (m.id().equals("matched_accuracy") || m.budget() == middleBudget(in.definition())) {
                            strips.append(stripPlot(in, c, m));
                        }
                    }
                    sections.add(plots(strips.toString()));
                    sections.add(h2(c.mode() + " against " + in.summary().baseline() + ": where they differ most"));
                    sections.add(plots(extremeCurves(in, c)));
                }
            }
        }
        sections.add(h2("Definition"));
        sections.add(details(summary("The sweep definition as run (JSON)"), pre(in.definition().toJson())));
        sections.add(p(text("Every number here is derived from the trial results in "), code("results/"),
                text("; "), code("sweep.csv"), text(" has one row per configuration × mode × seed and "),
                code("paired.csv"), text(" the paired differences.")).withClass("note"));
        return document(TagCreator.html(
                head(meta().withCharset("utf-8"), title("Sweep " + in.definition().name()), style(rawHtml(STYLE))),
                body(sections.toArray(new DomContent[0]))).withLang("en")) + "\n";
    }

    /**
     * @param svg SVG elements from {@link SvgChart}, which escapes every text it writes
     * @return them in a flowing box
     */
    private static DomContent plots(String svg) {
        return div(rawHtml(svg)).withClass("plots");
    }

    private static double middleBudget(SweepDefinition d) {
        List<Double> budgets = d.budgets();
        return budgets.contains(2.0) ? 2.0 : budgets.get(budgets.size() / 2);
    }

    private static List<DomContent> methods(SweepReports.Inputs in) {
        SweepDefinition d = in.definition();
        return List.of(h2("How to read this"),
                p("Every configuration is trained once per seed in each mode on the same cached backbone features. "
                        + "Each trained cascade is then re-calibrated with CPM at " + d.margins().size() + " margins ("
                        + SweepSummary.number(d.margins().get(0)) + " to "
                        + SweepSummary.number(d.margins().get(d.margins().size() - 1)) + ") on the validation split "
                        + "and evaluated on validation and test: its accuracy-vs-compute curve. Comparing the modes "
                        + "at one margin alone would compare cascades that spend different compute.")
                        .withClass("note"),
                p(b("Compute reduction at ≤ b points loss"), text(": per mode, the margin whose "), i("validation"),
                        text(" accuracy is within b points of the backbone's and that saves the most compute on "
                                + "validation (the backbone alone, 0 %, when none does); the test reductions at "
                                + "those margins are compared. "), b("Accuracy at matched compute"),
                        text(": the mean gap between the two modes' test Pareto fronts over the compute range both "
                                + "reach. "), b("At the training margin"),
                        text(": the cascades as trained (the paper's setting).")).withClass("note"),
                p(b("Statistics"), text(": differences are paired on configuration and seed. Seeds of one "
                        + "configuration are averaged first, so a configuration is one unit: the mean difference has a "
                        + "95 % Student t-interval over configurations, and the sign test (exact binomial, two-sided, "
                        + "ties left out) counts configurations. Differences within the tolerance ("
                        + SweepSummary.number(d.tolerance().reductionPoints()) + " points of compute, "
                        + SweepSummary.number(d.tolerance().accuracyPoints()) + " of accuracy) are ties. The seed "
                        + "spread is the typical standard deviation of one configuration's difference across seeds: "
                        + "differences smaller than it are noise. The grid is not a random sample of configurations, "
                        + "so the intervals describe this grid on this data.")).withClass("note"));
    }

    private static List<DomContent> table(SweepReports.Table t) {
        List<DomContent> parts = new ArrayList<>();
        parts.add(h2(t.title()));
        if (t.note() != null) {
            parts.add(p(t.note()).withClass("note"));
        }
        parts.add(j2html.TagCreator.table(
                thead(tr(each(t.header(), (String name) -> th(name)))),
                tbody(each(t.rows(), (List<String> row) -> tr(each(row, (String cell) -> {
                    boolean numeric = cell.matches("[-+≤<0-9.,%\\s/\\[\\]()—]+");
                    return numeric ? td(cell).withClass("num") : td(cell);
                }))))));
        return parts;
    }

    /** Per mode: the points chosen on validation at each budget (seed means) and the front of all test points. */
    private static String accuracyVersusCompute(SweepReports.Inputs in) {
        SweepDefinition d = in.definition();
        double backbone = 100 * backboneTest(in);
        double maxBudget = d.budgets().stream().mapToDouble(Double::doubleValue).max().orElse(5);
        double yMin = Math.floor(backbone - 2 * maxBudget - 1);
        double yMax = Math.ceil(backbone + 1);
        Map<BranchTrainingMode, List<double[]>> fronts = new LinkedHashMap<>();
        double xMax = PAPER_REDUCTION + 10;
        for (BranchTrainingMode mode : d.modes()) {
            List<double[]> front = front(in, mode, yMin);
            fronts.put(mode, front);
            for (double[] p : front) {
                xMax = Math.max(xMax, p[0]);
            }
        }
        SvgChart chart = new SvgChart(760, 440, "Test accuracy against compute reduction", "compute reduction (%)",
                "test accuracy (%)", 0, Math.ceil(xMax / 10) * 10, yMin, yMax);
        chart.horizontal(backbone, SvgChart.GREY, String.format(Locale.ROOT, "backbone %.2f %%", backbone));
        int colour = 0;
        for (BranchTrainingMode mode : d.modes()) {
            String c = ExitPalette.seriesHex(colour++);
            String name = ExperimentConfig.modeName(mode);
            List<double[]> points = new ArrayList<>();
            List<String> tips = new ArrayList<>();
            for (double b : d.budgets()) {
                for (SweepConfiguration conf : in.configurations()) {
                    double[] mean = budgetMean(in, conf, mode, b);
                    if (mean != null && mean[1] >= yMin) {
                        points.add(mean);
                        tips.add(String.format(Locale.ROOT, "%s, %s, budget %s points: %.1f %% less compute, %.2f %%"
                                + " accuracy", name, conf.id() + " (" + conf.describe() + ")",
                                SweepSummary.number(b), mean[0], mean[1]));
                    }
                }
            }
            chart.points(points, tips, c, 3, mode != d.baseline());
            chart.line(fronts.get(mode), c, 1.6, null);
            chart.legend(name + ": chosen per budget (dots), front of all test points (line)", c);
        }
        chart.cross(PAPER_REDUCTION, backbone - PAPER_LOSS, "#b00020",
                "BTS-EE's claim: 45 % at 2 points (CINIC-10, ResNet-18)");
        return chart.svg(true);
    }

    /** @return the test Pareto front of every curve point of a mode (percent), accuracy at least {@code yMin} */
    private static List<double[]> front(SweepReports.Inputs in, BranchTrainingMode mode, double yMin) {
        List<double[]> all = new ArrayList<>();
        for (SweepResult r : in.results().values()) {
            if (!isCurrent(in, r) || !r.succeeded()) {
                continue;
            }
            r.mode(mode).ifPresent(m -> m.curve().forEach(p -> all.add(new double[] {100 * p.testReduction(),
                    100 * p.testAccuracy()})));
        }
        all.sort(Comparator.comparingDouble((double[] p) -> -p[0]).thenComparingDouble(p -> -p[1]));
        List<double[]> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (double[] p : all) {
            if (p[1] > best) {
                best = p[1];
                if (p[1] >= yMin && p[0] >= 0) {
                    front.add(0, p);
                }
            }
        }
        return front;
    }

    private static boolean isCurrent(SweepReports.Inputs in, SweepResult r) {
        return in.definition().seeds().contains(r.seed()) && in.configurations().stream()
                .anyMatch(c -> c.key().equals(r.key()));
    }

    /** @return the seed means of test reduction and accuracy (percent) at a budget, or null */
    private static double[] budgetMean(SweepReports.Inputs in, SweepConfiguration c, BranchTrainingMode mode,
                                       double budget) {
        double reduction = 0;
        double accuracy = 0;
        int n = 0;
        for (long seed : in.definition().seeds()) {
            SweepResult r = in.result(c, seed);
            if (r == null || !r.succeeded() || r.mode(mode).isEmpty()) {
                continue;
            }
            SweepResult.Point p = r.mode(mode).get().atBudget(budget, r.backboneValidAccuracy(),
                    r.backboneTestAccuracy());
            reduction += 100 * p.testReduction();
            accuracy += 100 * p.testAccuracy();
            n++;
        }
        return n == 0 ? null : new double[] {reduction / n, accuracy / n};
    }

    private static double backboneTest(SweepReports.Inputs in) {
        return in.results().values().stream().filter(SweepResult::succeeded).findFirst()
                .map(SweepResult::backboneTestAccuracy).orElse(Double.NaN);
    }

    /** @return per configuration key, the mean over seeds of a metric's difference */
    private static Map<String, Double> configurationMeans(SweepSummary.Comparison c, String metric) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (SweepSummary.PairedTrial p : c.trials()) {
            double v = p.differences().get(metric);
            if (!Double.isNaN(v)) {
                double[] s = sums.computeIfAbsent(p.configuration().key(), k -> new double[2]);
                s[0] += v;
                s[1]++;
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((k, s) -> means.put(k, s[0] / s[1]));
        return means;
    }

    /** One row per axis value (and one for all): each configuration's mean difference, and the mean with its CI. */
    private static String stripPlot(SweepReports.Inputs in, SweepSummary.Comparison c, SweepSummary.Metric m) {
        Map<String, Double> means = configurationMeans(c, m.id());
        List<String> labels = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        List<PairedStatistics> stats = new ArrayList<>();
        labels.add("all configurations");
        values.add(new ArrayList<>(means.values()));
        stats.add(c.overall().stream().filter(s -> s.metric().equals(m)).findFirst().orElseThrow().statistics());
        for (SweepSummary.Level level : c.levels()) {
            labels.add(level.axis() + ": " + level.label());
            List<Double> v = new ArrayList<>();
            for (SweepConfiguration conf : in.configurations()) {
                if (level.label().equals(conf.labels().get(level.axis())) && means.containsKey(conf.key())) {
                    v.add(means.get(conf.key()));
                }
            }
            values.add(v);
            stats.add(level.metrics().stream().filter(s -> s.metric().equals(m)).findFirst().orElseThrow()
                    .statistics());
        }
        double extent = 1;
        for (List<Double> v : values) {
            for (double x : v) {
                extent = Math.max(extent, Math.abs(x));
            }
        }
        extent = Math.ceil(extent * 1.1);
        int rows = labels.size();
        SvgChart chart = new SvgChart(580, 80 + 22 * rows, 190, c.mode() + " − " + in.summary().baseline() + ": "
                + m.title(), "difference (points; right: " + c.mode() + " better)", null, -extent, extent, 0,
                rows + 0.5);
        chart.vertical(0, SvgChart.GREY, "");
        for (int i = 0; i < rows; i++) {
            double y = rows - i;
            chart.category(y, labels.get(i));
            List<double[]> dots = new ArrayList<>();
            for (double x : values.get(i)) {
                dots.add(new double[] {x, y});
            }
            chart.points(dots, null, ExitPalette.seriesHex(0), 2.5, false);
            PairedStatistics s = stats.get(i);
            if (!Double.isNaN(s.ciLow())) {
                // An interval wider than the dots (few configurations) is cut at the plot's edge.
                chart.interval(Math.max(-extent, s.ciLow()), s.mean(), Math.min(extent, s.ciHigh()), y, "#b00020");
            }
        }
        return chart.svg(false);
    }

    /** The test curves of the configurations with the largest and smallest mean matched-compute difference. */
    private static String extremeCurves(SweepReports.Inputs in, SweepSummary.Comparison c) {
        Map<String, Double> means = configurationMeans(c, "matched_accuracy");
        if (means.isEmpty()) {
            return p("No configuration finished in both modes.").render();
        }
        String best = means.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String worst = means.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        StringBuilder h = new StringBuilder();
        h.append(curves(in, c, configuration(in, best), "best for " + c.mode(), means.get(best)));
        if (!worst.equals(best)) {
            h.append(curves(in, c, configuration(in, worst), "worst for " + c.mode(), means.get(worst)));
        }
        return h.toString();
    }

    private static SweepConfiguration configuration(SweepReports.Inputs in, String key) {
        return in.configurations().stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
    }

    private static String curves(SweepReports.Inputs in, SweepSummary.Comparison c, SweepConfiguration conf,
                                 String what, double difference) {
        BranchTrainingMode mode = ExperimentConfig.parseMode(c.mode());
        BranchTrainingMode baseline = in.definition().baseline();
        double backbone = 100 * backboneTest(in);
        double yMin = Math.floor(backbone - 12);
        Map<BranchTrainingMode, List<List<double[]>>> lines = new LinkedHashMap<>();
        double xMax = 10;
        for (BranchTrainingMode m : List.of(mode, baseline)) {
            List<List<double[]>> perSeed = new ArrayList<>();
            for (long seed : in.definition().seeds()) {
                SweepResult r = in.result(conf, seed);
                if (r == null || !r.succeeded() || r.mode(m).isEmpty()) {
                    continue;
                }
                List<double[]> line = new ArrayList<>();
                for (SweepResult.Point p : r.mode(m).get().curve()) {
                    if (100 * p.testAccuracy() >= yMin && p.testReduction() >= 0) {
                        line.add(new double[] {100 * p.testReduction(), 100 * p.testAccuracy()});
                        xMax = Math.max(xMax, 100 * p.testReduction());
                    }
                }
                line.sort(Comparator.comparingDouble(p -> p[0]));
                perSeed.add(line);
            }
            lines.put(m, perSeed);
        }
        SvgChart chart = new SvgChart(560, 360, String.format(Locale.ROOT, "%s (%s, %+.2f points)", conf.id(),
                what, difference), "compute reduction (%) — " + conf.describe(), "test accuracy (%)", 0,
                Math.ceil(xMax / 10) * 10, yMin, Math.ceil(backbone + 1));
        chart.horizontal(backbone, SvgChart.GREY, "backbone");
        lines.forEach((m, perSeed) -> {
            String colour = ExitPalette.seriesHex(in.definition().modes().indexOf(m));
            perSeed.forEach(line -> chart.line(line, colour, 1.2, m == baseline ? "5 3" : null));
            chart.legend(ExperimentConfig.modeName(m) + " (one line per seed)", colour);
        });
        return chart.svg(true);
    }
}
