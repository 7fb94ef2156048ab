package org.exitbench.data;

import static org.exitbench.data.DatasetFixtures.imageFolder;
import static org.exitbench.data.DatasetFixtures.imageNumber;
import static org.exitbench.data.DatasetFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageFolder reader on small generated datasets, including every kind of bad input. */
class ImageFolderReaderTest {

    private static final List<String> CLASSES = List.of("zebra", "ant", "mole");
    private static final List<String> SORTED = List.of("ant", "mole", "zebra");

    @TempDir
    Path dir;

    private Path threeSplits(int height, int width) {
        return imageFolder(dir.resolve("ds"), CLASSES, Map.of(Split.TRAIN, 4, Split.VALID, 2, Split.TEST, 3),
                height, width, List.of());
    }

    private static Dataset read(Path root, ReadOptions options) {
        return DatasetReaders.read(root, options, ProgressListener.NONE, CancellationToken.NEVER);
    }

    /** The fixture class index of an image, from its folder name (fixtures write classes in CLASSES order). */
    private static int fixtureLabel(String source) {
        return CLASSES.indexOf(Path.of(source).getParent().getFileName().toString());
    }

    @Test
    void readsEverySplitWithSortedClassNamesAndExactPixels() {
        Path root = threeSplits(6, 5);

        assertEquals(DatasetFormat.IMAGE_FOLDER, DatasetReaders.detect(root));
        Dataset dataset = read(root, ReadOptions.DEFAULTS);

        assertEquals("ds", dataset.name());
        assertEquals(SORTED, dataset.classNames());
        assertEquals(1, dataset.channels());
        assertEquals(6, dataset.height());
        assertEquals(5, dataset.width());
        assertEquals(DatasetMetadata.asOnDisk(), dataset.metadata());
        int[] expected = {4, 2, 3};
        for (Split split : Split.values()) {
            ImageDataset images = dataset.split(split);
            assertArrayEquals(new int[] {expected[split.ordinal()], expected[split.ordinal()],
                    expected[split.ordinal()]}, images.classCounts(), split.name());
            for (int i = 0; i < images.size(); i++) {
                String source = images.source(i);
                int fixtureLabel = fixtureLabel(source);
                assertEquals(SORTED.indexOf(CLASSES.get(fixtureLabel)), images.label(i), source);
                assertTrue(source.contains(Path.of(split.folderName(), CLASSES.get(fixtureLabel)).toString()));
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 5; x++) {
                        assertEquals(value(split.ordinal(), fixtureLabel, imageNumber(source), 0, y, x),
                                images.pixel(i, 0, y, x), source + " at " + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void aColourImageAmongGrayOnesIsNamedInTheMetadataAndTheSummary() {
        Path root = threeSplits(4, 4);
        Path colour = DatasetFixtures.write(DatasetFixtures.rgbImage(4, 4, 0, 1, 1), root.resolve("train/ant/img001.png"));

        Dataset dataset = read(root, ReadOptions.DEFAULTS);

        assertEquals(3, dataset.channels(), "gray images still fit a colour dataset without loss");
        assertEquals(List.of(colour.toString()), dataset.metadata().colourAmongGrey());
        String note = DatasetSummary.of(dataset).notes().stream().filter(n -> n.contains("in colour")).findFirst()
                .orElseThrow();
        assertTrue(note.startsWith("1 image is in colour among gray ones") && note.contains(colour.toString()), note);
    }

    @Test
    void aGrayImageSavedAsRgbStaysGrayAndIsNotReportedAsColour() {
        Path root = threeSplits(4, 4);
        Path resaved = root.resolve("valid/mole/img000.png");
        DatasetFixtures.write(DatasetFixtures.asRgb(DatasetFixtures.grayImage(4, 4, Split.VALID.ordinal(), 2, 0)),
                resaved);

        Dataset dataset = read(root, ReadOptions.DEFAULTS);

        assertEquals(1, dataset.channels());
        assertEquals(List.of(), dataset.metadata().colourAmongGrey());
        ImageDataset valid = dataset.split(Split.VALID);
        int i = valid.sources().indexOf(resaved.toString());
        assertEquals(value(Split.VALID.ordinal(), 2, 0, 0, 3, 1), valid.pixel(i, 0, 3, 1));
    }

    @Test
    void aDatasetStoredWhollyAsRgbKeepsThreeChannelsEvenWhenItsPixelsAreGray() throws IOException {
        Path root = threeSplits(4, 4);
        try (var files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".png")).toList()) {
                DatasetFixtures.write(DatasetFixtures.asRgb(javax.imageio.ImageIO.read(file.toFile())), file);
            }
        }

        Dataset dataset = read(root, ReadOptions.DEFAULTS);

        assertEquals(3, dataset.channels(), "a backbone trained on it as RGB must still fit it");
        assertEquals(List.of(), dataset.metadata().colourAmongGrey());
    }

    @Test
    void looseImagesForAGrayConsumerRefuseOrSkipTheColourOneByName() {
        Path gray = DatasetFixtures.write(DatasetFixtures.uniformGray(4, 4, 10), dir.resolve("a.png"));
        Path colour = DatasetFixtures.write(DatasetFixtures.rgbImage(4, 4, 0, 0, 0), dir.resolve("b.png"));
        Path resaved = DatasetFixtures.write(DatasetFixtures.asRgb(DatasetFixtures.uniformGray(4, 4, 20)),
                dir.resolve("c.png"));

        DatasetException refused = assertThrows(DatasetException.class, () -> ImageFiles.decode(
                List.of(gray, colour, resaved), 1, 4, 4, false, ProgressListener.NONE, CancellationToken.NEVER));
        assertEquals(colour + ": is a colour image, and only gray images (one channel) fit here",
                refused.getMessage());

        ImageFiles.Decoded decoded = ImageFiles.decode(List.of(gray, colour, resaved), 1, 4, 4, true,
                ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(1, decoded.images().channels());
        assertEquals(List.of(gray.toString(), resaved.toString()), decoded.images().sources());
        assertEquals(List.of(colour.toString()), decoded.skipped().stream().map(f -> f.file()).toList());
        assertEquals(20, decoded.images().pixel(1, 0, 0, 0));

        assertEquals(3, ImageFiles.decode(List.of(gray, colour), 3, 4, 4, false, ProgressListener.NONE,
                CancellationToken.NEVER).images().channels(), "a colour consumer takes both");
    }

    @Test
    void aDatasetWithAnyColourImageIsRgbAndItsGrayImagesRepeatTheirValueInEachChannel() {
        Path root = imageFolder(dir.resolve("mixed"), CLASSES, Map.of(Split.TRAIN, 2, Split.VALID, 1, Split.TEST, 1),
                4, 4, List.of("mole"));

        Dataset dataset = read(root, ReadOptions.DEFAULTS);

        assertEquals(3, dataset.channels());
        ImageDataset train = dataset.split(Split.TRAIN);
        for (int i = 0; i < train.size(); i++) {
            String source = train.source(i);
            int label = fixtureLabel(source);
            boolean rgb = CLASSES.get(label).equals("mole");
            for (int c = 0; c < 3; c++) {
                assertEquals(value(0, label, imageNumber(source), rgb ? c : 0, 2, 3), train.pixel(i, c, 2, 3),
                        source + " channel " + c);
            }
        }
    }

    @Test
    void readsBmpAndJpegAndUpperCaseExtensionsAndIgnoresOtherFiles() throws IOException {
        Path root = dir.resolve("formats");
        for (Split split : List.of(Split.TRAIN, Split.TEST)) {
            Path cls = root.resolve(split.folderName()).resolve("a");
            DatasetFixtures.write(DatasetFixtures.grayImage(8, 8, split.ordinal(), 0, 0), cls.resolve("one.bmp"));
            DatasetFixtures.write(DatasetFixtures.uniformGray(8, 8, 200), cls.resolve("two.jpg"));
            DatasetFixtures.write(DatasetFixtures.grayImage(8, 8, split.ordinal(), 0, 2), cls.resolve("three.PNG"));
            Files.writeString(cls.resolve("notes.txt"), "not an image");
            Files.writeString(cls.resolve(".DS_Store"), "finder junk");
        }
        Files.createDirectories(root.resolve("train").resolve(".hidden-class"));

        Dataset dataset = read(root, ReadOptions.DEFAULTS.withSkipCorrupt(false));

        assertEquals(List.of("a"), dataset.classNames());
        ImageDataset test = dataset.split(Split.TEST);
        assertEquals(3, test.size());
        // Sorted by file name: one.bmp, three.PNG, two.jpg.
        assertEquals(value(Split.TEST.ordinal(), 0, 0, 0, 5, 6), test.pixel(0, 0, 5, 6));
        assertEquals(value(Split.TEST.ordinal(), 0, 2, 0, 5, 6), test.pixel(1, 0, 5, 6));
        // JPEG is lossy, but a flat gray image survives almost exactly.
        assertTrue(Math.abs(test.pixel(2, 0, 4, 4) - 200) <= 2, "jpeg pixel " + test.pixel(2, 0, 4, 4));
    }

    @Test
    void withoutAValidFolderAStratifiedSeededDisjointShareOfTrainBecomesValidation() {
        Path root = imageFolder(dir.resolve("novalid"), CLASSES, Map.of(Split.TRAIN, 20, Split.TEST, 2), 3, 3,
                List.of());
        ReadOptions options = new ReadOptions(0.25, 7L, false, 0, 0, 2);

        Dataset dataset = read(root, options);

        ImageDataset train = dataset.split(Split.TRAIN);
        ImageDataset valid = dataset.split(Split.VALID);
        assertArrayEquals(new int[] {15, 15, 15}, train.classCounts());
        assertArrayEquals(new int[] {5, 5, 5}, valid.classCounts());
        assertEquals(new DatasetMetadata(true, 0.25, 7L, null, List.of()), dataset.metadata());
        Set<String> trainSources = new HashSet<>(train.sources());
        Set<String> validSources = new HashSet<>(valid.sources());
        assertTrue(validSources.stream().noneMatch(trainSources::contains), "valid and train overlap");
        Set<String> all = new HashSet<>(trainSources);
        all.addAll(validSources);
        assertEquals(60, all.size());
        assertTrue(all.stream().allMatch(s -> s.contains(Path.of("train").toString())));
        // A carved image keeps its pixels.
        String first = valid.source(0);
        assertEquals(value(0, fixtureLabel(first), imageNumber(first), 0, 2, 1), valid.pixel(0, 0, 2, 1));

        assertEquals(valid.sources(), read(root, options).split(Split.VALID).sources(), "same seed, same carve");
        assertNotEquals(valid.sources(), read(root, new ReadOptions(0.25, 8L, false, 0, 0, 2)).split(Split.VALID)
                .sources(), "another seed, another carve");
    }

    @Test
    void aSampleOfOneSplitDecodesOnlyTheChosenFilesInTheSplitsOrder() throws IOException {
        Path root = threeSplits(4, 4);
        ImageDataset whole = read(root, ReadOptions.DEFAULTS).split(Split.TEST);
        // Every file but the chosen ones is broken: reading them would fail.
        for (int i = 0; i < whole.size(); i++) {
            if (i != 1 && i != 7) {
                Files.write(Path.of(whole.source(i)), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
        List<Integer> sizes = new ArrayList<>();

        DatasetReaders.SplitSample sample = DatasetReaders.readSample(root, Split.TEST, size -> {
            sizes.add(size);
            return new int[] {1, 7};
        }, ReadOptions.DEFAULTS, ProgressListener.NONE, CancellationToken.NEVER);

        assertEquals(List.of(9), sizes, "chosen from the whole split");
        assertEquals(9, sample.splitSize());
        assertEquals(List.of(whole.source(1), whole.source(7)), sample.images().sources());
        assertEquals(SORTED, sample.images().classNames());
        for (int k = 0; k < 2; k++) {
            int i = k == 0 ? 1 : 7;
            assertEquals(whole.label(i), sample.images().label(k));
            assertEquals(whole.pixel(i, 0, 2, 3), sample.images().pixel(k, 0, 2, 3));
        }
        assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS), "the whole read fails");
    }

    @Test
    void aCorruptImageIsAnErrorNamingTheFile() throws IOException {
        Path root = threeSplits(4, 4);
        Path corrupt = root.resolve("valid/mole/img001.png");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(corrupt, e.file().orElseThrow());
        assertTrue(e.getMessage().startsWith(corrupt.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a PNG, JPEG or BMP image"), e.getMessage());
    }

    @Test
    void anImageDeclaringMorePixelsThanTheBudgetIsRefusedBeforeDecoding() {
        Path root = threeSplits(4, 4);
        Path bomb = DatasetFixtures.pngBomb(root.resolve("train/ant/img001.png"), 20000, 20000);

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(bomb, e.file().orElseThrow());
        assertEquals(bomb + ": declares 20000x20000 pixels (400000000), more than the 50000000 Exitbench decodes "
                + "(set exitbench.limits.maxImagePixels to allow bigger images)", e.getMessage());
        // The budget is a setting: a genuine image just over it passes once it is raised.
        Path small = DatasetFixtures.write(DatasetFixtures.uniformGray(30, 40, 7), dir.resolve("one.png"));
        assertThrows(DatasetException.class, () -> ImageFileDecoder.decodeWithinBudget(small, 1199));
        assertEquals(40, ImageFileDecoder.decodeWithinBudget(small, 1200).getWidth());
    }

    @Test
    void aTruncatedPngIsAnErrorNamingTheFile() {
        Path root = threeSplits(4, 4);
        Path truncated = root.resolve("train/ant/img002.png");
        DatasetFixtures.truncate(truncated, 40);

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(truncated, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void skippingCorruptFilesReadsTheRestAndListsWhatWasSkipped() throws IOException {
        Path root = threeSplits(4, 4);
        Path garbage = root.resolve("train/zebra/img000.png");
        Path truncated = root.resolve("test/ant/img001.png");
        Files.writeString(garbage, "garbage");
        DatasetFixtures.truncate(truncated, 40);

        Dataset dataset = read(root, ReadOptions.DEFAULTS.withSkipCorrupt(true));

        assertArrayEquals(new int[] {4, 4, 3}, dataset.split(Split.TRAIN).classCounts());
        assertArrayEquals(new int[] {2, 3, 3}, dataset.split(Split.TEST).classCounts());
        List<DatasetMetadata.SkippedFile> skipped = dataset.metadata().skipped();
        assertEquals(List.of(garbage.toString(), truncated.toString()),
                skipped.stream().map(DatasetMetadata.SkippedFile::file).toList());
        assertTrue(skipped.get(0).reason().contains("not a PNG"), skipped.get(0).reason());
        assertFalse(dataset.split(Split.TRAIN).sources().contains(garbage.toString()));
    }

    @Test
    void skippingEveryImageOfAClassIsStillAnError() throws IOException {
        Path root = threeSplits(4, 4);
        Path classDir = root.resolve("valid/zebra");
        for (int k = 0; k < 2; k++) {
            Files.writeString(classDir.resolve(DatasetFixtures.imageName(k)), "garbage");
        }

        DatasetException e = assertThrows(DatasetException.class,
                () -> read(root, ReadOptions.DEFAULTS.withSkipCorrupt(true)));

        assertEquals(classDir, e.file().orElseThrow());
    }

    @Test
    void anEmptyClassFolderIsAnErrorNamingTheFolder() throws IOException {
        Path root = threeSplits(4, 4);
        Path empty = root.resolve("test/ant");
        try (var files = Files.list(empty)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(empty, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("empty class folder"), e.getMessage());
    }

    @Test
    void aMissingTestSplitIsAnErrorNamingIt() {
        Path root = imageFolder(dir.resolve("notest"), CLASSES, Map.of(Split.TRAIN, 2, Split.VALID, 1), 4, 4,
                List.of());

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(root.resolve("test"), e.file().orElseThrow());
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void aMissingTrainSplitIsAnErrorNamingIt() {
        Path root = imageFolder(dir.resolve("notrain"), CLASSES, Map.of(Split.VALID, 1, Split.TEST, 1), 4, 4,
                List.of());

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(root.resolve("train"), e.file().orElseThrow());
    }

    @Test
    void splitsWithDifferentClassFoldersAreAnErrorSayingWhatDiffers() throws IOException {
        Path root = threeSplits(4, 4);
        Files.move(root.resolve("valid/mole"), root.resolve("valid/vole"));

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(root.resolve("valid"), e.file().orElseThrow());
        assertTrue(e.getMessage().contains("missing mole"), e.getMessage());
        assertTrue(e.getMessage().contains("extra vole"), e.getMessage());
    }

    @Test
    void aFolderOfNoKnownLayoutIsAnErrorThatSaysWhatEachLayoutExpects() throws IOException {
        Path root = Files.createDirectories(dir.resolve("holiday-photos"));
        Files.writeString(root.resolve("beach.txt"), "sand");

        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReaders.detect(root));

        assertEquals(root, e.file().orElseThrow());
        for (String expected : List.of("ImageFolder", "train/", "data_batch_1.bin", "batches.meta.txt",
                "train-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            assertTrue(e.getMessage().contains(expected), "message lacks " + expected + ": " + e.getMessage());
        }
        DatasetException missing = assertThrows(DatasetException.class,
                () -> read(dir.resolve("nowhere"), ReadOptions.DEFAULTS));
        assertTrue(missing.getMessage().endsWith("nowhere: does not exist"), missing.getMessage());
    }

    @Test
    void imagesOfDifferentSizesAreAnErrorListingTheOffendersWithTheirSizes() {
        Path root = threeSplits(6, 6);
        Path small = DatasetFixtures.write(DatasetFixtures.uniformGray(5, 7, 9), root.resolve("train/mole/img001.png"));
        Path large = DatasetFixtures.write(DatasetFixtures.uniformGray(9, 9, 9), root.resolve("test/zebra/img000.png"));

        DatasetException e = assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));

        assertEquals(small, e.file().orElseThrow());
        assertTrue(e.getMessage().contains(small + " (5x7)"), e.getMessage());
        assertTrue(e.getMessage().contains(large + " (9x9)"), e.getMessage());
        assertTrue(e.getMessage().contains("2 of 27 images differ in size"), e.getMessage());
        assertTrue(e.getMessage().contains("is 6x6"), e.getMessage());
    }

    @Test
    void resizingOnRequestMakesImagesOneSizeAndIsRecorded() {
        Path root = threeSplits(6, 6);
        DatasetFixtures.write(DatasetFixtures.uniformGray(12, 10, 77), root.resolve("train/mole/img001.png"));

        Dataset dataset = read(root, ReadOptions.DEFAULTS.withResize(3, 4));

        assertEquals(3, dataset.height());
        assertEquals(4, dataset.width());
        assertEquals("3x4", dataset.metadata().resizedTo());
        ImageDataset train = dataset.split(Split.TRAIN);
        int uniform = train.sources().indexOf(root.resolve("train/mole/img001.png").toString());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(77, train.pixel(uniform, 0, y, x), "a flat image stays flat when resized");
            }
        }
        // Asking for the size the images already have changes nothing and is not recorded as resizing.
        Path same = imageFolder(dir.resolve("same"), CLASSES, Map.of(Split.TRAIN, 1, Split.TEST, 1), 6, 6, List.of());
        assertNull(read(same, ReadOptions.DEFAULTS.withResize(6, 6)).metadata().resizedTo());
    }

    @Test
    void cancellingStopsDecodingBeforeTheEnd() {
        Path root = imageFolder(dir.resolve("many"), List.of("a", "b"), Map.of(Split.TRAIN, 200, Split.TEST, 100),
                4, 4, List.of());
        CancellationToken token = new CancellationToken();
        AtomicLong lastDone = new AtomicLong();
        List<Long> totals = new ArrayList<>();
        ProgressListener cancelAfterFirstChunk = p -> {
            synchronized (totals) {
                totals.add(p.total());
                lastDone.accumulateAndGet(p.done(), Math::max);
            }
            if (p.done() > 0) {
                token.cancel();
            }
        };

        assertThrows(CancelledException.class, () -> DatasetReaders.read(root, new ReadOptions(0.1, 1, false, 0, 0,
                1), cancelAfterFirstChunk, token));

        assertTrue(lastDone.get() > 0, "decoding had started");
        assertTrue(lastDone.get() < 600, "decoding went on to the end: " + lastDone.get());
        assertTrue(totals.contains(600L));
        CancellationToken already = new CancellationToken();
        already.cancel();
        assertThrows(CancelledException.class,
                () -> DatasetReaders.read(root, ReadOptions.DEFAULTS, ProgressListener.NONE, already));
    }

    @Test
    void readingNeverChangesTheUsersFilesEvenWhenItFails() throws IOException {
        Path root = threeSplits(4, 4);
        Files.writeString(root.resolve("valid/ant/img000.png"), "garbage");
        Map<String, String> before = DatasetFixtures.fingerprint(root);

        assertThrows(DatasetException.class, () -> read(root, ReadOptions.DEFAULTS));
        read(root, ReadOptions.DEFAULTS.withSkipCorrupt(true).withResize(8, 8));

        assertEquals(before, DatasetFixtures.fingerprint(root));
    }
}
