package org.exitbench.data;

import static org.exitbench.data.DatasetFixtures.idxImages;
import static org.exitbench.data.DatasetFixtures.idxLabels;
import static org.exitbench.data.DatasetFixtures.roundRobinLabels;
import static org.exitbench.data.DatasetFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.CancelledException;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX → ImageFolder converter behind {@code exitbench data import-idx}. */
class IdxImporterTest {

    private static final List<String> CLASSES = List.of("a", "b", "c");
    private static final int[] TRAIN = roundRobinLabels(3, 10);
    private static final int[] TEST = roundRobinLabels(3, 4);

    @TempDir
    Path dir;
    private Path images;
    private Path labels;
    private Path testImages;
    private Path testLabels;

    @BeforeEach
    void writeIdx() {
        images = idxImages(dir.resolve("idx/train-images-idx3-ubyte.gz"), TRAIN, 5, 4, true);
        labels = idxLabels(dir.resolve("idx/train-labels-idx1-ubyte.gz"), TRAIN, true);
        testImages = idxImages(dir.resolve("idx/t10k-images-idx3-ubyte"), TEST, 5, 4, false);
        testLabels = idxLabels(dir.resolve("idx/t10k-labels-idx1-ubyte"), TEST, false);
    }

    private IdxImportRequest request(Path out, boolean withTest, long seed) {
        return new IdxImportRequest(images, labels, withTest ? testImages : null, withTest ? testLabels : null, out,
                CLASSES, 4, 3, 2, 8, seed);
    }

    private static int run(IdxImportRequest request) {
        return IdxImporter.run(request, ProgressListener.NONE, CancellationToken.NEVER);
    }

    @Test
    void writesAStratifiedSelectionAsPaddedPngsThatReadBackExactly() {
        Path out = dir.resolve("out");

        assertEquals(27, run(request(out, true, 5L)));

        Dataset dataset = DatasetReaders.read(out);
        assertEquals(CLASSES, dataset.classNames());
        assertEquals(8, dataset.height());
        assertEquals(8, dataset.width());
        assertArrayEquals(new int[] {4, 4, 4}, dataset.split(Split.TRAIN).classCounts());
        assertArrayEquals(new int[] {3, 3, 3}, dataset.split(Split.VALID).classCounts());
        assertArrayEquals(new int[] {2, 2, 2}, dataset.split(Split.TEST).classCounts());
        for (Split split : Split.values()) {
            ImageDataset images = dataset.split(split);
            for (int i = 0; i < images.size(); i++) {
                int index = indexOf(images.source(i));
                assertEquals((split == Split.TEST ? TEST : TRAIN)[index], images.label(i), images.source(i));
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        // 5x4 centred in 8x8: one row above, two columns left.
                        boolean inside = y >= 1 && y < 6 && x >= 2 && x < 6;
                        int expected = inside ? value(0, images.label(i), index, 0, y - 1, x - 2) : 0;
                        assertEquals(expected, images.pixel(i, 0, y, x), images.source(i) + " at " + y + "," + x);
                    }
                }
            }
        }
        for (String className : CLASSES) {
            Set<Integer> train = indices(out, Split.TRAIN, className);
            Set<Integer> valid = indices(out, Split.VALID, className);
            assertTrue(valid.stream().noneMatch(train::contains), "train and valid overlap in " + className);
        }
    }

    @Test
    void theSameSeedWritesTheSameFilesAndAnotherSeedAnotherSelection() throws IOException {
        run(request(dir.resolve("one"), true, 5L));
        run(request(dir.resolve("two"), true, 5L));
        run(request(dir.resolve("three"), true, 6L));

        assertEquals(contents(dir.resolve("one")), contents(dir.resolve("two")));
        assertNotEquals(contents(dir.resolve("one")).keySet(), contents(dir.resolve("three")).keySet());
    }

    @Test
    void withoutTestFilesTestIsDrawnFromTrainingImagesDisjointFromTrainAndValid() {
        Path out = dir.resolve("out");

        run(request(out, false, 5L));

        for (String className : CLASSES) {
            Set<Integer> all = new HashSet<>();
            for (Split split : Split.values()) {
                all.addAll(indices(out, split, className));
            }
            assertEquals(4 + 3 + 2, all.size(), className);
        }
    }

    @Test
    void refusesAnOutputFolderThatIsNotEmptyAndLeavesItAlone() throws IOException {
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("thesis.txt"), "years of work");
        Map<String, String> before = DatasetFixtures.fingerprint(out);

        DatasetException e = assertThrows(DatasetException.class, () -> run(request(out, true, 5L)));

        assertEquals(out, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertEquals(before, DatasetFixtures.fingerprint(out));
    }

    @Test
    void anEmptyOutputFolderIsFilled() throws IOException {
        Path out = Files.createDirectories(dir.resolve("empty"));

        run(request(out, true, 5L));

        assertEquals(27, DatasetSummary.of(DatasetReaders.read(out)).total());
    }

    @Test
    void tooFewImagesOfAClassIsAnErrorAndWritesNothing() {
        Path out = dir.resolve("out");
        IdxImportRequest greedy = new IdxImportRequest(images, labels, null, null, out, CLASSES, 6, 3, 2, 0, 1L);

        DatasetException e = assertThrows(DatasetException.class, () -> run(greedy));

        assertEquals(images, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("has 10 images of class 'a', fewer than the 11 per class requested"),
                e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(Set.of("idx"), entries(dir));
    }

    @Test
    void imagesLargerThanThePaddedSizeAndClassNamesThatAreNoFolderNamesAreErrors() {
        Path out = dir.resolve("out");
        IdxImportRequest tooSmall = new IdxImportRequest(images, labels, null, null, out, CLASSES, 1, 1, 1, 4, 1L);
        DatasetException small = assertThrows(DatasetException.class, () -> run(tooSmall));
        assertTrue(small.getMessage().contains("larger than the padded size 4x4"), small.getMessage());

        IdxImportRequest slash = new IdxImportRequest(images, labels, null, null, out, List.of("a", "T-shirt/top",
                "c"), 1, 1, 1, 0, 1L);
        DatasetException bad = assertThrows(DatasetException.class, () -> run(slash));
        assertTrue(bad.getMessage().contains("'T-shirt/top'"), bad.getMessage());
        assertEquals(Set.of("idx"), entries(dir));
    }

    @Test
    void cancellingLeavesNoOutputAndNoHalfWrittenFolder() {
        CancellationToken token = new CancellationToken();
        token.cancel();

        assertThrows(CancelledException.class,
                () -> IdxImporter.run(request(dir.resolve("out"), true, 5L), ProgressListener.NONE, token));

        assertEquals(Set.of("idx"), entries(dir));
    }

    private static int indexOf(String source) {
        String name = Path.of(source).getFileName().toString();
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }

    private static Set<Integer> indices(Path out, Split split, String className) {
        Set<Integer> indices = new HashSet<>();
        for (String name : entries(out.resolve(split.folderName()).resolve(className))) {
            indices.add(indexOf(name));
        }
        return indices;
    }

    private static Set<String> entries(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path → bytes as text, for every file under {@code root}. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> map = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                map.put(root.relativize(p).toString(), Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return map;
    }
}
