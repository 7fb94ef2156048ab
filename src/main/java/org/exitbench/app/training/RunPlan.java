package org.exitbench.app.training;

import java.util.List;
import java.util.Objects;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.train.BranchTrainingMode;

/**
 * What a run will do, known before it starts: which modes it trains, at which exits, on how many images, with
 * which CPM settings, and whether a backbone is trained first. The Training pane lays out its steps, funnel and
 * progress from it.
 *
 * @param modes          the training modes, in the order they run
 * @param vertices       the exits' backbone vertices, shallow to deep
 * @param trainTotal     training images
 * @param validTotal     validation images
 * @param epochs         the most epochs per branch
 * @param cpm            the CPM settings branches are calibrated with
 * @param trainsBackbone whether a new backbone is trained before the branches
 */
public record RunPlan(List<BranchTrainingMode> modes, List<String> vertices, int trainTotal, int validTotal,
        int epochs, CpmSettings cpm, boolean trainsBackbone) {

    public RunPlan {
        modes = List.copyOf(modes);
        vertices = List.copyOf(vertices);
        Objects.requireNonNull(cpm, "cpm");
        if (modes.isEmpty() || vertices.isEmpty()) {
            throw new IllegalArgumentException("a run trains at least one mode at one exit");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
        }
    }

    /** @return K, the number of exits */
    public int exitCount() {
        return vertices.size();
    }
}
