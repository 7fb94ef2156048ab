package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.DatasetFixtures;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.deploy.CascadeProvenance;
import org.exitbench.experiment.SampleBackbone;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.NetworkSettings;
import org.exitbench.model.SafeModelZip;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.ExitbenchException;
import org.exitbench.store.InputLimits;
import org.exitbench.store.SerializationProbe;
import org.exitbench.store.ZipFixtures;
import org.exitbench.workspace.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The bad-input suite (issue 14): every kind of hostile or damaged file a user can hand Exitbench, generated here at
 * test time, fed through the real reader (the command line where one reads it, else the reader the app calls). Each
 * case asserts the exit code, a message naming the file and the problem, no stack trace, a bounded time and heap,
 * and that nothing in the case's folder outside its output folder was written or changed. The table of inputs and
 * outcomes is written to {@code target/bad-input-suite.md}.
 */
@Tag("slow")
class BadInputSuiteTest {

    /** What a case should end with. */
    enum Outcome {
        /** exit 1 and one line "error: <file>: <problem>" */
        CLEAR_ERROR,
        /** exit 0: the input is handled correctly (e.g. an unused entry ignored) */
        HANDLED
    }

    /** What a case ran: the exit code and what the user saw on the error stream (or the exception's message). */
    record Result(int exitCode, String err) {
    }

    /**
     * @param kind     the family of input
     * @param input    what is wrong with it
     * @param outcome  what must happen
     * @param run      builds the bad input in the given folder, runs the reader, and says what happened
     * @param expected strings the message must contain; "{dir}" stands for the case's folder
     */
    record Case(String kind, String input, Outcome outcome, Function<Path, Result> run, List<String> expected) {
    }

    private static final Duration TIME_LIMIT = Duration.ofSeconds(90);
    private static final long HEAP_LIMIT = 1L << 30;

    @TempDir
    static Path root;
    private static Path cascade;
    private static Path image;
    private static final List<String> TABLE = new ArrayList<>();
    private static int counter;

    @BeforeAll
    static void buildAGenuineCascade() throws IOException {
        TrainedBackbone backbone = BackboneFile.load(SampleBackbone.file(), false);
        List<ExitBranch> branches = new ArrayList<>();
        int[] channels = {16, 32, 64};
        for (int k = 0; k < 3; k++) {
            branches.add(ExitBranch.create(BranchSpec.defaults(), new BranchInput(channels[k], 1, 10), 7 + k,
                    NetworkSettings.defaults(), new LossMCXENT()));
        }
        cascade = root.resolve("genuine-cascade.zip");
        CascadeFile.save(new CascadeParts(backbone, List.of("stage1", "stage2", "stage3"), branches,
                FeaturePooling.GLOBAL_AVERAGE, Thresholds.never(3, 10), new CascadeProvenance("suite", "boosted",
                "{}", "sample", "fp", "backbone.zip", "fp", "test", "1.0.0-M2.1", "17", "2026-12-07T00:00:00Z")),
                cascade);
        try (Stream<Path> shirts = Files.list(SampleBackbone.SAMPLE.resolve("test").resolve("shirt"))) {
            image = shirts.sorted().findFirst().orElseThrow();
        }
        SerializationProbe.READS.set(0);
    }

    @AfterAll
    static void writeTheTable() throws IOException {
        assertEquals(0, SerializationProbe.READS.get(), "no serialized object was ever read");
        long clear = TABLE.stream().filter(l -> l.contains("| clear error |")).count();
        long handled = TABLE.stream().filter(l -> l.contains("| handled |")).count();
        StringBuilder md = new StringBuilder("| # | kind | input | outcome | message (folder shortened) "
                + "| heap growth MB | ms |\n|---|---|---|---|---|---|---|\n");
        TABLE.forEach(l -> md.append(l).append('\n'));
        md.append("\n").append(TABLE.size()).append(" cases: ").append(clear).append(" clear error, ").append(handled)
                .append(" handled correctly, ").append(TABLE.size() - clear - handled).append(" anything else\n");
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bad-input-suite.md"), md.toString());
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputEndsWithAClearMessageAndChangesNothing() {
        List<Case> cases = new ArrayList<>();
        images(cases);
        batches(cases);
        layouts(cases);
        cifarAndIdx(cases);
        configs(cases);
        sweeps(cases);
        thresholds(cases);
        workspaces(cases);
        backbones(cases);
        cascades(cases);
        assertTrue(cases.size() >= 40, "the issue asks for at least 40 kinds of bad input: " + cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.kind() + ": " + c.input(), () -> check(c)));
    }

