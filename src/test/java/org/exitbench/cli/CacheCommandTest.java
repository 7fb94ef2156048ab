package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exitbench.data.DatasetReaders;
import org.exitbench.experiment.ExperimentPipeline;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exitbench cache build} in process, as a user would type it; on Spark it is LocalSparkFeatureCacheTest's. */
@Tag("slow")
class CacheCommandTest {

    @TempDir
    Path dir;

    @Test
    void buildsTheCacheARunFindsAndReusesItTheSecondTime() {
        Path workspace = dir.resolve("ws");
        String[] build = {"cache", "build", "--data", SampleBackbone.SAMPLE.toString(), "--backbone",
                SampleBackbone.file().toString(), "--exits", "stage1,stage2", "--workspace", workspace.toString()};
        CommandLineRun first = CommandLineRun.of(build);
        assertEquals(0, first.exitCode(), first.err());
        Path folder = ExperimentPipeline.cacheFolder(workspace.resolve("cache"),
                DatasetReaders.read(SampleBackbone.SAMPLE), BackboneFile.load(SampleBackbone.file(), false)
                        .withExitPoints(ExitPoints.of("stage1", "stage2")), 1);
        assertEquals("Built the feature cache in " + folder + ".", first.out().strip());
        assertEquals(2, FeatureCache.load(folder).exitShapes().size(), "the exits asked for");

        CommandLineRun second = CommandLineRun.of(build);
        assertEquals(0, second.exitCode(), second.err());
        assertEquals("Reused the feature cache in " + folder + ".", second.out().strip());
    }

    @Test
    void refusesWhatOnlyABuildOnSparkReachesAndSaysWhy() {
        CommandLineRun shards = CommandLineRun.of("cache", "build", "--shard-images", "640", "--workspace",
                dir.toString());
        assertEquals(2, shards.exitCode());
        assertTrue(shards.err().contains("--shard-images: only with --spark"), shards.err());

        CommandLineRun hdfs = CommandLineRun.of("cache", "build", "--caches", "hdfs://namenode/caches",
                "--workspace", dir.toString());
        assertEquals(2, hdfs.exitCode());
        assertTrue(hdfs.err().contains("--caches: hdfs://namenode/caches is on hdfs:, which only a build on Spark"
                + " (--spark) reaches"), hdfs.err());

        CommandLineRun sweep = CommandLineRun.of("sweep", "--out", "hdfs://namenode/sweeps/s1", "--workspace",
                dir.toString());
        assertEquals(2, sweep.exitCode());
        assertTrue(sweep.err().contains("--out hdfs://namenode/sweeps/s1: a Hadoop file system URI needs --spark"),
                sweep.err());
        assertTrue(Files.notExists(dir.resolve("sweeps")), "nothing was started");
    }
}
