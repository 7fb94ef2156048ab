package org.exitbench.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.experiment.ExperimentRun;
import org.exitbench.experiment.RunMetrics;
import org.exitbench.model.BackboneFile;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StagedRun;
import org.exitbench.store.StoreException;

/**
 * A finished demo run shipped beside a sample dataset ({@code <dataset>/demo-run/}, an ordinary run folder), so a
 * first launch shows a real cascade at once instead of training one for minutes.
 *
 * <p>A run's scores belong to the exact images and backbone that produced them, so the shipped run is used only when
 * the fingerprints it records ({@link RunMetrics.Provenance}) equal those of the dataset and backbone at hand; a
 * changed backbone or dataset makes the caller train instead. Installing copies the run into the workspace (the
 * sample folder is never written) with its dataset and backbone paths pointed at the files on this machine.
 */
public final class BundledRun {

    /** The folder, inside a dataset folder, that holds its shipped demo run. */
    public static final String FOLDER = "demo-run";

    private static final String METRICS = "metrics.json";

    private final Path folder;
    private final RunMetrics metrics;

    private BundledRun(Path folder, RunMetrics metrics) {
        this.folder = folder;
        this.metrics = metrics;
    }

    /**
     * @param dataset a dataset folder
     * @return the run shipped in {@code dataset/demo-run}, when there is one
     * @throws StoreException naming the file when the folder exists but its metrics cannot be read
     */
    public static Optional<BundledRun> besides(Path dataset) {
        Path folder = dataset.resolve(FOLDER);
        if (!Files.isRegularFile(folder.resolve(METRICS))) {
            return Optional.empty();
        }
        return Optional.of(new BundledRun(folder, JsonDocuments.read(folder.resolve(METRICS),
                RunMetrics.DOCUMENT_TYPE, RunMetrics.class)));
    }

    /**
     * The shipped run of a dataset, read where it is shipped (nothing is written), when it belongs to the backbone.
     *
     * @param bundled  the shipped run
     * @param run      its folder read as a run, or {@code null} when it does not belong to the backbone
     * @param mismatch why it does not belong to the backbone, as a sentence; empty when it does
     */
    public record Opened(BundledRun bundled, ExperimentRun run, Optional<String> mismatch) {

        public Opened {
            Objects.requireNonNull(bundled, "bundled");
            Objects.requireNonNull(mismatch, "mismatch");
            if ((run == null) == mismatch.isEmpty()) {
                throw new IllegalArgumentException("a shipped run is either read or refused, not both or neither");
            }
        }
    }

    /**
     * Reads the run shipped beside {@code dataset}, read-only, after checking that it was made with the backbone in
     * {@code backbone} (its recorded fingerprint; the parameters are not loaded). This is all a first launch needs to
     * show the shipped cascade; {@link #install} copies it into a workspace afterwards. Whether it belongs to the
     * dataset's images can only be checked once they are decoded ({@link #datasetMismatch}).
     *
     * @param dataset  a dataset folder
     * @param backbone the backbone file the run must belong to
     * @return the shipped run, read or refused; empty when the dataset ships none
     * @throws StoreException naming the file when the backbone or a shipped file is unreadable or invalid
     */
    public static Optional<Opened> open(Path dataset, Path backbone) {
        Optional<BundledRun> shipped = besides(dataset);
        if (shipped.isEmpty()) {
            return Optional.empty();
        }
        BundledRun bundled = shipped.get();
        Optional<String> mismatch = bundled.backboneMismatch(BackboneFile.readMetadata(backbone).fingerprint());
        return Optional.of(new Opened(bundled, mismatch.isPresent() ? null : ExperimentRun.load(bundled.folder()),
                mismatch));
    }

    /** @return the shipped run folder */
    public Path folder() {
        return folder;
    }

    /** @return its metrics, as shipped */
    public RunMetrics metrics() {
        return metrics;
    }

