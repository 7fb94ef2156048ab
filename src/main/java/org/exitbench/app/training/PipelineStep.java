package org.exitbench.app.training;

import java.util.Objects;

/**
 * One step of a run as the Training pane lists it (features → branch 1 → calibrate 1 → survivors 1 → branch 2 …),
 * with the sentence that explains it.
 *
 * @param title   a word or two ("Branch 2")
 * @param caption one sentence on what happens in it, with the run's numbers once known
 * @param state   whether it is still to come, under way or done
 */
public record PipelineStep(String title, String caption, State state) {

    /** Where a run is with a step. */
    public enum State {
        /** Still to come. */
        PENDING,
        /** Under way. */
        ACTIVE,
        /** Done. */
        DONE
    }

    public PipelineStep {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(caption, "caption");
        Objects.requireNonNull(state, "state");
    }

    PipelineStep with(State value, String text) {
        return new PipelineStep(title, text, value);
    }
}
