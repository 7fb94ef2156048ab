package org.exitbench.workspace;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.train.BranchTrainingMode;

/**
 * One run of a workspace as the runs list shows it: its id, when it was made, its modes and the headline numbers of
 * its first mode on the test split, or why its metrics could not be read.
 *
 * @param id      the run folder's name
 * @param folder  the run folder
 * @param metrics its {@code metrics.json}, or {@code null} when unreadable
 * @param problem why the metrics could not be read, or {@code null}
 */
public record RunEntry(String id, Path folder, RunMetrics metrics, String problem) {

    public RunEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(folder, "folder");
        if ((metrics == null) == (problem == null)) {
            throw new IllegalArgumentException("a run entry has either metrics or a problem");
        }
    }

    /** @return whether the run can be shown */
    public boolean readable() {
        return metrics != null;
    }

    /** @return the modes the run trained, in the order run; empty when unreadable */
    public List<BranchTrainingMode> modes() {
        return metrics == null ? List.of() : metrics.modes().stream().map(RunMetrics.ModeMetrics::mode).toList();
    }

    /**
     * @return "boosted 89.96 % (−1.32 pts), 40.3 % saved · non-boosted …": each mode's test accuracy, its drop
     *         against the backbone and the compute saved; or the problem
     */
    public String summary() {
        if (metrics == null) {
            return problem;
        }
        StringBuilder text = new StringBuilder();
        for (RunMetrics.ModeMetrics mode : metrics.modes()) {
            if (!text.isEmpty()) {
                text.append(" · ");
            }
            RunMetrics.CascadeMetrics test = mode.test();
            text.append(ExperimentConfig.modeName(mode.mode())).append(String.format(java.util.Locale.ROOT,
                    " %.1f %% (%+.1f pts), %.0f %% saved", 100 * test.accuracy(), -test.accuracyDropPoints(),
                    100 * test.computeReduction()));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return id;
    }
}
