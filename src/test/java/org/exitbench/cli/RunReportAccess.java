package org.exitbench.cli;

public final class RunReportAccess {
    public static String report(org.exitbench.experiment.ExperimentRun run) {
        return RunCommand.report(run);
    }
}
