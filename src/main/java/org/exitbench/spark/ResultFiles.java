package org.exitbench.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file once, atomically, through Hadoop's FileSystem API, so Spark's task retries and speculative copies
 * cannot leave a torn file or two of them: each attempt writes its own hidden temporary file and renames it into
 * place only when the target does not exist yet. Two attempts that both finish leave one file (the first rename,
 * or on file systems whose rename replaces, an equally complete later one), and a killed attempt leaves at most a
 * hidden temporary file, which {@link #removeLeftovers} clears.
 */
final class ResultFiles {

    /** Marks the hidden temporary files of attempts. */
    static final String TEMP_SUFFIX = ".attempt.tmp";

    private ResultFiles() {
    }

    /**
     * @param attempt a number unique to this attempt (Spark's task attempt id)
     * @return true when this attempt's file is the one in place, false when another attempt's already was
     */
    static boolean writeOnce(FileSystem fs, Path target, byte[] content, long attempt) throws IOException {
        if (fs.exists(target)) {
            return false;
        }
        Path temp = new Path(target.getParent(), "." + target.getName() + "." + attempt + TEMP_SUFFIX);
        try (FSDataOutputStream out = fs.create(temp, true)) {
            out.write(content);
            out.hsync();
        }
        if (fs.exists(target)) {
            fs.delete(temp, false);
            return false;
        }
        if (!fs.rename(temp, target)) {
            fs.delete(temp, false);
            if (!fs.exists(target)) {
                throw new IOException("could not rename " + temp + " to " + target);
            }
            return false;
        }
        return true;
    }

    /** Removes the temporary files that killed attempts left in {@code folder}. */
    static void removeLeftovers(FileSystem fs, Path folder) throws IOException {
        if (!fs.exists(folder)) {
            return;
        }
        for (var status : fs.listStatus(folder, p -> p.getName().startsWith(".") && p.getName().endsWith(TEMP_SUFFIX))) {
            fs.delete(status.getPath(), false);
        }
    }
}
