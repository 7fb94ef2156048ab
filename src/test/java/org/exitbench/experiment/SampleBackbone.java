package org.exitbench.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exitbench.data.Augmentation;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BackboneSpec;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.StoreException;
import org.exitbench.store.Workspace;
import org.exitbench.train.BackboneTrainer;
import org.exitbench.train.BackboneTrainingConfig;
import org.exitbench.train.BackboneTrainingListener;
import org.exitbench.train.BackboneTrainingResult;
import org.exitbench.train.DatasetSlice;

/**
 * A backbone for end-to-end tests on the bundled sample: the shipped {@code sample-data/fashion-mnist/backbone.zip}
 * when it exists, otherwise a tiny four-stage small ResNet (8/16/32/64 channels, exits after stages 1–3) trained
 * with Adam for three epochs on the sample's 10,000 training images (about 87 % test accuracy), cached under
 * {@code target/test-fixtures} for later test classes and builds. A two-epoch backbone on a slice reached only
 * 75 %, too weak for its branches to save compute at a small accuracy loss. {@code -Dfixture.perClass} and
 * {@code -Dfixture.epochs} change the recipe (and the file name).
 */
public final class SampleBackbone {

    /** The bundled sample. */
    public static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    static final Path FIXTURES = Path.of("target", "test-fixtures");
    private static final int PER_CLASS = Integer.getInteger("fixture.perClass", 1000);
    private static final int EPOCHS = Integer.getInteger("fixture.epochs", 3);
    private static final Path TINY = FIXTURES.resolve("fmnist-tiny-backbone-" + PER_CLASS + "x" + EPOCHS + ".zip");

    private SampleBackbone() {
    }

    /** Trains (or finds) the fixture and prints where it is, for a look at it outside the tests. */
    public static void main(String[] args) {
        long t = System.nanoTime();
        Path file = file();
        System.out.println(file + " " + (System.nanoTime() - t) / 1e9 + " s "
                + BackboneFile.load(file, false).provenance());
    }

    /** @return the workspace end-to-end tests share, so the sample's feature cache is built once */
    public static Workspace workspace() {
        return new Workspace(FIXTURES.resolve("workspace"));
    }

    /** @return a trained backbone file for the sample */
    public static synchronized Path file() {
        Path shipped = SAMPLE.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
        if (Files.isRegularFile(shipped)) {
            return shipped;
        }
        if (Files.isRegularFile(TINY)) {
            try {
                BackboneFile.load(TINY, false);
                return TINY;
            } catch (StoreException e) {
                // A leftover from an interrupted build: train a new one.
            }
        }
        Dataset sample = DatasetReaders.read(SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE,
                CancellationToken.NEVER);
        Dataset slice = DatasetSlice.firstPerClass(sample, PER_CLASS);
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(8, 16, 32, 64), List.of(1, 1, 1, 1), 1, 32, 32,
                sample.numClasses());
        BackboneTrainingConfig config = new BackboneTrainingConfig(BackboneTrainingConfig.Optimizer.ADAM, 3e-3, 0.9,
                BackboneTrainingConfig.Schedule.COSINE, 10, 0.1, 0.0, EPOCHS, 64, Augmentation.NONE, 42L, 0);
        try {
            Files.createDirectories(FIXTURES);
            Path checkpoints = Files.createTempDirectory(FIXTURES, "backbone-checkpoints");
            BackboneTrainingResult result = new BackboneTrainer(BackboneTrainingListener.NONE,
                    CancellationToken.NEVER).train(spec, slice, config, checkpoints);
            BackboneFile.save(result.toBackbone(Map.of("purpose", "test fixture")), TINY);
            deleteTree(checkpoints);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TINY;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
