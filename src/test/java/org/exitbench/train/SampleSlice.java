package org.exitbench.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * A few hundred images of the bundled Fashion-MNIST sample (sample-data/fashion-mnist), copied into an
 * ImageFolder of its own so that tests decode only what they use.
 */
public final class SampleSlice {

    /** The bundled sample, relative to the project folder that Maven runs tests in. */
    public static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");

    private SampleSlice() {
    }

    /**
     * Copies the first images (in file-name order) of every class of every split.
     *
     * @param target   an empty or missing folder
     * @param perClass images per class for train, valid and test
     * @return {@code target}
     */
    public static Path copy(Path target, int[] perClass) {
        try {
            for (Split split : Split.values()) {
                Path from = SAMPLE.resolve(split.folderName());
                List<Path> classes;
                try (Stream<Path> folders = Files.list(from)) {
                    classes = folders.filter(Files::isDirectory).sorted().toList();
                }
                for (Path classFolder : classes) {
                    Path to = Files.createDirectories(target.resolve(split.folderName())
                            .resolve(classFolder.getFileName().toString()));
                    try (Stream<Path> images = Files.list(classFolder)) {
                        for (Path image : images.sorted().limit(perClass[split.ordinal()]).toList()) {
                            Files.copy(image, to.resolve(image.getFileName().toString()));
                        }
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a slice and reads it. */
    public static Dataset read(Path target, int[] perClass) {
        return DatasetReaders.read(copy(target, perClass), ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
    }
}
