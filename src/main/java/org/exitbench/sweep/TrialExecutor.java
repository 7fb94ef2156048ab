package org.exitbench.sweep;

import java.util.List;
import java.util.ServiceLoader;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Runs a sweep's pending trials somewhere other than this process's threads: on a cluster. {@link SweepRunner}
 * prepares everything a trial needs (the dataset read, the feature caches built and saved, the folder opened) and
 * hands the trials over as a {@link RemoteTrials}; the executor must leave each trial's result in the sweep folder
 * as exactly one complete file, the same bytes {@link RemoteTrials#resultBytes} gives. Resuming, failed-trial
 * records, the paired statistics and the reports then work as in process, because they only read that folder.
 *
 * <p>Executors are found with {@link ServiceLoader}, so nothing here (or in the CLI) depends on a cluster's
 * libraries: the Spark one lives in {@code org.exitbench.spark} and needs Spark on the class path only when used.
 */
public interface TrialExecutor {

    /**
     * Runs the trials; returns when every one has a result file (finished or failed) or the run is cancelled.
     *
     * @param progress one report per finished trial, as the in-process runner gives
     * @return how many trials ran and how many of those failed
     */
    Tally execute(RemoteTrials trials, ProgressListener progress, CancellationToken cancel);

    /**
     * @param ran    trials run (their results written)
     * @param failed of those, how many failed
     */
    record Tally(int ran, int failed) {
    }

    /** Makes executors of one kind of cluster; registered in {@code META-INF/services}. */
    interface Factory {

        /** @return the kind, as the CLI names it: "spark" */
        String kind();

        /**
         * @param master where to run: the cluster's master URL as the cluster names it
         * @throws ExperimentException when the cluster's libraries are not on the class path
         */
        TrialExecutor create(String master);
    }

    /**
     * @param kind   "spark"
     * @param master the master URL
     * @throws ExperimentException when no executor of that kind is in this build
     */
    static TrialExecutor forCluster(String kind, String master) {
        List<Factory> factories = ServiceLoader.load(Factory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.kind().equals(kind)).toList();
        if (factories.isEmpty()) {
            throw new ExperimentException("this build of Exitbench cannot run sweeps on " + kind);
        }
        return factories.get(0).create(master);
    }
}
