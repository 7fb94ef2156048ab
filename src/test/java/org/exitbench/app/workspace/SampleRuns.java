package org.exitbench.app.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.exitbench.app.data.DatasetLoader;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetException;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ReadOptions;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.workspace.Workspace;

/**
 * The bundled sample for the app's workspace and training tests: read once per test JVM, its feature cache for
 * exits after stages 1 and 2 built once per build in the experiment tests' shared workspace (and copied into a
 * test's own workspace, so a run there skips the backbone), and real runs with few epochs.
 */
public final class SampleRuns {

    /** The exits every app test trains at: they match the experiment tests', so the shared cache serves them. */
    public static final List<String> EXITS = List.of("stage1", "stage2");

    private static Dataset sample;

    private SampleRuns() {
    }

    /** @return the bundled sample, absolute */
    public static Path samplePath() {
        return SampleBackbone.SAMPLE.toAbsolutePath().normalize();
    }

    /** @return the bundled sample, read once */
    public static synchronized Dataset sample() {
        if (sample == null) {
            sample = DatasetReaders.read(samplePath(), ReadOptions.DEFAULTS, ProgressListener.NONE,
                    CancellationToken.NEVER);
        }
        return sample;
    }

    /** @return a loader that answers the sample from memory and refuses every other folder */
    public static DatasetLoader loader() {
        return (folder, progress, cancel) -> {
            if (!folder.toAbsolutePath().normalize().equals(samplePath())) {
                throw new DatasetException(folder, "the tests open only the bundled sample");
            }
            return sample();
        };
    }

    /**
     * @param epochs most epochs per branch
     * @return experiment settings on the sample with its backbone at {@link #EXITS}, boosted and non-boosted
     */
    public static ExperimentConfig config(int epochs) {
        return ExperimentConfig.fromJson("{\"exitPoints\": [\"stage1\", \"stage2\"], \"training\": {\"epochs\": "
                + epochs + ", \"patience\": 0}, \"cpm\": {\"margin\": 0.0, \"marginForm\": \"multiplicative\"}}",
                null).withDataset(samplePath().toString()).withBackbone(SampleBackbone.file().toAbsolutePath()
                .toString());
    }

    /**
     * Trains a run in the shared workspace (whose cache makes it quick) and moves it into {@code workspace}.
     *
     * @param workspace a workspace folder
     * @param epochs    most epochs per branch
     * @return the run, read from its new folder
     */
    public static synchronized ExperimentRun makeRun(Path workspace, int epochs) {
        Workspace shared = SampleBackbone.workspace();
        ExperimentRun run = shared.pipeline().run(config(epochs), sample(), ProgressListener.NONE,
                BranchTrainingListener.NONE, CancellationToken.NEVER);
        Path target = Workspace.at(workspace).runsFolder().resolve(run.id());
        try {
            Files.createDirectories(target.getParent());
            copy(run.folder(), target);
            Workspace.at(run.folder().getParent().getParent()).deleteRun(run.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExperimentRun.load(target);
    }

    /** Copies the shared feature cache of the sample into {@code workspace}, building it first if need be. */
    public static synchronized void seedCache(Path workspace) {
        Path cache = SampleBackbone.workspace().root().resolve(Workspace.CACHE_FOLDER);
        if (!Files.isDirectory(cache) || isEmpty(cache)) {
            makeRun(workspace, 1);
            Workspace.at(workspace).deleteRun(Workspace.at(workspace).runFolders().get(0).getFileName().toString());
        }
        try {
            copy(cache, workspace.resolve(Workspace.CACHE_FOLDER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a folder tree. */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
