package org.exitbench.app.training;

import java.nio.file.Path;
import java.util.Optional;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.workspace.BundledRun;

/**
 * Where a first launch gets the run shipped beside the sample from: read when it is asked for, or read ahead while
 * the window is being built (the app starts that read as soon as its window shows, so the shipped cascade can be on
 * screen moments after the shell is). Called on a task thread.
 */
@FunctionalInterface
public interface ShippedRunReader {

    /** Reads the shipped run when asked. */
    ShippedRunReader WHEN_ASKED = BundledRun::open;

    /**
     * @param dataset  the dataset folder
     * @param backbone the backbone file the shipped run must belong to
     * @return as {@link BundledRun#open}
     */
    Optional<BundledRun.Opened> open(Path dataset, Path backbone);

    /**
     * @param run a run this reader answered with {@link #open}
     * @return its default cascade as {@link RunCascadeSource#of} makes it without a dataset (one on its way), when
     *         it was prepared ahead too; empty otherwise, and then the caller makes it
     */
    default Optional<RunCascadeSource> prepared(ExperimentRun run) {
        return Optional.empty();
    }
}
