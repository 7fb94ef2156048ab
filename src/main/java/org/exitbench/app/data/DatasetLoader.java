package org.exitbench.app.data;

import java.nio.file.Path;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/** Reads a dataset folder for the Data pane. */
@FunctionalInterface
public interface DatasetLoader {

    /**
     * The app's reader: any layout {@link DatasetReaders} detects, with corrupt images skipped (and listed in the
     * pane's warnings) rather than failing the whole dataset.
     */
    DatasetLoader READERS = (folder, progress, cancel) ->
            DatasetReaders.read(folder, ReadOptions.DEFAULTS.withSkipCorrupt(true), progress, cancel);

    /**
     * @param folder   the dataset folder
     * @param progress receives progress
     * @param cancel   polled between images
     * @return the dataset
     * @throws org.exitbench.data.DatasetException when the files are not a readable dataset
     */
    Dataset load(Path folder, ProgressListener progress, CancellationToken cancel);
}
