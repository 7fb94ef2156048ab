package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.Progress;
import org.exitbench.progress.ProgressListener;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.ExclusiveLock;
import org.exitbench.store.StoreException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class FeatureCacheTest {

    private static Dataset dataset;
    private static TrainedBackbone backbone;

    @TempDir
    Path dir;

    @BeforeAll
    static void tinyBackboneAndData() {
        dataset = TestBackbones.dataset(3, 16, 40, 20, 20, 1);
        backbone = TestBackbones.tinyBackbone(3, 31);
    }

    private FeatureCache.Result loadOrBuild(TrainedBackbone b, Dataset d, FeatureCacheOptions options) {
        return FeatureCache.loadOrBuild(dir, b, d, options, ProgressListener.NONE, CancellationToken.NEVER);
    }

    private FeatureCache.Result loadOrBuild() {
        return loadOrBuild(backbone, dataset, FeatureCacheOptions.defaults());
    }

    @Test
    void buildSaveAndLoadGiveIdenticalContent() {
        List<Progress> reports = new ArrayList<>();
        FeatureCache built = FeatureCache.build(backbone, dataset, FeatureCacheOptions.defaults(), reports::add,
                CancellationToken.NEVER);
        built.save(dir);
        FeatureCache loaded = FeatureCache.load(dir);
        assertEquals(built, loaded);
        assertEquals(40, loaded.split(Split.TRAIN).size());
        assertEquals(20, loaded.split(Split.TEST).size());
        assertEquals(List.of(4, 8), List.of(loaded.split(Split.VALID).featureDim(0),
                loaded.split(Split.VALID).featureDim(1)));
        assertEquals(LogitsKind.PRE_SOFTMAX, loaded.logitsKind());
        assertEquals(backbone.exitPoints(), loaded.exitPoints());
        Progress last = reports.get(reports.size() - 1);
        assertEquals(80, last.done());
        assertEquals(80, last.total());
        // The count runs over all splits (80 images), and the label says so rather than naming one split only.
        assertTrue(reports.stream().anyMatch(p -> p.message().equals("Extracting features of all splits (now valid)")
                && p.total() == 80 && p.done() > 40), reports.toString());
    }

    @Test
    void secondCallReusesTheCacheOnDisk() {
        FeatureCache.Result first = loadOrBuild();
        assertEquals(FeatureCache.Outcome.BUILT, first.outcome());
        FeatureCache.Result second = loadOrBuild();
        assertEquals(FeatureCache.Outcome.REUSED, second.outcome());
        assertEquals(first.cache(), second.cache());
        assertTrue(second.notice().contains("Reused"), second.notice());
    }

    @Test
    void whatAWriterKilledMidSaveLeftIsRemovedAndTheCacheStillReused() throws IOException {
        loadOrBuild();
        Path leftover = Files.writeString(dir.resolve(".train-exit1.f32.4711" + AtomicFiles.TEMP_SUFFIX), "half");
        List<String> messages = new ArrayList<>();

        FeatureCache.Result again = FeatureCache.loadOrBuild(dir, backbone, dataset, FeatureCacheOptions.defaults(),
                p -> messages.add(p.message()), CancellationToken.NEVER);

        assertEquals(FeatureCache.Outcome.REUSED, again.outcome());
        assertFalse(Files.exists(leftover));
        assertEquals(List.of("Removed " + leftover + ", left by a process killed while writing the cache"), messages);
    }

    @Test
    void aSecondBuilderWaitsForTheFirstAndReusesWhatItSaved() throws Exception {
        FeatureCache.Result result;
        try (ExclusiveLock first = ExclusiveLock.onFolder(dir, "a test building the cache", false)) {
            CompletableFuture<FeatureCache.Result> second = CompletableFuture.supplyAsync(this::loadOrBuild);
            Thread.sleep(700);
            assertFalse(second.isDone(), "it must wait while the first holds the cache folder");
            FeatureCache.build(backbone, dataset, FeatureCacheOptions.defaults(), ProgressListener.NONE,
                    CancellationToken.NEVER).save(dir);
            first.close();
            result = second.get(60, TimeUnit.SECONDS);
        }
        assertEquals(FeatureCache.Outcome.REUSED, result.outcome(), "built once, by the first");
    }

    @Test
    void anotherBackboneRebuildsWithANotice() {
        loadOrBuild();
        TrainedBackbone other = TestBackbones.tinyBackbone(3, 32);
        List<String> messages = new ArrayList<>();
        FeatureCache.Result result = FeatureCache.loadOrBuild(dir, other, dataset, FeatureCacheOptions.defaults(),
                p -> messages.add(p.message()), CancellationToken.NEVER);
        assertEquals(FeatureCache.Outcome.REBUILT, result.outcome());
        assertTrue(result.notice().contains("the backbone changed"), result.notice());
        assertFalse(result.notice().contains("dataset"), result.notice());
        assertEquals(result.notice(), messages.get(0));
        assertEquals(other.fingerprint(), FeatureCache.readManifest(dir).key().backboneFingerprint());
        assertEquals(FeatureCache.Outcome.REUSED,
                loadOrBuild(other, dataset, FeatureCacheOptions.defaults()).outcome());
    }

    @Test
    void changedImagesRebuild() {
        loadOrBuild();
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, dataset.split(Split.TRAIN));
        splits.put(Split.VALID, dataset.split(Split.VALID));
        splits.put(Split.TEST, TestBackbones.images(20, 3, 16, 99));
        Dataset changed = new Dataset("generated", Path.of("generated"), DatasetFormat.IMAGE_FOLDER, splits,
                DatasetMetadata.asOnDisk());
        FeatureCache.Result result = loadOrBuild(backbone, changed, FeatureCacheOptions.defaults());
        assertEquals(FeatureCache.Outcome.REBUILT, result.outcome());
        assertEquals(List.of("the dataset changed"), result.cache().key().changesFrom(
                FeatureCacheKey.of(backbone, dataset, FeaturePooling.GLOBAL_AVERAGE)));
        assertTrue(result.notice().contains("the dataset changed"), result.notice());
    }

    @Test
    void changedExitPointsOrPoolingRebuildAndRemoveStaleFiles() {
        loadOrBuild();
        assertTrue(Files.exists(dir.resolve("train-exit2.f32")));
        TrainedBackbone oneExit = backbone.withExitPoints(ExitPoints.of("stage2"));
        FeatureCache.Result result = loadOrBuild(oneExit, dataset, FeatureCacheOptions.defaults());
        assertEquals(FeatureCache.Outcome.REBUILT, result.outcome());
        assertTrue(result.notice().contains("exit points changed (stage1, stage2 → stage2)"), result.notice());
        assertFalse(Files.exists(dir.resolve("train-exit2.f32")), "stale exit file removed");

        FeatureCache.Result pooled = loadOrBuild(oneExit, dataset,
                new FeatureCacheOptions(FeaturePooling.adaptiveAverage(2), 16));
        assertEquals(FeatureCache.Outcome.REBUILT, pooled.outcome());
        assertTrue(pooled.notice().contains("pooling changed"), pooled.notice());
        assertEquals(8 * 4, FeatureCache.load(dir).split(Split.TRAIN).featureDim(0));
    }

    @Test
    void corruptFileIsReportedByNameNeverUsedAndRebuiltSayingWhy() throws IOException {
        FeatureCache original = loadOrBuild().cache();
        Path file = dir.resolve("valid-exit2.f32");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 7] ^= 0x10;
        Files.write(file, bytes);
        StoreException e = assertThrows(StoreException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("valid-exit2.f32") && e.getMessage().contains("checksum"), e.getMessage());

        // The next run heals the cache instead of failing until someone deletes it by hand.
        FeatureCache.Result healed = loadOrBuild();
        assertEquals(FeatureCache.Outcome.REBUILT, healed.outcome());
        assertTrue(healed.notice().contains("it is damaged (") && healed.notice().contains("valid-exit2.f32"),
                healed.notice());
        assertArrayEquals(original.split(Split.VALID).features(1), healed.cache().split(Split.VALID).features(1));
        assertEquals(FeatureCache.Outcome.REUSED, loadOrBuild().outcome());
        Files.writeString(dir.resolve("manifest.json"), "{ not json");
        assertEquals(FeatureCache.Outcome.REBUILT, loadOrBuild().outcome());
    }

    @Test
    void truncatedOrMissingFileIsReportedByName() throws IOException {
        loadOrBuild();
        Path logits = dir.resolve("test-logits.f32");
        try (FileChannel channel = FileChannel.open(logits, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 4);
        }
        StoreException e = assertThrows(StoreException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("test-logits.f32") && e.getMessage().contains("truncated"), e.getMessage());

        Files.delete(dir.resolve("train-labels.i32"));
        e = assertThrows(StoreException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("train-labels.i32") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void fileFromAnotherCacheIsDetected() throws IOException {
        loadOrBuild();
        Path other = dir.resolve("other");
        FeatureCache.loadOrBuild(other, TestBackbones.tinyBackbone(3, 77), dataset, FeatureCacheOptions.defaults(),
                ProgressListener.NONE, CancellationToken.NEVER);
        Files.copy(other.resolve("train-exit1.f32"), dir.resolve("train-exit1.f32"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StoreException e = assertThrows(StoreException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("train-exit1.f32") && e.getMessage().contains("does not belong"),
                e.getMessage());
    }

    @Test
    void manifestOfAnotherFormatVersionIsRebuilt() throws IOException {
        loadOrBuild();
        Path manifest = dir.resolve(FeatureCache.MANIFEST);
        Files.writeString(manifest,
                Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 0"));
        FeatureCache.Result result = loadOrBuild();
        assertEquals(FeatureCache.Outcome.REBUILT, result.outcome());
        assertTrue(result.notice().contains("format version 0"), result.notice());
    }

    @Test
    void cancelledBuildLeavesTheCacheOnDiskAsItWas() throws IOException {
        loadOrBuild();
        String manifest = Files.readString(dir.resolve(FeatureCache.MANIFEST));
        CancellationToken cancel = new CancellationToken();
        TrainedBackbone other = TestBackbones.tinyBackbone(3, 33);
        assertThrows(CancelledException.class, () -> FeatureCache.loadOrBuild(dir, other, dataset,
                new FeatureCacheOptions(FeaturePooling.GLOBAL_AVERAGE, 8), p -> {
                    if (p.done() > 10) {
                        cancel.cancel();
                    }
                }, cancel));
        assertEquals(manifest, Files.readString(dir.resolve(FeatureCache.MANIFEST)));
        assertEquals(FeatureCache.Outcome.REUSED, loadOrBuild().outcome());
    }

    @Test
    void datasetFingerprintFollowsPixelsLabelsAndClassNames() {
        ImageDataset images = TestBackbones.images(12, 1, 8, 4);
        String original = DatasetFingerprint.ofSplit(images);
        assertEquals(original, DatasetFingerprint.ofSplit(TestBackbones.images(12, 1, 8, 4)));
        byte[] pixels = new byte[images.size() * images.imageBytes()];
        for (int i = 0; i < images.size(); i++) {
            images.copyImage(i, pixels, i * images.imageBytes());
        }
        int[] labels = images.labels();
        pixels[100] ^= 1;
        assertNotEquals(original, DatasetFingerprint.ofSplit(new ImageDataset(pixels, labels, 1, 8, 8,
                images.classNames(), images.sources())));
        pixels[100] ^= 1;
        assertEquals(original, DatasetFingerprint.ofSplit(new ImageDataset(pixels, labels, 1, 8, 8,
                images.classNames(), images.sources())), "sources are not part of the fingerprint");
        labels[3] = (labels[3] + 1) % 3;
        assertNotEquals(original, DatasetFingerprint.ofSplit(new ImageDataset(pixels, labels, 1, 8, 8,
                images.classNames(), images.sources())));
        assertNotEquals(original, DatasetFingerprint.ofSplit(new ImageDataset(pixels, images.labels(), 1, 8, 8,
                List.of("a", "b", "c"), images.sources())));
    }
}