    private static void check(Case c) throws IOException {
        Path dir = Files.createDirectories(root.resolve("case-" + (++counter)));
        Path out = dir.resolve("out");
        // Peaks are measured above the live heap before the case (other test classes share this JVM): collect
        // first, so the figure is what this case needed, not the garbage earlier ones left.
        System.gc();
        long baseline = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                baseline += pool.getUsage().getUsed();
            }
            pool.resetPeakUsage();
        }
        // The generator runs inside run(); what it writes is the input, fingerprinted after it is made: a wrapper
        // snapshot taken just before the reader runs would need every case split in two, so the fingerprint here
        // covers the whole folder minus "out", which every case leaves as its only output place.
        Map<String, String> sampleBefore = DatasetFixtures.fingerprint(SampleBackbone.SAMPLE);
        long start = System.nanoTime();
        Result result = Assertions.assertTimeoutPreemptively(TIME_LIMIT, () -> c.run().apply(dir));
        long millis = (System.nanoTime() - start) / 1_000_000;
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        heap = Math.max(0, heap - baseline);
        String message = result.err().strip();
        String shown = message.replace(dir.toString(), "…").replace("|", "\\|").replace("\n", " ");
        boolean clear = result.exitCode() == 1 && c.outcome() == Outcome.CLEAR_ERROR;
        boolean handled = result.exitCode() == 0 && c.outcome() == Outcome.HANDLED;
        TABLE.add("| " + counter + " | " + c.kind() + " | " + c.input() + " | "
                + (clear ? "clear error" : handled ? "handled" : "UNEXPECTED (exit " + result.exitCode() + ")")
                + " | " + shown + " | " + heap / (1 << 20) + " | " + millis + " |");
        assertEquals(c.outcome() == Outcome.CLEAR_ERROR ? 1 : 0, result.exitCode(), message);
        assertFalse(message.contains("\tat ") || message.contains("Exception:"), "no stack trace: " + message);
        for (String expected : c.expected()) {
            assertTrue(message.contains(expected.replace("{dir}", dir.toString())), "expected '" + expected
                    + "' in: " + message);
        }
        assertTrue(heap < HEAP_LIMIT, "heap growth " + heap / (1 << 20) + " MB");
        assertEquals(sampleBefore, DatasetFixtures.fingerprint(SampleBackbone.SAMPLE), "the sample is unchanged");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                assertFalse(name.endsWith(".tmp") || name.startsWith(".staging"), "left behind: " + p);
            }
        }
        assertTrue(!Files.exists(out) || c.outcome() == Outcome.HANDLED || isEmptyOrAbsent(out),
                "a failed command wrote into " + out);
    }

    private static boolean isEmptyOrAbsent(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.noneMatch(Files::isRegularFile);
        }
    }

    // ---- the ways to run a reader ----

    private static Result cli(String... args) {
        CommandLineRun run = CommandLineRun.of(args);
        return new Result(run.exitCode(), run.err());
    }

    /** Runs a reader the app calls; its exception's message is what the app shows. */
    private static Result reader(Runnable read) {
        try {
            read.run();
            return new Result(0, "");
        } catch (ExitbenchException | IllegalArgumentException | UncheckedIOException e) {
            return new Result(1, "error: " + e.getMessage());
        }
    }

    private static Result inspect(Path dataset) {
        return cli("data", "inspect", dataset.toString());
    }

    // ---- the generators, family by family ----

    private static Path tinyFolder(Path dir) {
        return DatasetFixtures.imageFolder(dir.resolve("ds"), List.of("ant", "bee"), Map.of(Split.TRAIN, 3,
                Split.VALID, 2, Split.TEST, 2), 8, 8, List.of());
    }

    /** Two images of every class and split of the sample, as an ImageFolder dataset the sample backbone fits. */
    private static Path sampleExcerpt(Path ds) {
        try (Stream<Path> splits = Files.list(SampleBackbone.SAMPLE)) {
            for (Path split : splits.filter(p -> Files.isDirectory(p) && p.getFileName().toString()
                    .matches("train|valid|test")).toList()) {
                try (Stream<Path> classes = Files.list(split)) {
                    for (Path cls : classes.toList()) {
                        try (Stream<Path> files = Files.list(cls)) {
                            for (Path file : files.sorted().limit(2).toList()) {
                                DatasetFixtures.writeBytes(ds.resolve(split.getFileName().toString())
                                        .resolve(cls.getFileName().toString()).resolve(file.getFileName()
                                                .toString()), read(file));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ds;
    }

    private static void images(List<Case> cases) {
        cases.add(new Case("image", "random bytes named .png", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            DatasetFixtures.writeBytes(ds.resolve("train/ant/img001.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            return inspect(ds);
        }, List.of("{dir}/ds/train/ant/img001.png: is not a PNG, JPEG or BMP image")));
        cases.add(new Case("image", "empty file", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            DatasetFixtures.writeBytes(ds.resolve("test/bee/img000.png"), new byte[0]);
            return inspect(ds);
        }, List.of("{dir}/ds/test/bee/img000.png: ")));
        cases.add(new Case("image", "truncated PNG", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            DatasetFixtures.truncate(ds.resolve("valid/bee/img001.png"), 40);
            return inspect(ds);
        }, List.of("{dir}/ds/valid/bee/img001.png: is corrupt")));
        cases.add(new Case("image", "PNG declaring 20000x20000 pixels (decompression bomb)", Outcome.CLEAR_ERROR,
                dir -> {
                    Path ds = tinyFolder(dir);
                    DatasetFixtures.pngBomb(ds.resolve("train/bee/img002.png"), 20000, 20000);
                    return inspect(ds);
                }, List.of("{dir}/ds/train/bee/img002.png: declares 20000x20000 pixels")));
        cases.add(new Case("image", "PNG bomb given to predict", Outcome.CLEAR_ERROR, dir -> {
            Path bomb = DatasetFixtures.pngBomb(dir.resolve("huge.png"), 30000, 30000);
            return cli("predict", "--model", cascade.toString(), bomb.toString());
        }, List.of("{dir}/huge.png: declares 30000x30000 pixels")));
        cases.add(new Case("image", "one image of another size", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            DatasetFixtures.write(DatasetFixtures.uniformGray(9, 8, 5), ds.resolve("test/ant/img001.png"));
            return inspect(ds);
        }, List.of("{dir}/ds/test/ant/img001.png", "9x8", "differ in size")));
        cases.add(new Case("image", "one colour image among gray ones (data inspect names it)", Outcome.HANDLED,
                dir -> {
                    Path ds = tinyFolder(dir);
                    DatasetFixtures.write(DatasetFixtures.rgbImage(8, 8, 0, 1, 2), ds.resolve("train/bee/img002.png"));
                    CommandLineRun run = CommandLineRun.of("data", "inspect", ds.toString());
                    assertTrue(run.out().contains("3 channels (RGB)"), run.out());
                    return new Result(run.exitCode(), run.out().lines().filter(l -> l.contains("in colour"))
                            .findFirst().orElse(run.out()) + run.err().lines().filter(l -> l.contains("rror"))
                            .findFirst().orElse(""));
                }, List.of("1 image is in colour among gray ones", "{dir}/ds/train/bee/img002.png")));
        cases.add(new Case("image", "a gray image saved as RGB among gray ones", Outcome.HANDLED, dir -> {
            Path ds = tinyFolder(dir);
            DatasetFixtures.write(DatasetFixtures.asRgb(DatasetFixtures.uniformGray(8, 8, 99)),
                    ds.resolve("valid/ant/img000.png"));
            CommandLineRun run = CommandLineRun.of("data", "inspect", ds.toString());
            assertFalse(run.out().contains("in colour"), run.out());
            return new Result(run.exitCode(), run.out().lines().filter(l -> l.contains("channel")).findFirst()
                    .orElse(run.out()) + run.err().lines().filter(l -> l.contains("rror")).findFirst().orElse(""));
        }, List.of("1 channel (grayscale)")));
        cases.add(new Case("image", "one colour image in a gray dataset given to run (gray backbone)",
                Outcome.CLEAR_ERROR, dir -> {
                    Path ds = sampleExcerpt(dir.resolve("ds"));
                    Path colour = ds.resolve("test/bag/colour.png");
                    DatasetFixtures.write(DatasetFixtures.rgbImage(32, 32, 2, 8, 0), colour);
                    return cli("run", "--data", ds.toString(), "--backbone", SampleBackbone.file().toString(),
                            "--workspace", dir.resolve("out").toString());
                }, List.of("the backbone takes 1×32×32", "1 image is in colour among gray ones",
                        "{dir}/ds/test/bag/colour.png")));
        cases.add(new Case("image", "a dataset whose decoded images exceed the heap", Outcome.CLEAR_ERROR, dir -> {
            // Each 7000x7000 image is under the pixel budget and compresses to little, but takes 147 MB decoded.
            Path ds = tinyFolder(dir);
            Path big = DatasetFixtures.write(DatasetFixtures.uniformGray(7000, 7000, 90), dir.resolve("big.png"));
            long copies = Runtime.getRuntime().maxMemory() / (3L * 7000 * 7000) + 2;
            for (int i = 0; i < copies; i++) {
                DatasetFixtures.writeBytes(ds.resolve(String.format("train/ant/big%03d.png", i)), read(big));
            }
            delete(big);
            return cli("data", "inspect", "--resize", "7000x7000", ds.toString());
        }, List.of("{dir}/ds/", "the decoded images (", "of Java heap", "--resize HxW", "-Xmx")));
        cases.add(new Case("image", "text file given to predict", Outcome.CLEAR_ERROR, dir -> {
            Path text = DatasetFixtures.writeBytes(dir.resolve("notes.png"), "hello".getBytes(StandardCharsets.UTF_8));
            return cli("predict", "--model", cascade.toString(), text.toString());
        }, List.of("{dir}/notes.png")));
    }

    private static void batches(List<Case> cases) {
        cases.add(new Case("image batch", "one unreadable image among good ones (predict goes on)",
                Outcome.CLEAR_ERROR, dir -> {
                    Path batch = dir.resolve("batch");
                    DatasetFixtures.writeBytes(batch.resolve("a.png"), read(image));
                    DatasetFixtures.writeBytes(batch.resolve("b.png"), "not an image".getBytes(StandardCharsets.UTF_8));
                    CommandLineRun run = CommandLineRun.of("predict", "--model", cascade.toString(), batch.toString());
                    assertTrue(run.out().contains("a.png"), "the readable image is still predicted: " + run.out());
                    return new Result(run.exitCode(), run.err());
                }, List.of("skipped {dir}/batch/b.png: ", "1 of 2 images could not be read")));
        cases.add(new Case("image batch", "a colour image among gray ones, gray cascade (predict goes on)",
                Outcome.CLEAR_ERROR, dir -> {
                    Path batch = dir.resolve("batch");
                    DatasetFixtures.writeBytes(batch.resolve("a.png"), read(image));
                    DatasetFixtures.write(DatasetFixtures.rgbImage(32, 32, 0, 3, 1), batch.resolve("b.png"));
                    DatasetFixtures.writeBytes(batch.resolve("c.png"), read(image));
                    CommandLineRun run = CommandLineRun.of("predict", "--model", cascade.toString(), batch.toString());
                    assertTrue(run.out().contains("a.png") && run.out().contains("c.png")
                            && !run.out().contains("b.png"), "the gray images are still predicted: " + run.out());
                    return new Result(run.exitCode(), run.err());
                }, List.of("skipped {dir}/batch/b.png: is a colour image", "1 of 3 images")));
        cases.add(new Case("image batch", "one unreadable image with --strict", Outcome.CLEAR_ERROR, dir -> {
            Path batch = dir.resolve("batch");
            DatasetFixtures.writeBytes(batch.resolve("a.png"), read(image));
            DatasetFixtures.pngBomb(batch.resolve("b.png"), 25000, 25000);
            return cli("predict", "--strict", "--model", cascade.toString(), batch.toString());
        }, List.of("error: {dir}/batch/b.png: declares 25000x25000 pixels")));
    }

    private static void layouts(List<Case> cases) {
        cases.add(new Case("layout", "missing folder", Outcome.CLEAR_ERROR,
                dir -> inspect(dir.resolve("nowhere")), List.of("{dir}/nowhere")));
        cases.add(new Case("layout", "empty class folder", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            try (Stream<Path> files = Files.list(ds.resolve("valid/bee"))) {
                files.forEach(BadInputSuiteTest::delete);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return inspect(ds);
        }, List.of("{dir}/ds/valid/bee", "empty class folder")));
        cases.add(new Case("layout", "no test split", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            deleteTree(ds.resolve("test"));
            return inspect(ds);
        }, List.of("{dir}/ds", "test")));
        cases.add(new Case("layout", "no train split", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            deleteTree(ds.resolve("train"));
            return inspect(ds);
        }, List.of("{dir}/ds", "train")));
        cases.add(new Case("layout", "splits with different classes", Outcome.CLEAR_ERROR, dir -> {
            Path ds = tinyFolder(dir);
            move(ds.resolve("test/bee"), ds.resolve("test/wasp"));
            return inspect(ds);
        }, List.of("{dir}/ds", "wasp")));
        cases.add(new Case("layout", "a folder of no known layout", Outcome.CLEAR_ERROR, dir -> {
            DatasetFixtures.writeBytes(dir.resolve("stuff/readme.txt"), "x".getBytes(StandardCharsets.UTF_8));
            return inspect(dir.resolve("stuff"));
        }, List.of("{dir}/stuff")));
    }

    private static void cifarAndIdx(List<Case> cases) {
        cases.add(new Case("CIFAR-10", "batch with a partial record", Outcome.CLEAR_ERROR, dir -> {
            Path ds = cifar(dir);
            DatasetFixtures.truncate(ds.resolve("test_batch.bin"), 3073 + 100);
            return inspect(ds);
        }, List.of("{dir}/cifar/test_batch.bin")));
        cases.add(new Case("CIFAR-10", "label 12 of 3 classes", Outcome.CLEAR_ERROR, dir -> {
            Path ds = cifar(dir);
            DatasetFixtures.cifarBatch(ds.resolve("test_batch.bin"), 9, new int[] {0, 12, 1});
            return inspect(ds);
        }, List.of("{dir}/cifar/test_batch.bin", "12")));
        cases.add(new Case("CIFAR-10", "no test batch", Outcome.CLEAR_ERROR, dir -> {
            Path ds = cifar(dir);
            delete(ds.resolve("test_batch.bin"));
            return inspect(ds);
        }, List.of("{dir}/cifar", "test_batch.bin")));
        cases.add(new Case("IDX", "wrong magic number", Outcome.CLEAR_ERROR, dir -> {
            Path ds = idx(dir);
            byte[] bytes = read(ds.resolve("t10k-images-idx3-ubyte"));
            bytes[3] = 0x09;
            DatasetFixtures.writeBytes(ds.resolve("t10k-images-idx3-ubyte"), bytes);
            return inspect(ds);
        }, List.of("{dir}/idx/t10k-images-idx3-ubyte")));
        cases.add(new Case("IDX", "header declaring 60000 images of 30000x30000 (bomb)", Outcome.CLEAR_ERROR,
                dir -> {
                    Path ds = idx(dir);
                    ByteArrayOutputStream header = new ByteArrayOutputStream();
                    try (DataOutputStream out = new DataOutputStream(header)) {
                        out.writeInt(0x803);
                        out.writeInt(60000);
                        out.writeInt(30000);
                        out.writeInt(30000);
                        out.write(new byte[1000]);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    DatasetFixtures.writeBytes(ds.resolve("train-images-idx3-ubyte"), header.toByteArray());
                    return inspect(ds);
                }, List.of("{dir}/idx/train-images-idx3-ubyte")));
        cases.add(new Case("IDX", "truncated image file", Outcome.CLEAR_ERROR, dir -> {
            Path ds = idx(dir);
            DatasetFixtures.truncate(ds.resolve("train-images-idx3-ubyte"), 50);
            return inspect(ds);
        }, List.of("{dir}/idx/train-images-idx3-ubyte")));
        cases.add(new Case("IDX", "fewer labels than images", Outcome.CLEAR_ERROR, dir -> {
            Path ds = idx(dir);
            DatasetFixtures.idxLabels(ds.resolve("train-labels-idx1-ubyte"), new int[] {0, 1, 2}, false);
            return inspect(ds);
        }, List.of("{dir}/idx/train-labels-idx1-ubyte")));
    }

    private static Path cifar(Path dir) {
        Path ds = dir.resolve("cifar");
        DatasetFixtures.writeBytes(ds.resolve("batches.meta.txt"), "cat\ndog\nfrog\n".getBytes(StandardCharsets.UTF_8));
        DatasetFixtures.cifarBatch(ds.resolve("data_batch_1.bin"), 1, DatasetFixtures.roundRobinLabels(3, 4));
        DatasetFixtures.cifarBatch(ds.resolve("test_batch.bin"), 9, DatasetFixtures.roundRobinLabels(3, 2));
        return ds;
    }

    private static Path idx(Path dir) {
        Path ds = dir.resolve("idx");
        int[] train = DatasetFixtures.roundRobinLabels(3, 6);
        int[] test = DatasetFixtures.roundRobinLabels(3, 2);
        DatasetFixtures.idxImages(ds.resolve("train-images-idx3-ubyte"), train, 5, 4, false);
        DatasetFixtures.idxLabels(ds.resolve("train-labels-idx1-ubyte"), train, false);
        DatasetFixtures.idxImages(ds.resolve("t10k-images-idx3-ubyte"), test, 5, 4, false);
        DatasetFixtures.idxLabels(ds.resolve("t10k-labels-idx1-ubyte"), test, false);
        return ds;
    }

    private static void configs(List<Case> cases) {
        String[][] bad = {
            {"not JSON", "{\"training\": {\"epochs\": 2", "config.json"},
            {"a key given twice", "{\"training\": {\"epochs\": 2, \"epochs\": 3}}", "epochs"},
            {"an unknown field", "{\"trainng\": {}}", "trainng"},
            {"negative epochs", "{\"training\": {\"epochs\": -1}}", "epochs"},
            {"text where a number belongs", "{\"training\": {\"epochs\": \"many\"}}", "epochs"},
            {"a JSON array instead of an object", "[1, 2, 3]", "config.json"},
        };
        for (String[] b : bad) {
            cases.add(new Case("experiment config", b[0], Outcome.CLEAR_ERROR, dir -> {
                Path config = DatasetFixtures.writeBytes(dir.resolve("config.json"),
                        b[1].getBytes(StandardCharsets.UTF_8));
                return cli("run", "--config", config.toString(), "--data", SampleBackbone.SAMPLE.toString(),
                        "--workspace", dir.resolve("out").toString());
            }, List.of("{dir}/config.json", b[2])));
        }
    }

    private static void sweeps(List<Case> cases) {
        StringBuilder axes = new StringBuilder("[");
        for (int a = 0; a < 8; a++) {
            axes.append(a == 0 ? "" : ",").append("{\"name\": \"axis").append(a)
                    .append("\", \"field\": \"training.epochs\", \"values\": [");
            for (int v = 0; v < 10; v++) {
                axes.append(v == 0 ? "" : ",").append(v + 1);
            }
            axes.append("]}");
        }
        axes.append(']');
        String[][] bad = {
            {"8 axes x 10 values (10^8 configurations)", "{\"format\": \"exitbench.sweep-definition\", "
                    + "\"formatVersion\": 1, \"axes\": " + axes + "}", "trials"},
            {"a key given twice", "{\"format\": \"exitbench.sweep-definition\", \"formatVersion\": 1, "
                    + "\"name\": \"a\", \"name\": \"b\"}", "name"},
            {"not JSON", "{\"format\": ", "sweep.json"},
            {"a newer format version", "{\"format\": \"exitbench.sweep-definition\", \"formatVersion\": 99}", "99"},
        };
        for (String[] b : bad) {
            cases.add(new Case("sweep definition", b[0], Outcome.CLEAR_ERROR, dir -> {
                Path definition = DatasetFixtures.writeBytes(dir.resolve("sweep.json"),
                        b[1].getBytes(StandardCharsets.UTF_8));
                return cli("sweep", "--definition", definition.toString(), "--data", SampleBackbone.SAMPLE.toString(),
                        "--out", dir.resolve("out").toString(), "--workspace", dir.resolve("out-ws").toString());
            }, List.of("{dir}/sweep.json", b[2])));
        }
    }

    private static void thresholds(List<Case> cases) {
        String header = "\"format\": \"" + Thresholds.FORMAT + "\", \"version\": 1, \"rule\": \"MAX_SOFTMAX\", ";
        String[][] bad = {
            {"a negative threshold", "{" + header + "\"exits\": 1, \"classes\": 2, \"thresholds\": [[0.5, -0.2]]}",
                "thresholds[0][1]"},
            {"NaN", "{" + header + "\"exits\": 1, \"classes\": 2, \"thresholds\": [[0.5, \"NaN\"]]}",
                "thresholds[0][1]"},
            {"a row too short", "{" + header + "\"exits\": 1, \"classes\": 2, \"thresholds\": [[0.5]]}",
                "thresholds[0]"},
            {"a key given twice", "{" + header + "\"exits\": 1, \"exits\": 2, \"classes\": 2, \"thresholds\": "
                + "[[0.5, 0.5]]}", "exits"},
            {"not JSON", "{" + header, "thresholds.json"},
        };
        for (String[] b : bad) {
            cases.add(new Case("thresholds file", b[0], Outcome.CLEAR_ERROR, dir -> {
                Path file = DatasetFixtures.writeBytes(dir.resolve("thresholds.json"),
                        b[1].getBytes(StandardCharsets.UTF_8));
                return reader(() -> {
                    try {
                        Thresholds.read(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }, List.of("{dir}/thresholds.json", b[2])));
        }
    }

    private static void workspaces(List<Case> cases) {
        String[][] bad = {
            {"workspace.json not JSON", "{\"format\":", "is not valid JSON"},
            {"workspace.json from a newer Exitbench", "{\"format\": \"exitbench.workspace\", \"formatVersion\": 99}",
                "newer Exitbench"},
            {"workspace.json with a key twice", "{\"format\": \"exitbench.workspace\", \"formatVersion\": 1, "
                + "\"formatVersion\": 1}", "formatVersion"},
            {"workspace.json of another kind", "{\"format\": \"exitbench.cascade\", \"formatVersion\": 1}",
                "exitbench.cascade"},
        };
        for (String[] b : bad) {
            cases.add(new Case("workspace", b[0], Outcome.CLEAR_ERROR, dir -> {
                Path folder = dir.resolve("ws");
                DatasetFixtures.writeBytes(folder.resolve("workspace.json"), b[1].getBytes(StandardCharsets.UTF_8));
                return reader(() -> Workspace.open(folder));
            }, List.of("{dir}/ws/workspace.json", b[2])));
        }
    }

    private static void backbones(List<Case> cases) {
        Path genuine = SampleBackbone.file();
        cases.add(new Case("training", "a batch size whose activations exceed ND4J's memory", Outcome.CLEAR_ERROR,
                dir -> cli("backbone", "train", "--data", sampleExcerpt(dir.resolve("ds")).toString(), "--epochs",
                        "1", "--batch", "2000000", "--out", dir.resolve("m.zip").toString()),
                List.of("training Small ResNet", "at batch 2000000 needs about", "of native memory (ND4J)",
                        "--batch")));
        cases.add(new Case("backbone zip", "preprocessor.bin holding a serialized object (probe)",
                Outcome.CLEAR_ERROR, dir -> cli("backbone", "info", withEntry(genuine, dir.resolve("b.zip"),
                        SafeModelZip.PREPROCESSOR_BIN, SerializationProbe.bytes()).toString()),
                List.of("{dir}/b.zip: holds preprocessor.bin, a Java-serialized object")));
        cases.add(new Case("backbone zip", "dataset whose backbone.zip carries the probe (run --data D)",
                Outcome.CLEAR_ERROR, dir -> {
                    Path ds = tinyFolder(dir);
                    withEntry(genuine, ds.resolve("backbone.zip"), SafeModelZip.PREPROCESSOR_BIN,
                            SerializationProbe.bytes());
                    return cli("run", "--data", ds.toString(), "--workspace", dir.resolve("out").toString());
                }, List.of("{dir}/ds/backbone.zip", "preprocessor.bin")));
        cases.add(new Case("backbone zip", "zip-slip entry name ../../evil.sh", Outcome.CLEAR_ERROR,
                dir -> cli("backbone", "info", withEntry(genuine, dir.resolve("b.zip"), "../../evil.sh",
                        "#!/bin/sh".getBytes(StandardCharsets.UTF_8)).toString()),
                List.of("{dir}/b.zip", "unsafe name")));
        cases.add(new Case("backbone zip", "not a zip", Outcome.CLEAR_ERROR, dir -> cli("backbone", "info",
                DatasetFixtures.writeBytes(dir.resolve("b.zip"), "PK nonsense".getBytes(StandardCharsets.UTF_8))
                        .toString()), List.of("{dir}/b.zip", "not a zip")));
        cases.add(new Case("backbone zip", "truncated", Outcome.CLEAR_ERROR, dir -> {
            Path b = DatasetFixtures.writeBytes(dir.resolve("b.zip"), read(genuine));
            DatasetFixtures.truncate(b, 100_000);
            return cli("backbone", "info", b.toString());
        }, List.of("{dir}/b.zip")));
        cases.add(new Case("backbone zip", "coefficients tampered (a value changed)", Outcome.CLEAR_ERROR, dir -> {
            Path b = ZipFixtures.rewrite(genuine, dir.resolve("b.zip"), entries -> {
                byte[] coefficients = entries.get(SafeModelZip.COEFFICIENTS_BIN);
                coefficients[coefficients.length - 7] ^= 0x40;
            });
            return cli("backbone", "info", b.toString());
        }, List.of("{dir}/b.zip", "fingerprint")));
        cases.add(new Case("backbone zip", "configuration naming a foreign class", Outcome.CLEAR_ERROR, dir -> {
            Path b = ZipFixtures.rewrite(genuine, dir.resolve("b.zip"), entries -> entries.put(
                    SafeModelZip.CONFIGURATION_JSON, new String(entries.get(SafeModelZip.CONFIGURATION_JSON),
                            StandardCharsets.UTF_8).replaceFirst("org\\.nd4j\\.linalg\\.activations\\.impl\\."
                            + "ActivationReLU", "javax.script.ScriptEngineManager").getBytes(StandardCharsets.UTF_8)));
            return cli("backbone", "info", b.toString());
        }, List.of("{dir}/b.zip", "javax.script.ScriptEngineManager")));
        cases.add(new Case("backbone zip", "coefficients header claiming 2^40 numbers", Outcome.CLEAR_ERROR, dir -> {
            Path b = ZipFixtures.rewrite(genuine, dir.resolve("b.zip"), entries -> {
                byte[] c = entries.get(SafeModelZip.COEFFICIENTS_BIN);
                ByteArrayOutputStream forged = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(forged)) {
                    out.writeUTF("MIXED_DATA_TYPES");
                    out.writeLong(6);
                    out.writeUTF("LONG");
                    for (long v : new long[] {2, 1, 1L << 40, 1L << 40, 1, 0, 99}) {
                        out.writeLong(v);
                    }
                    out.write(c, 0, 1000);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                entries.put(SafeModelZip.COEFFICIENTS_BIN, forged.toByteArray());
            });
            return cli("backbone", "info", b.toString());
        }, List.of("{dir}/b.zip", "coefficients.bin")));
        cases.add(new Case("backbone zip", "coefficients entry inflating past the limit (bomb)",
                Outcome.CLEAR_ERROR, dir -> {
                    Map<String, byte[]> entries = ZipFixtures.entries(genuine);
                    entries.remove(SafeModelZip.COEFFICIENTS_BIN);
                    Path b = ZipFixtures.bomb(dir.resolve("b.zip"), entries, SafeModelZip.COEFFICIENTS_BIN, 64L << 20);
                    return withProperty(InputLimits.PROPERTY_PREFIX + "maxEntryBytes", String.valueOf(16L << 20),
                            () -> cli("backbone", "info", b.toString()));
                }, List.of("{dir}/b.zip", "coefficients.bin that is larger than 16777216 bytes")));
        cases.add(new Case("backbone zip", "an unused normalizer.bin holding the probe", Outcome.HANDLED,
                dir -> cli("backbone", "info", withEntry(genuine, dir.resolve("b.zip"), "normalizer.bin",
                        SerializationProbe.bytes()).toString()), List.of()));
    }

    private static void cascades(List<Case> cases) {
        cases.add(new Case("cascade zip", "branch re-hashed with a serialized preprocessor.bin", Outcome.CLEAR_ERROR,
                dir -> predict(rehashed(dir.resolve("c.zip"), "branches/exit1-stage1.zip",
                        inner -> inner.put(SafeModelZip.PREPROCESSOR_BIN, SerializationProbe.bytes()))),
                List.of("{dir}/c.zip: the entry branches/exit1-stage1.zip holds preprocessor.bin")));
        cases.add(new Case("cascade zip", "an entry the manifest does not list", Outcome.CLEAR_ERROR,
                dir -> predict(ZipFixtures.rewrite(cascade, dir.resolve("c.zip"),
                        e -> e.put("payload.bin", SerializationProbe.bytes()))),
                List.of("{dir}/c.zip: has an entry payload.bin that its exitbench-cascade.json does not list")));
        cases.add(new Case("cascade zip", "manifest without \"exits\"", Outcome.CLEAR_ERROR,
                dir -> predict(editManifest(dir.resolve("c.zip"), m -> m.remove("exits"))),
                List.of("{dir}/c.zip: has an incomplete exitbench-cascade.json: \"exits\" is missing")));
        cases.add(new Case("cascade zip", "manifest with a key twice", Outcome.CLEAR_ERROR, dir -> predict(
                ZipFixtures.rewrite(cascade, dir.resolve("c.zip"), e -> e.put(CascadeFile.MANIFEST_ENTRY,
                        new String(e.get(CascadeFile.MANIFEST_ENTRY), StandardCharsets.UTF_8).replaceFirst("\\{",
                                "{\"headSegment\": \"x\",").getBytes(StandardCharsets.UTF_8)))),
                List.of("{dir}/c.zip", "headSegment")));
        cases.add(new Case("cascade zip", "negative thresholds in the manifest", Outcome.CLEAR_ERROR,
                dir -> predict(editManifest(dir.resolve("c.zip"), m -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                        m.get("thresholds").get("thresholds").get(0)).set(0, -0.5))),
                List.of("{dir}/c.zip", "thresholds[0][0]")));
        cases.add(new Case("cascade zip", "an entry inflating past its recorded size (bomb)", Outcome.CLEAR_ERROR,
                dir -> {
                    Map<String, byte[]> entries = ZipFixtures.entries(cascade);
                    entries.remove("segments/head.zip");
                    return predict(ZipFixtures.bomb(dir.resolve("c.zip"), entries, "segments/head.zip", 64L << 20));
                }, List.of("{dir}/c.zip", "segments/head.zip")));
        cases.add(new Case("cascade zip", "zip-slip entry name", Outcome.CLEAR_ERROR,
                dir -> predict(ZipFixtures.rewrite(cascade, dir.resolve("c.zip"), e -> e.put("../x", new byte[1]))),
                List.of("{dir}/c.zip", "unsafe name")));
        cases.add(new Case("cascade zip", "a backbone given as a cascade", Outcome.CLEAR_ERROR,
                dir -> predict(SampleBackbone.file()), List.of("backbone.zip: is an Exitbench backbone")));
    }

    private static Result predict(Path model) {
        return cli("predict", "--model", model.toString(), image.toString());
    }

    private static Path editManifest(Path target, java.util.function.Consumer<ObjectNode> edit) {
        return ZipFixtures.rewrite(cascade, target, entries -> {
            try {
                ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(entries.get(CascadeFile.MANIFEST_ENTRY));
                edit.accept(manifest);
                entries.put(CascadeFile.MANIFEST_ENTRY, manifest.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The cascade with one nested model zip edited and its SHA-256 and size recomputed, as a tamperer would. */
    private static Path rehashed(Path target, String entry, java.util.function.Consumer<Map<String, byte[]>> edit) {
        return ZipFixtures.rewrite(cascade, target, entries -> {
            Path inner = target.resolveSibling(target.getFileName() + ".inner.zip");
            try {
                Files.write(inner, entries.get(entry));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, byte[]> innerEntries = ZipFixtures.entries(inner);
            edit.accept(innerEntries);
            byte[] forged = ZipFixtures.zip(innerEntries);
            entries.put(entry, forged);
            try {
                ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(entries.get(CascadeFile.MANIFEST_ENTRY));
                ((ObjectNode) manifest.get("entries")).put(entry, java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(forged)));
                ((ObjectNode) manifest.get("entrySizes")).put(entry, forged.length);
                entries.put(CascadeFile.MANIFEST_ENTRY, manifest.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ---- small helpers ----

    private static Path withEntry(Path source, Path target, String name, byte[] content) {
        return ZipFixtures.rewrite(source, target, entries -> entries.put(name, content));
    }

    private static Result withProperty(String name, String value, java.util.function.Supplier<Result> body) {
        String before = System.getProperty(name);
        System.setProperty(name, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(BadInputSuiteTest::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
