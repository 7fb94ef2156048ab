package org.exitbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exitbench.experiment.ExitRuleStudy;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.report.ExitRuleReport;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.workspace.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code exitbench exit-rules}: measures exit decision rules against the oracle ceiling on saved runs (issue 20);
 * the work is {@link ExitRuleStudy}'s, the files {@link ExitRuleReport}'s.
 */
@Command(name = "exit-rules", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit exit decision rules (max-softmax, entropy, temperature-calibrated confidence, learned "
                + "exit-decision heads, each alone or with agreement between consecutive exits) on saved runs, "
                + "calibrate each with CPM over a range of margins on the run's calibration split, choose the "
                + "operating point within each accuracy budget on the other validation half and report it on test "
                + "next to the oracle ceiling.",
                "Each run counts as one seed for the paired statistics. Writes choices.csv, curves.csv, summary.md "
                        + "and one SVG per mode into --out."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the study was written", "1:bad input or files (the message says which)",
                "2:wrong command-line options"})
final class ExitRulesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    WorkspaceOption workspace;

    @Option(names = "--runs", paramLabel = "<run-id>", split = ",",
            description = "The runs to study, one per seed (default: every run in the workspace).")
    List<String> runs;

    @Option(names = "--modes", paramLabel = "<mode>", split = ",", defaultValue = "boosted,non-boosted",
            description = "Training modes to study (default: ${DEFAULT-VALUE}); a run without the mode is skipped.")
    List<String> modes;

    @Option(names = "--rules", paramLabel = "<rule>", split = ",",
            description = "Rules, the first being the reference: max-softmax, entropy, temperature, learned-head, "
                    + "logistic-head, each optionally +agreement (default: all ten, max-softmax first).")
    List<String> rules;

    @Option(names = "--hidden", paramLabel = "<units>", defaultValue = "16",
            description = "Hidden units of the learned head (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--target", paramLabel = "<target>", defaultValue = "backbone",
            description = "What the heads learn: backbone (the exit's answer equals the backbone's) or ground-truth "
                    + "(it is right) (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--out", paramLabel = "<dir>", required = true, description = "Where the report is written.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Workspace ws = workspace.workspace();
        List<String> ids = runs != null ? runs : ws.runs().stream().map(org.exitbench.workspace.RunEntry::id).toList();
        if (ids.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the workspace " + ws.root()
                    + " has no run: train some with 'exitbench run' first");
        }
        List<ExitRuleStudy.RuleChoice> choices = new ArrayList<>();
        try {
            if (rules == null) {
                choices.addAll(ExitRuleStudy.RuleChoice.all());
            } else {
                for (String r : rules) {
                    choices.add(ExitRuleStudy.RuleChoice.parse(r));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rules: " + e.getMessage());
        }
        org.exitbench.cascade.decision.DecisionTarget headTarget = switch (target.toLowerCase(Locale.ROOT)) {
            case "backbone" -> org.exitbench.cascade.decision.DecisionTarget.BACKBONE;
            case "ground-truth" -> org.exitbench.cascade.decision.DecisionTarget.GROUND_TRUTH;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--target: \"" + target + "\" is not backbone or ground-truth");
        };
        PrintWriter err = spec.commandLine().getErr();
        List<ExitRuleStudy.Result> results = new ArrayList<>();
        for (String id : ids) {
            ExperimentRun run = ws.loadRun(id);
            ExitRuleStudy.Settings defaults = ExitRuleStudy.Settings.defaults(run.metrics().provenance().seed());
            ExitRuleStudy.Settings settings = new ExitRuleStudy.Settings(choices, defaults.margins(),
                    defaults.budgets(), defaults.head().withHidden(hidden).withTarget(headTarget));
            for (String modeName : modes) {
                BranchTrainingMode mode = mode(modeName);
                if (run.mode(mode).map(m -> !m.hasCascade()).orElse(true)) {
                    err.println("Run " + id + " has no " + modeName + " cascade; skipped.");
                    continue;
                }
                err.println("Studying run " + id + ", " + modeName + " …");
                err.flush();
                results.add(ExitRuleStudy.study(run, mode, settings));
            }
        }
        Files.createDirectories(out);
        ExitRuleReport.write(results, out);
        saveDecisions(results, out.resolve("decisions"));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(ExitRuleReport.summary(results));
        stdout.println();
        stdout.println("Written to " + out);
        stdout.flush();
        return 0;
    }

    /**
     * Saves each rule's operating point per run, mode and budget as a decision file for {@code exitbench export
     * --decision}: the fitted rule with the thresholds CPM gave at the chosen margin.
     */
    private static void saveDecisions(List<ExitRuleStudy.Result> results, Path folder) throws java.io.IOException {
        Files.createDirectories(folder);
        for (ExitRuleStudy.Result r : results) {
            for (ExitRuleStudy.RuleResult rule : r.rules()) {
                for (ExitRuleStudy.Choice c : rule.choices()) {
                    if (c.point().isEmpty() || c.thresholds() == null) {
                        continue;
                    }
                    String name = r.runId() + "-" + r.mode() + "-" + rule.rule().replace('+', '_') + "-within"
                            + String.format(Locale.ROOT, "%.0f", c.budgetPoints()) + ".json";
                    new org.exitbench.cascade.decision.DecisionFile(rule.fitted(), c.thresholds(), "run " + r.runId()
                            + ", " + r.mode() + ", " + rule.rule() + ", CPM margin " + c.point().get().margin()
                            + ", chosen within " + c.budgetPoints() + " points on validation").write(folder.resolve(name));
                }
            }
        }
    }

    private BranchTrainingMode mode(String name) {
        for (BranchTrainingMode m : BranchTrainingMode.values()) {
            if (ExperimentConfig.modeName(m).equals(name.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--modes: \"" + name
                + "\" is not one of boosted, non-boosted, soft");
    }
}
