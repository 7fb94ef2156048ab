package org.exitbench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.experiment.ConfigJson;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.store.AtomicFiles;
import org.exitbench.sweep.PairedStatistics;
import org.exitbench.sweep.SweepConfiguration;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.SweepSummary;
import org.exitbench.train.BranchTrainingMode;

/**
 * The files a sweep leaves besides its results: {@code sweep.csv} (one row per configuration × mode × seed),
 * {@code paired.csv} (the paired differences), {@code summary.md} and {@code report.html}. All of them are derived
 * from the stored results, so they can be written again at any time without training.
 */
public final class SweepReports {

    private SweepReports() {
    }

    /**
     * A table of the summary, rendered both as Markdown and as HTML.
     *
     * @param title  its heading
     * @param note   a sentence under the heading, or null
     * @param header the column names
     * @param rows   the cells
     */
    record Table(String title, String note, List<String> header, List<List<String>> rows) {
    }

    /** Everything the reports are made from. */
    record Inputs(SweepFolder.Manifest manifest, SweepDefinition definition, List<SweepConfiguration> configurations,
                  Map<String, SweepResult> results, SweepSummary summary) {

        /** @return the result of one trial, or null */
        SweepResult result(SweepConfiguration c, long seed) {
            return results.get(SweepFolder.trialName(c.key(), seed));
        }
    }

    public static void write(SweepFolder folder, SweepFolder.Manifest manifest, SweepDefinition definition,
                      List<SweepConfiguration> configurations, Map<String, SweepResult> results,
                      SweepSummary summary) {
        Inputs in = new Inputs(manifest, definition, configurations, results, summary);
        trialsCsv(in).write(folder.root().resolve(SweepFolder.CSV));
        pairedCsv(in).write(folder.root().resolve(SweepFolder.PAIRED_CSV));
        List<Table> tables = tables(in);
        AtomicFiles.writeString(folder.root().resolve(SweepFolder.SUMMARY), markdown(in, tables));
        AtomicFiles.writeString(folder.root().resolve(SweepFolder.REPORT), SweepHtmlReport.html(in, tables));
    }

    /** @return one row per configuration × mode × seed, with every knob and the results at each budget */
    static CsvTable trialsCsv(Inputs in) {
        SweepDefinition d = in.definition();
        List<String> vertices = in.manifest().exitVertices();
        List<String> header = new ArrayList<>(List.of("configuration", "key"));
        d.axes().forEach(a -> header.add("axis_" + a.name()));
        header.addAll(List.of("seed", "mode", "status", "error", "exit_points", "branch_type", "filters", "kernel",
                "layers", "pooling_grid", "target", "temperature", "survivor_filtering", "training_margin", "margin_form",
                "anchor", "minimum_support", "epochs", "trained_exits", "skipped", "branch_macs", "training_seconds",
                "backbone_valid_accuracy_pct", "backbone_test_accuracy_pct"));
        List<String> pointColumns = new ArrayList<>(List.of("margin", "valid_drop_pts", "valid_reduction_pct",
                "test_accuracy_pct", "test_drop_pts", "test_reduction_pct"));
        vertices.forEach(v -> pointColumns.add("exit_" + v + "_pct"));
        pointColumns.add("exit_final_pct");
        pointColumns.forEach(c -> header.add("trained_" + c));
        for (double b : d.budgets()) {
            pointColumns.forEach(c -> header.add("budget_" + SweepSummary.number(b) + "_" + c));
        }
        // Issue 17: the global threshold at the training margin and the oracle ceiling (empty in older sweeps).
        header.addAll(List.of("global_test_accuracy_pct", "global_test_reduction_pct",
                "oracle_agree_test_reduction_pct", "oracle_right_test_accuracy_pct", "oracle_right_test_reduction_pct"));
        CsvTable table = new CsvTable(header);
        for (long seed : d.seeds()) {
            for (SweepConfiguration c : in.configurations()) {
                SweepResult r = in.result(c, seed);
                if (r == null) {
                    continue;
                }
                for (BranchTrainingMode mode : d.modes()) {
                    table.add(trialRow(in, c, r, mode, vertices, header.size()));
                }
            }
        }
        return table;
    }

