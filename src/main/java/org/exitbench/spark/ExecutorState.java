package org.exitbench.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.exitbench.model.FeatureCache;
import org.exitbench.sweep.RemoteTrials;
import org.exitbench.train.BranchFitMemo;

/**
 * What an executor JVM keeps between the tasks it runs: the feature caches, loaded once per executor rather than
 * once per trial (they are the bulk of a trial's input), and the branch fits its trials share, as the in-process
 * runner shares them between its threads. One sweep's worth is kept; a task of another sweep replaces it.
 */
final class ExecutorState {

    private static String planKey;
    private static Map<Integer, FeatureCache> caches;
    private static BranchFitMemo memo;

    private ExecutorState() {
    }

    /** The caches and the memo for a plan. */
    record Loaded(Map<Integer, FeatureCache> caches, BranchFitMemo memo) {
    }

    /**
     * Loads the plan's caches through Hadoop's FileSystem API: a local folder ({@code file:}) is read in place,
     * another file system's is copied to the executor's local disk first, and either is checked against its
     * manifest's checksums. The key includes each manifest's digest, so a rebuilt cache is never served stale.
     */
    static synchronized Loaded load(RemoteTrials.Plan plan) {
        StringBuilder key = new StringBuilder(plan.toJson());
        for (String location : plan.caches().values()) {
            key.append('\n').append(location).append('@').append(manifestDigest(location));
        }
        if (!key.toString().equals(planKey)) {
            caches = null;
            memo = null;
            Map<Integer, FeatureCache> loaded = new HashMap<>();
            plan.caches().forEach((grid, location) -> loaded.put(grid, loadCache(location)));
            caches = loaded;
            memo = BranchFitMemo.create();
            planKey = key.toString();
        }
        return new Loaded(caches, memo);
    }

    private static FeatureCache loadCache(String location) {
        URI uri = URI.create(location);
        FileSystem fs = SparkJobs.fileSystem(uri);
        if (SparkJobs.isLocal(fs)) {
            return FeatureCache.load(java.nio.file.Path.of(uri));
        }
        try {
            java.nio.file.Path local = Files.createTempDirectory("exitbench-cache");
            local.toFile().deleteOnExit();
            for (var status : fs.listStatus(new Path(uri))) {
                if (status.isFile()) {
                    fs.copyToLocalFile(false, status.getPath(),
                            new Path(local.resolve(status.getPath().getName()).toUri()), true);
                }
            }
            return FeatureCache.load(local);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the feature cache " + location + " to this executor: "
                    + e.getMessage(), e);
        }
    }

    private static String manifestDigest(String location) {
        URI uri = URI.create(location);
        FileSystem fs = SparkJobs.fileSystem(uri);
        try (InputStream in = fs.open(new Path(new Path(uri), FeatureCache.MANIFEST))) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feature cache's manifest in " + location + ": "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
