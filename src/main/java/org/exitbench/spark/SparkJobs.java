package org.exitbench.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;

/** What the Spark jobs share: the context they run in, waiting with cancellation, and Hadoop file systems. */
final class SparkJobs {

    /**
     * The master that {@code spark-submit} (or a {@code spark.master} system property) gives: the CLI's
     * {@code --spark submit}.
     */
    static final String FROM_SUBMIT = "submit";

    private SparkJobs() {
    }

    /**
     * Starts a Spark context. Spark reads {@code spark.*} system properties as well (spark-submit passes its
     * {@code --conf} that way); {@code settings} win over them.
     *
     * @param master   a master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, {@code k8s://…}), or
     *                 {@value #FROM_SUBMIT} for the one spark-submit gives
     * @param appName  the application's name in the cluster's UI
     * @param settings further Spark settings
     */
    static JavaSparkContext start(String master, String appName, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (!FROM_SUBMIT.equals(master)) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            throw new ExperimentException("--spark submit: no master was given by spark-submit (spark.master is not"
                    + " set); name one, e.g. --spark spark://host:7077");
        }
        // Branch networks are small: one OpenMP thread per task, one task per core, as in process.
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        conf.setIfMissing("spark.executor.extraJavaOptions", "-Dorg.eclipse.deeplearning4j.helpers.disable=false");
        // Started without spark-submit (scripts/exitbench-spark on a standalone master), the executors still need
        // this jar; spark-submit sets spark.jars itself.
        String jar = ownJar();
        if (jar != null) {
            conf.setIfMissing("spark.jars", jar);
        }
        settings.forEach(conf::set);
        return new JavaSparkContext(conf);
    }

    /** @return the jar holding these classes, or null when they come from a folder (the tests) */
    private static String ownJar() {
        try {
            java.security.CodeSource source = SparkJobs.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            java.nio.file.Path path = java.nio.file.Path.of(source.getLocation().toURI());
            return java.nio.file.Files.isRegularFile(path) ? path.toUri().toString() : null;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Waits for a job, polling the token; a cancelled run cancels the job.
     *
     * @throws CancelledException when cancelled
     * @throws ExperimentException when the job failed (Spark gave up after its retries)
     */
    static <T> T await(JavaFutureAction<T> job, CancellationToken cancel, String what) {
        while (true) {
            if (cancel.isCancelled()) {
                job.cancel(true);
                throw new CancelledException();
            }
            try {
                return job.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: poll the token again.
            } catch (InterruptedException e) {
                job.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancelledException();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new ExperimentException(what + " failed on Spark: " + cause.getMessage(), cause);
            }
        }
    }

    /** @return whether a file system is this machine's disk ({@code file:}), whose files java.nio reads in place */
    static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    /**
     * The file system of a URI. The local one is used without Hadoop's checksum layer, which would leave a
     * {@code .crc} file beside every result and rename it separately.
     */
    static FileSystem fileSystem(URI uri) {
        try {
            FileSystem fs = FileSystem.get(uri, new Configuration());
            return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + uri + ": " + e.getMessage(), e);
        }
    }
}
