package org.exitbench.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A stand-in for a shared store in the tests: the scheme {@code store:} over this machine's disk ({@code store:/a/b}
 * is the file {@code /a/b}). Being not {@code file:}, it takes the code paths of {@code hdfs:} and {@code s3a:}
 * (caches copied to the executors' disks, shards and sweep files copied up and renamed into place) without a
 * cluster file system. Registered for Hadoop's service lookup in the test resources.
 */
public final class StoreFileSystem extends RawLocalFileSystem {

    /** The scheme. */
    public static final String SCHEME = "store";

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    /** @return {@code store:} URI of a local path */
    static String uri(java.nio.file.Path path) {
        return SCHEME + ":" + path.toAbsolutePath();
    }
}