    private static List<String> trialRow(Inputs in, SweepConfiguration c, SweepResult r, BranchTrainingMode mode,
                                         List<String> vertices, int width) {
        ExperimentConfig config = c.config();
        List<String> row = new ArrayList<>(List.of(c.id(), c.key()));
        in.definition().axes().forEach(a -> row.add(c.labels().get(a.name())));
        List<String> exitPoints = config.exitPoints() != null ? config.exitPoints() : List.of("(backbone's)");
        row.addAll(List.of(String.valueOf(r.seed()), ExperimentConfig.modeName(mode),
                r.succeeded() ? "done" : "failed", r.succeeded() ? "" : r.error(), String.join("+", exitPoints),
                ConfigJson.name(config.branch().type()), String.valueOf(config.branch().filters()),
                String.valueOf(config.branch().kernel()), String.valueOf(layers(config)),
                String.valueOf(config.poolingGrid()),
                ConfigJson.name(config.training().target()), String.valueOf(config.training().temperature()),
                ConfigJson.name(config.training().survivorFiltering()), String.valueOf(config.cpm().margin()),
                ConfigJson.name(config.cpm().marginForm()), ConfigJson.name(config.cpm().anchor()),
                String.valueOf(config.cpm().minimumSupport()), String.valueOf(config.training().epochs())));
        SweepResult.ModeResult m = r.succeeded() ? r.mode(mode).orElse(null) : null;
        if (m == null) {
            while (row.size() < width) {
                row.add("");
            }
            return row;
        }
        row.addAll(List.of(String.join("+", m.exits()), String.join("; ", m.skipped()),
                String.valueOf(m.branchMacs().stream().mapToLong(Long::longValue).sum()),
                CsvTable.number(m.trainingSeconds(), 2), CsvTable.number(100 * r.backboneValidAccuracy(), 2),
                CsvTable.number(100 * r.backboneTestAccuracy(), 2)));
        pointCells(row, r, m, m.atTrainingMargin(), vertices);
        for (double b : in.definition().budgets()) {
            pointCells(row, r, m, m.atBudget(b, r.backboneValidAccuracy(), r.backboneTestAccuracy()), vertices);
        }
        SweepResult.Point global = m.globalAtTrainingMargin();
        row.add(global == null ? "" : CsvTable.number(100 * global.testAccuracy(), 2));
        row.add(global == null ? "" : CsvTable.number(100 * global.testReduction(), 2));
        SweepResult.Ceiling ceiling = m.ceiling();
        row.add(ceiling == null ? "" : CsvTable.number(100 * ceiling.agreeTestReduction(), 2));
        row.add(ceiling == null ? "" : CsvTable.number(100 * ceiling.rightTestAccuracy(), 2));
        row.add(ceiling == null ? "" : CsvTable.number(100 * ceiling.rightTestReduction(), 2));
        return row;
    }

    /** @return the branches' convolution layers; configurations written before branches had layers have one */
    private static int layers(ExperimentConfig config) {
        Integer layers = config.branch().layers();
        return layers == null ? 1 : layers;
    }

    private static void pointCells(List<String> row, SweepResult r, SweepResult.ModeResult m, SweepResult.Point p,
                                   List<String> vertices) {
        row.add(p.isBackboneAlone() ? "backbone alone" : String.valueOf(p.margin()));
        row.add(CsvTable.number(100 * (r.backboneValidAccuracy() - p.validAccuracy()), 2));
        row.add(CsvTable.number(100 * p.validReduction(), 2));
        row.add(CsvTable.number(100 * p.testAccuracy(), 2));
        row.add(CsvTable.number(100 * (r.backboneTestAccuracy() - p.testAccuracy()), 2));
        row.add(CsvTable.number(100 * p.testReduction(), 2));
        Map<String, Double> rates = new HashMap<>();
        if (!p.isBackboneAlone()) {
            for (int e = 0; e < m.exits().size(); e++) {
                rates.put(m.exits().get(e), p.testExitRates().get(e));
            }
        }
        for (String v : vertices) {
            row.add(rates.containsKey(v) ? CsvTable.number(100 * rates.get(v), 2) : "");
        }
        row.add(CsvTable.number(100 * p.testExitRates().get(p.testExitRates().size() - 1), 2));
    }

