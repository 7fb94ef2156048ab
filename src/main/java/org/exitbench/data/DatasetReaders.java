package org.exitbench.data;

import java.nio.file.Path;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * The entry point for reading any supported dataset: detects the layout of a path and reads it with the
 * matching reader.
 */
public final class DatasetReaders {

    private DatasetReaders() {
    }

    /**
     * Tells which layout a path holds.
     *
     * @param path a dataset folder (ImageFolder or CIFAR-10 binary) or a folder of IDX files
     * @return the layout
     * @throws DatasetException when the path does not exist or matches no known layout; the message lists what
     *                          each layout expects
     */
    public static DatasetFormat detect(Path path) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Reads the dataset at {@code path}, whatever its layout.
     *
     * @param path     the dataset folder
     * @param options  how to read it
     * @param progress receives "decoding images" progress
     * @param cancel   polled between images
     * @return the dataset with all three splits
     * @throws DatasetException on any problem with the files; the message names the file
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static Dataset read(Path path, ReadOptions options, ProgressListener progress, CancellationToken cancel) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
