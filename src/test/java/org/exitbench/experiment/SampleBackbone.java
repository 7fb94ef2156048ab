package org.exitbench.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exitbench.workspace.Workspace;

/**
 * The bundled sample and its shipped backbone ({@code sample-data/fashion-mnist/backbone.zip}: a small ResNet
 * 16/32/64/128 with 91.28 % test accuracy, exits after stages 1–3) for end-to-end tests, and the workspace they
 * share so that the sample's feature cache is built once per build.
 */
public final class SampleBackbone {

    /** The bundled sample. */
    public static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");

    private SampleBackbone() {
    }

    /** @return the workspace end-to-end tests share, under {@code target/test-fixtures} */
    public static Workspace workspace() {
        return Workspace.at(Path.of("target", "test-fixtures", "workspace"));
    }

    /** @return the shipped backbone of the sample */
    public static Path file() {
        Path shipped = SAMPLE.resolve(ExperimentPipeline.DEFAULT_BACKBONE_FILE);
        assertTrue(Files.isRegularFile(shipped), shipped + " is missing; see sample-data/fashion-mnist/README.md");
        return shipped;
    }
}