    /** @return one row per configuration × seed × compared mode: every metric's difference, in points */
    static CsvTable pairedCsv(Inputs in) {
        List<String> header = new ArrayList<>(List.of("configuration", "key"));
        in.definition().axes().forEach(a -> header.add("axis_" + a.name()));
        header.addAll(List.of("seed", "mode", "baseline"));
        List<SweepSummary.Metric> metrics = SweepSummary.metrics(in.definition());
        metrics.forEach(m -> header.add("diff_" + m.id() + "_pts"));
        CsvTable table = new CsvTable(header);
        for (SweepSummary.Comparison comparison : in.summary().comparisons()) {
            for (SweepSummary.PairedTrial p : comparison.trials()) {
                List<String> row = new ArrayList<>(List.of(p.configuration().id(), p.configuration().key()));
                in.definition().axes().forEach(a -> row.add(p.configuration().labels().get(a.name())));
                row.addAll(List.of(String.valueOf(p.seed()), comparison.mode(), in.summary().baseline()));
                metrics.forEach(m -> row.add(CsvTable.number(p.differences().get(m.id()), 3)));
                table.add(row);
            }
        }
        return table;
    }

    /** @return the summary's tables, in report order */
    static List<Table> tables(Inputs in) {
        List<Table> tables = new ArrayList<>();
        SweepSummary s = in.summary();
        for (SweepSummary.Comparison c : s.comparisons()) {
            List<List<String>> rows = new ArrayList<>();
            for (SweepSummary.MetricStatistics m : c.overall()) {
                PairedStatistics st = m.statistics();
                rows.add(List.of(m.metric().title(), wlt(st.wins(), st.losses(), st.ties()),
                        wlt(st.unitWins(), st.unitLosses(), st.unitTies()), st.interval(),
                        st.signTestText(), CsvTable.number(st.seedSpread(), 2)));
            }
            tables.add(new Table(c.mode() + " − " + s.baseline() + ", all configurations",
                    "Differences in percentage points (positive: " + c.mode() + " better). Wins / losses / ties "
                            + "beyond a tolerance of " + SweepSummary.number(in.definition().tolerance()
                            .reductionPoints()) + " points of compute or " + SweepSummary.number(in.definition()
                            .tolerance().accuracyPoints()) + " points of accuracy; mean over configurations "
                            + "(seeds averaged) with its 95 % t-interval; sign test over configurations.",
                    List.of("metric", "W / L / T (configuration × seed)", "W / L / T (configurations)",
                            "mean difference [95 % CI]", "sign test p", "seed spread (SD)"), rows));
        }
        tables.add(bestTable(in));
        tables.addAll(FairTables.tables(in));
        for (SweepSummary.Comparison c : s.comparisons()) {
            for (SweepDefinition.Axis axis : in.definition().axes()) {
                tables.add(axisTable(in, c, axis));
            }
        }
        List<List<String>> failed = new ArrayList<>();
        for (long seed : in.definition().seeds()) {
            for (SweepConfiguration c : in.configurations()) {
                SweepResult r = in.result(c, seed);
                if (r != null && !r.succeeded()) {
                    failed.add(List.of(c.id(), c.describe(), String.valueOf(seed), r.error()));
                }
            }
        }
        if (!failed.isEmpty()) {
            tables.add(new Table("Failed trials", "Tried again on the next run of the sweep.",
                    List.of("configuration", "knobs", "seed", "error"), failed));
        }
        return tables;
    }

    private static Table bestTable(Inputs in) {
        List<List<String>> rows = new ArrayList<>();
        for (SweepSummary.BestReduction b : in.summary().best()) {
            rows.add(List.of(b.mode(), "≤ " + SweepSummary.number(b.budget()),
                    b.configuration() == null ? "none saves compute" : b.configuration().id() + " ("
                            + b.configuration().describe() + ")",
                    b.configuration() == null ? "—" : percent(b.testReduction()),
                    b.configuration() == null ? "—" : CsvTable.number(b.testDrop(), 2),
                    b.bestOnTest() == null ? "none" : b.bestOnTest().id(),
                    b.bestOnTest() == null ? "—" : percent(b.bestTestReduction()),
                    b.bestOnTest() == null ? "—" : CsvTable.number(b.bestTestDrop(), 2)));
        }
        return new Table("Best compute reduction within an accuracy budget",
                "Per mode and budget (points of test accuracy below the backbone's). Honest: the configuration and "
                        + "its operating points are chosen on validation, the numbers are test means over seeds. "
                        + "Optimistic (as an \"up to\" claim): the configuration with the largest mean test "
                        + "reduction among those whose mean test loss is within the budget.",
                List.of("mode", "budget (points)", "chosen on validation", "test reduction", "test loss (points)",
                        "best on test", "test reduction", "test loss (points)"), rows);
    }

