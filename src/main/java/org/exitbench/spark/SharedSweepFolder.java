package org.exitbench.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.TrialExecutor;

/**
 * A sweep folder on a Hadoop file system ({@code hdfs:}, {@code s3a:}, {@code file:}) and the driver's local copy
 * of it, in which the sweep runner works as in process. Only the driver copies: the executors write their results
 * into the store themselves ({@link SparkTrialExecutor}). Every file goes up as a hidden temporary file renamed into
 * place, and the manifest goes last, so the store never holds a torn file or a manifest newer than its reports.
 */
final class SharedSweepFolder implements TrialExecutor.SharedFolder {

    private final FileSystem fs;
    private final Path remote;
    private final java.nio.file.Path local;

    SharedSweepFolder(String location, java.nio.file.Path local) {
        URI uri = URI.create(location);
        this.fs = SparkJobs.fileSystem(uri);
        this.remote = new Path(uri);
        this.local = local.toAbsolutePath();
    }

    @Override
    public String location() {
        return remote.toUri().toString();
    }

    /** @return the store's results folder, where the executors write */
    URI results() {
        return new Path(remote, SweepFolder.RESULTS).toUri();
    }

    /** @return whether {@code folder} is this local copy */
    boolean isCopy(java.nio.file.Path folder) {
        return folder.toAbsolutePath().normalize().equals(local.normalize());
    }

    @Override
    public void pull() {
        try {
            SparkFeatureCache.deleteLocal(local);
            Files.createDirectories(local);
            if (!fs.exists(remote)) {
                return;
            }
            for (FileStatus status : fs.listStatus(remote)) {
                if (status.isFile() && !hidden(status.getPath())) {
                    fs.copyToLocalFile(false, status.getPath(), localFile(status.getPath().getName()), true);
                }
            }
            pullResults();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sweep folder " + location() + " to " + local + ": "
                    + e.getMessage(), e);
        }
    }

    /** Copies the result files the local copy lacks from the store. */
    void pullResults() throws IOException {
        Path results = new Path(remote, SweepFolder.RESULTS);
        if (!fs.exists(results)) {
            return;
        }
        java.nio.file.Path localResults = Files.createDirectories(local.resolve(SweepFolder.RESULTS));
        for (FileStatus status : fs.listStatus(results)) {
            String name = status.getPath().getName();
            if (status.isFile() && !hidden(status.getPath()) && !Files.exists(localResults.resolve(name))) {
                fs.copyToLocalFile(false, status.getPath(), new Path(localResults.resolve(name).toUri()), true);
            }
        }
    }

    @Override
    public void push() {
        try {
            fs.mkdirs(new Path(remote, SweepFolder.RESULTS));
            java.nio.file.Path localResults = local.resolve(SweepFolder.RESULTS);
            if (Files.isDirectory(localResults)) {
                for (java.nio.file.Path file : list(localResults)) {
                    Path target = new Path(new Path(remote, SweepFolder.RESULTS), file.getFileName().toString());
                    if (!fs.exists(target)) {
                        upload(file, target);
                    }
                }
            }
            java.nio.file.Path manifest = null;
            for (java.nio.file.Path file : list(local)) {
                if (file.getFileName().toString().equals(SweepFolder.MANIFEST)) {
                    manifest = file;
                } else {
                    upload(file, new Path(remote, file.getFileName().toString()));
                }
            }
            if (manifest != null) {
                upload(manifest, new Path(remote, SweepFolder.MANIFEST));
            }
            // A file the run removed from the copy (the mark of a running session, once its session is recorded)
            // goes from the store too, or the next driver would pull it back.
            for (FileStatus status : fs.listStatus(remote)) {
                if (status.isFile() && !hidden(status.getPath())
                        && !Files.exists(local.resolve(status.getPath().getName()))) {
                    fs.delete(status.getPath(), false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sweep folder " + local + " to " + location() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Replaces {@code target} with a local file: copied beside it under a hidden name, then renamed over it. */
    private void upload(java.nio.file.Path file, Path target) throws IOException {
        Path temp = new Path(target.getParent(), "." + target.getName() + ".driver" + ResultFiles.TEMP_SUFFIX);
        fs.copyFromLocalFile(false, true, new Path(file.toUri()), temp);
        // Hadoop's rename does not replace a file (HDFS refuses), so the old one goes first.
        fs.delete(target, false);
        if (!fs.rename(temp, target)) {
            throw new IOException("could not rename " + temp + " to " + target);
        }
    }

    private static List<java.nio.file.Path> list(java.nio.file.Path folder) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(folder)) {
            List<java.nio.file.Path> regular = new ArrayList<>();
            files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().forEach(regular::add);
            return regular;
        }
    }

    private Path localFile(String name) {
        return new Path(local.resolve(name).toUri());
    }

    private static boolean hidden(Path path) {
        return path.getName().startsWith(".");
    }
}
