package org.exitbench.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.model.Backbone;
import org.exitbench.model.FeatureCacheKey;
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
     * Builds the feature caches on the cluster, or finds them built, so that the driver reads neither the dataset
     * nor the caches: the executors read the images, run the backbone and write the caches, and the driver learns
     * only where each cache is and what it was made from. {@code exitbench cache build --spark} calls it alone; a
     * sweep calls it before its trials.
     *
     * @return one cache per requested grid, in the request's order; null when this kind of cluster leaves the caches
     *         to the driver (the caller then reads the dataset and builds them in process)
     * @throws ExperimentException when the dataset does not fit the backbone, or the cluster job failed
     * @throws org.exitbench.progress.CancelledException when cancelled; finished parts are kept for the next build
     */
    default List<ClusterCache> prepareCaches(CacheRequest request, ProgressListener progress,
                                             CancellationToken cancel) {
        return null;
    }

    /**
     * Which feature caches to build on a cluster.
     *
     * @param dataset      the dataset folder, at the same path on every executor
     * @param backboneFile the backbone file (DL4J zip or ONNX), at the same path on every executor
     * @param backbone     the backbone, loaded from that file, with the exits to cache (shallow to deep)
     * @param grids        the pooling grids, one cache each
     * @param cachesFolder the folder the caches go in, one subfolder each, as a URI ({@code file:}, {@code hdfs:}, …)
     * @param shardImages  images per task; 0 for the cluster's default
     */
    record CacheRequest(Path dataset, Path backboneFile, Backbone backbone, List<Integer> grids, String cachesFolder,
                        int shardImages) {

        public CacheRequest {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(backboneFile, "backboneFile");
            Objects.requireNonNull(backbone, "backbone");
            grids = List.copyOf(grids);
            Objects.requireNonNull(cachesFolder, "cachesFolder");
            if (shardImages < 0) {
                throw new IllegalArgumentException("shardImages must not be negative, was " + shardImages);
            }
        }
    }

    /**
     * A feature cache a cluster built or found.
     *
     * @param grid     its pooling grid
     * @param location its folder as a URI, complete with its manifest
     * @param key      what it was made from (the dataset's fingerprint computed on an executor)
     * @param shards   tasks it was cut into
     * @param computed of those, how many this call computed (0 when the cache was there already)
     * @param notice   what happened, in a sentence
     */
    record ClusterCache(int grid, String location, FeatureCacheKey key, int shards, int computed, String notice) {
    }

    /**
     * Keeps a sweep's folder, and optionally its feature caches, on the cluster's shared store (an {@code hdfs:},
     * {@code s3a:} or {@code file:} URI), which the driver reaches only through the cluster's file system API. The
     * driver works in a local copy of the sweep folder as in process: {@link SharedFolder#pull} fills it from the
     * store, the executors write each trial's result straight into the store (and the executor copies them into the
     * local copy before the reports are written), and {@link SharedFolder#push} writes the manifest, definition and
     * reports back, the manifest last. Call it before {@link #execute}, then run the sweep on {@code localCopy}.
     *
     * @param sweepFolder  the sweep folder's URI, or null to keep only the caches on the store
     * @param cachesFolder the feature caches' folder's URI, or null for the runner's own (the workspace's)
     * @param localCopy    the driver's copy of the sweep folder (emptied first)
     * @return the shared sweep folder, or null when {@code sweepFolder} is
     * @throws ExperimentException when this kind of cluster cannot, or the store cannot be reached
     */
    default SharedFolder share(String sweepFolder, String cachesFolder, Path localCopy) {
        throw new ExperimentException("this build of Exitbench cannot keep a sweep folder at " + sweepFolder);
    }

    /** A sweep folder on a shared store and the driver's local copy of it (see {@link #share}). */
    interface SharedFolder {

        /** Copies the stored sweep (manifest, definition, results) into the local copy, emptied first. */
        void pull();

        /**
         * Copies the local copy's files back to the store (results it lacks, reports, the manifest last) and removes
         * the store's files the copy no longer has (results aside).
         */
        void push();

        /** @return the sweep folder's URI */
        String location();
    }

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
