package org.exitbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.FeatureCache;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepRunner;
import org.exitbench.sweep.TrialExecutor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small sweep on Spark in local mode (two task threads in this JVM) against the same sweep in process: the same
 * result files, a failed trial recorded the same way, and a second run that resumes with nothing to train.
 */
@Tag("slow")
@Tag("spark")
@Timeout(900)
class LocalSparkSweepTest {

    /** Every address on the loopback interface, no web UI: the tests open nothing to the network. */
    static final Map<String, String> LOOPBACK = Map.of("spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false");

    /**
     * Two learning rates × two seeds; 1e30 drives the branch to NaN, which the cascade refuses: two trials that
     * really fail, two that finish.
     */
    static SweepDefinition small() {
        return SweepDefinition.fromJson("""
                {"name": "spark-small",
                 "base": {"exitPoints": ["stage1", "stage2"], "branch": {"filters": 4}, "training": {"epochs": 1}},
                 "axes": [{"name": "lr", "field": "training.learningRate", "values": [1e30, 0.01]}],
                 "seeds": [1, 2], "margins": [0.0, 0.05, 0.2]}""", "spark-small");
    }

    static SweepRunner.Request request(Path folder) {
        return new SweepRunner.Request(SampleBackbone.SAMPLE, SampleBackbone.file(), folder, 1);
    }

    @Test
    void trialsOnSparkGiveTheInProcessResultsAndResume(@TempDir Path dir) throws IOException {
        SweepRunner runner = SampleBackbone.workspace().sweepRunner();
        SweepRunner.Outcome here = runner.run(small(), request(dir.resolve("here")), ProgressListener.NONE,
                CancellationToken.NEVER);
        SweepRunner onSpark = runner.on(new SparkTrialExecutor("local[2]", LOOPBACK));
        SweepRunner.Outcome there = onSpark.run(small(), request(dir.resolve("spark")), ProgressListener.NONE,
                CancellationToken.NEVER);

        assertEquals(4, there.ran());
        assertEquals(2, there.failed());
        assertSameResults(here.folder().root(), there.folder().root());
        assertEquals(here.summary(), there.summary(), "the paired statistics read the same results");
        assertTrue(Files.size(there.folder().root().resolve(SweepFolder.REPORT)) > 0);

        SweepRunner.Outcome again = onSpark.run(small(), request(dir.resolve("spark")), ProgressListener.NONE,
                CancellationToken.NEVER);
        assertEquals(2, again.reused(), "the finished trials are kept");
        assertEquals(2, again.ran(), "the failed ones are tried again, as in process");
        assertSameResults(here.folder().root(), there.folder().root());

        // The same sweep kept on a shared store through Hadoop's FileSystem API (file: URIs here), its cache built
        // there on Spark: the driver reads no image, and works in a local copy of the sweep folder.
        Path store = dir.resolve("store");
        SparkTrialExecutor cluster = new SparkTrialExecutor("local[2]", LOOPBACK);
        String sweepUri = store.resolve("sweep").toUri().toString();
        String cachesUri = store.resolve("caches").toUri().toString();
        TrialExecutor.SharedFolder shared = cluster.share(sweepUri, cachesUri, dir.resolve("copy"));
        shared.pull();
        SweepRunner.Outcome stored = runner.on(cluster).run(small(), request(dir.resolve("copy")),
                ProgressListener.NONE, CancellationToken.NEVER);
        shared.push();
        assertEquals(4, stored.ran());
        assertSameResults(here.folder().root(), store.resolve("sweep"));
        assertEquals(here.summary(), stored.summary());
        for (String file : List.of(SweepFolder.MANIFEST, SweepFolder.DEFINITION, SweepFolder.REPORT, SweepFolder.CSV)) {
            assertTrue(Files.isRegularFile(store.resolve("sweep").resolve(file)), file + " is in the store");
        }
        try (Stream<Path> caches = Files.list(store.resolve("caches"))) {
            assertEquals(1, caches.filter(c -> Files.isRegularFile(c.resolve(FeatureCache.MANIFEST))).count(),
                    "the cache was built in the store");
        }

        // Another driver, with an empty copy, resumes from the store: the failed trials run again, nothing else.
        TrialExecutor.SharedFolder second = cluster.share(sweepUri, cachesUri, dir.resolve("copy2"));
        second.pull();
        SweepRunner.Outcome resumed = runner.on(cluster).run(small(), request(dir.resolve("copy2")),
                ProgressListener.NONE, CancellationToken.NEVER);
        second.push();
        assertEquals(2, resumed.reused(), "the finished trials come from the store");
        assertEquals(2, resumed.ran());
        assertEquals(2, new SweepFolder(dir.resolve("copy2")).readManifest().sessions().size());
        assertEquals(2, new SweepFolder(store.resolve("sweep")).readManifest().sessions().size(),
                "the store's manifest records both sessions");
        assertSameResults(here.folder().root(), store.resolve("sweep"));
    }

    /** Asserts both folders hold the same trials with the same numbers (wall times aside), and nothing else. */
    static void assertSameResults(Path expected, Path actual) throws IOException {
        List<String> names = resultFiles(expected);
        assertEquals(names, resultFiles(actual), "one file per trial, no temporary files left");
        for (String name : names) {
            assertEquals(withoutTimes(expected.resolve(SweepFolder.RESULTS).resolve(name)),
                    withoutTimes(actual.resolve(SweepFolder.RESULTS).resolve(name)), name);
        }
    }

    static List<String> resultFiles(Path sweep) throws IOException {
        try (Stream<Path> files = Files.list(sweep.resolve(SweepFolder.RESULTS))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static JsonNode withoutTimes(Path file) throws IOException {
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        assertNotNull(node.get("key"), file.toString());
        ((ObjectNode) node).remove(List.of("seconds", "finished"));
        node.get("modes").forEach(m -> ((ObjectNode) m).remove("trainingSeconds"));
        if (node.hasNonNull("error")) {
            // The error names the cause; its text is the same in both, but the stack depth is not part of it.
            ((ObjectNode) node).put("error", node.get("error").asText().replaceAll("\\s+", " "));
        }
        return node;
    }
}