    private static Table axisTable(Inputs in, SweepSummary.Comparison c, SweepDefinition.Axis axis) {
        List<SweepSummary.Metric> shown = c.metrics().stream()
                .filter(m -> !Double.isNaN(m.budget()) || m.id().equals("matched_accuracy")).toList();
        List<String> header = new ArrayList<>(List.of(axis.name(), "configurations"));
        shown.forEach(m -> header.add(m.title()));
        List<List<String>> rows = new ArrayList<>();
        for (SweepSummary.Level level : c.levels()) {
            if (!level.axis().equals(axis.name())) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(level.label(),
                    String.valueOf(level.metrics().get(0).statistics().units())));
            for (SweepSummary.Metric m : shown) {
                PairedStatistics st = level.metrics().stream().filter(x -> x.metric().equals(m)).findFirst()
                        .orElseThrow().statistics();
                row.add(st.interval() + " (" + wlt(st.unitWins(), st.unitLosses(), st.unitTies()) + ")");
            }
            rows.add(row);
        }
        return new Table(c.mode() + " − " + in.summary().baseline() + " by " + axis.name(),
                "Mean difference over the configurations with that " + axis.name() + " [95 % t-interval], then "
                        + "their wins / losses / ties. Descriptive: no correction for the many comparisons.",
                header, rows);
    }

    static String wlt(int wins, int losses, int ties) {
        return wins + " / " + losses + " / " + ties;
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    /** @return the summary as Markdown: facts, then every table */
    static String markdown(Inputs in, List<Table> tables) {
        StringBuilder md = new StringBuilder();
        md.append("# Sweep ").append(in.definition().name()).append("\n\n");
        for (String[] fact : facts(in)) {
            md.append("- **").append(fact[0]).append("**: ").append(fact[1]).append('\n');
        }
        for (Table t : tables) {
            md.append("\n## ").append(t.title()).append("\n\n");
            if (t.note() != null) {
                md.append(t.note()).append("\n\n");
            }
            md.append('|');
            t.header().forEach(h -> md.append(' ').append(cell(h)).append(" |"));
            md.append("\n|");
            t.header().forEach(h -> md.append("---|"));
            md.append('\n');
            for (List<String> row : t.rows()) {
                md.append('|');
                row.forEach(v -> md.append(' ').append(cell(v)).append(" |"));
                md.append('\n');
            }
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** @return the facts of the sweep, as label and text */
    static List<String[]> facts(Inputs in) {
        SweepFolder.Manifest m = in.manifest();
        SweepSummary s = in.summary();
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"dataset", m.dataset() + " (fingerprint " + m.datasetFingerprint().substring(0, 12)
                + ")"});
        facts.add(new String[] {"backbone", m.backbone() + ": " + m.backboneDescription() + ", "
                + String.format(Locale.ROOT, "%,d", m.backboneMacs()) + " MACs per image (fingerprint "
                + m.backboneFingerprint().substring(0, 12) + ")"});
        SweepResult any = in.results().values().stream().filter(SweepResult::succeeded).findFirst().orElse(null);
        if (any != null) {
            facts.add(new String[] {"backbone accuracy", String.format(Locale.ROOT,
                    "%.2f %% on validation, %.2f %% on test", 100 * any.backboneValidAccuracy(),
                    100 * any.backboneTestAccuracy())});
        }
        facts.add(new String[] {"grid", in.configurations().size() + " configurations ("
                + String.join(" × ", in.definition().axes().stream().map(a -> a.levels().size() + " " + a.name())
                .toList()) + "), modes " + String.join(", ", in.definition().modes().stream()
                .map(ExperimentConfig::modeName).toList()) + ", seeds " + in.definition().seeds()});
        facts.add(new String[] {"trials", s.finished() + " of " + s.trials() + " finished"
                + (s.failed() > 0 ? ", " + s.failed() + " failed" : "")});
        for (SweepFolder.Session session : m.sessions()) {
            facts.add(new String[] {"session " + session.started(), String.format(Locale.ROOT,
                    "%d trials trained%s in %s wall time, %s CPU time, %d at once%s", session.trialsRun(),
                    session.failed() > 0 ? " (" + session.failed() + " failed)" : "",
                    SweepRunner.duration(session.wallSeconds()), session.cpuSeconds() == null ? "unknown"
                            : SweepRunner.duration(session.cpuSeconds()), session.threads(),
                    session.cancelled() ? "; cancelled" : "")});
        }
        m.sessions().stream().reduce((a, b) -> b).ifPresent(last -> facts.add(new String[] {"machine",
                last.machine() + "; " + last.threads() + " trial" + (last.threads() == 1 ? "" : "s") + " at once"}));
        return facts;
    }
}