    /**
     * @param datasetFingerprint  {@link org.exitbench.model.DatasetFingerprint} of the dataset at hand
     * @param backboneFingerprint the fingerprint recorded in the backbone file at hand
     * @return why the shipped run does not belong to them, as a sentence; empty when it does
     */
    public Optional<String> mismatch(String datasetFingerprint, String backboneFingerprint) {
        return backboneMismatch(backboneFingerprint).or(() -> datasetMismatch(datasetFingerprint));
    }

    /**
     * @param backboneFingerprint the fingerprint recorded in the backbone file at hand
     * @return why the shipped run does not belong to that backbone, as a sentence; empty when it does
     */
    public Optional<String> backboneMismatch(String backboneFingerprint) {
        if (!metrics.provenance().backboneFingerprint().equals(backboneFingerprint)) {
            return Optional.of("The demo run shipped in " + folder + " was made with another backbone than "
                    + "the sample's backbone.zip, so its scores do not apply.");
        }
        return Optional.empty();
    }

    /**
     * @param datasetFingerprint {@link org.exitbench.model.DatasetFingerprint} of the dataset at hand
     * @return why the shipped run does not belong to those images, as a sentence; empty when it does
     */
    public Optional<String> datasetMismatch(String datasetFingerprint) {
        if (!metrics.provenance().datasetFingerprint().equals(datasetFingerprint)) {
            return Optional.of("The demo run shipped in " + folder + " was made on other images than the sample "
                    + "holds now, so its scores do not apply.");
        }
        return Optional.empty();
    }

    /**
     * Copies the shipped run into a workspace as one of its runs (staged and committed whole, under the shipped
     * run's id, or that id with a suffix when taken), with its configuration and provenance naming the dataset and
     * backbone on this machine.
     *
     * @param workspace where it goes
     * @param dataset   the dataset folder the run belongs to
     * @param backbone  the backbone file the run belongs to
     * @return the installed run, read back from its folder
     * @throws StoreException       naming the file when a shipped file is unreadable or invalid
     * @throws UncheckedIOException when a file cannot be copied
     */
    public ExperimentRun install(Workspace workspace, Path dataset, Path backbone) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(backbone, "backbone");
        Path datasetPath = dataset.toAbsolutePath().normalize();
        Path backbonePath = backbone.toAbsolutePath().normalize();
        try (StagedRun staged = workspace.stageRun()) {
            Path target = staged.folder();
            for (Path file : files()) {
                Path relative = folder.relativize(file);
                Path copy = target.resolve(relative.toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
            Path configFile = folder.resolve(ExperimentRun.CONFIG);
            ExperimentConfig config;
            try {
                config = ExperimentConfig.read(configFile);
            } catch (ConfigException e) {
                throw new StoreException(configFile, "is not a valid experiment configuration: " + e.getMessage(), e);
            }
            AtomicFiles.writeString(target.resolve(ExperimentRun.CONFIG), config.withDataset(datasetPath.toString())
                    .withBackbone(backbonePath.toString()).toJson());
            RunMetrics.Provenance made = metrics.provenance();
            RunMetrics.Provenance here = new RunMetrics.Provenance(made.exitbenchVersion(), made.dl4jVersion(),
                    made.javaVersion(), made.seed(), datasetPath.toString(), made.datasetFingerprint(),
                    backbonePath.toString(), made.backboneFingerprint(), made.featureCache(),
                    "shipped with the sample (" + FOLDER + "), trained in advance on these images with this backbone");
            JsonDocuments.write(target.resolve(METRICS), RunMetrics.DOCUMENT_TYPE, new RunMetrics(metrics.runId(),
                    metrics.created(), here, metrics.backbone(), metrics.timings(), metrics.modes()));
            return ExperimentRun.load(staged.commit(metrics.runId()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the demo run " + folder + " into " + workspace.root()
                    + ": " + e.getMessage(), e);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
