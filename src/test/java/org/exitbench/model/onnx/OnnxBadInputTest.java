package org.exitbench.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.exitbench.data.Dataset;
import org.exitbench.model.BackboneFileException;
import org.exitbench.train.SampleSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad ONNX input gives a clear error naming the file and the problem. */
class OnnxBadInputTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static BackboneFileException fails(Path file, Runnable action, String... phrases) {
        BackboneFileException e = assertThrows(BackboneFileException.class, action::run);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' missing from: " + e.getMessage());
        }
        return e;
    }

    @Test
    void aFileThatIsNotOnnxIsRefused() throws IOException {
        Path file = write("notes.onnx", "just some text, not a model\n".repeat(20).getBytes());
        fails(file, () -> OnnxBackbone.load(file), "is not an ONNX model");
    }

    @Test
    void aTruncatedModelIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(OnnxFixture.MODEL);
        for (int length : new int[] {bytes.length / 2, bytes.length - 3, 100}) {
            Path file = write("cut" + length + ".onnx", Arrays.copyOf(bytes, length));
            BackboneFileException e = assertThrows(BackboneFileException.class, () -> OnnxBackbone.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not an ONNX model"),
                    e.getMessage());
        }
    }

    @Test
    void anOpsetOnnxRuntimeCannotRunIsRefused() throws IOException {
        Onnx.ModelProto model = OnnxGraphTest.chain().toBuilder().clearOpsetImport()
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(99)).build();
        Path file = write("future.onnx", model.toByteArray());
        fails(file, () -> OnnxModelFile.read(file), "uses opset 99", "opset_version=13");
    }

    @Test
    void aFileOverTheSizeLimitIsRefused() throws IOException {
        Path file = write("big.onnx", OnnxGraphTest.chain().toByteArray());
        fails(file, () -> OnnxModelFile.read(file, 100), "more than the 100");
    }

    @Test
    void moreThanOneInputIsRefused() throws IOException {
        TestGraphs t = new TestGraphs().input("a", -1, 1, 8, 8).input("b", -1, 1, 8, 8);
        String sum = t.op("Add", "a", "b");
        String logits = t.gemm(t.op("Flatten", t.op("GlobalAveragePool", t.conv(sum, 1, 4, 3, 1, 1, 1))), 4, 2);
        Path file = write("two.onnx", t.model(logits, -1, 2).toByteArray());
        fails(file, () -> OnnxGraph.inspect(file, OnnxModelFile.read(file), null, null), "has 2 inputs (a, b)");
    }

    @Test
    void aDynamicImageSizeNeedsAnInputSize() throws IOException {
        TestGraphs t = new TestGraphs().input("x", -1, 1, -1, -1);
        String logits = t.gemm(t.op("Flatten", t.op("GlobalAveragePool",
                t.op("Relu", t.conv("x", 1, 4, 3, 2, 1, 1)))), 4, 3);
        Path file = write("dynamic.onnx", t.model(logits, -1, 3).toByteArray());
        Onnx.ModelProto model = OnnxModelFile.read(file);
        fails(file, () -> OnnxGraph.inspect(file, model, null, null), "leaves the image size dynamic",
                "--input-size");
        OnnxGraph graph = OnnxGraph.inspect(file, model, new int[] {20, 24}, null);
        assertEquals(List.of(1, 20, 24), List.of(graph.input().channels(), graph.input().height(),
                graph.input().width()));
        assertEquals(4L * 10 * 12 * 9 + 4 * 3, graph.totalMacs());
    }

    @Test
    void anExitThatIsNoTensorOrDoesNotCutIsRefused() {
        OnnxBackbone fixture = OnnxBackbone.load(OnnxFixture.MODEL);
        Path file = OnnxFixture.MODEL;
        fails(file, () -> fixture.withExitPoints(org.exitbench.model.ExitPoints.of("stage2")), "exit point 'stage2'",
                "is not a tensor computed by the graph", "/stages/stages.0/Relu_1_output_0");
        fails(file, () -> fixture.withExitPoints(org.exitbench.model.ExitPoints.of(
                "/stages/stages.1/conv1/Conv_output_0")), "does not cut the graph");
        fails(file, () -> fixture.withExitPoints(org.exitbench.model.ExitPoints.of(
                "/stages/stages.1/Relu_1_output_0", "/stages/stages.0/Relu_1_output_0")), "shallow to deep");
    }

    @Test
    void nhwcAndNchwConfusionIsNamed() throws IOException {
        // Channels-last dimensions fed straight to a convolution: the graph reads 32 channels of 32×1.
        TestGraphs t = new TestGraphs().input("input", -1, 32, 32, 1);
        String first = t.op("Relu", t.conv("input", 32, 4, 1, 1, 0, 1));
        String logits = t.gemm(t.op("Flatten", t.op("GlobalAveragePool", t.conv(first, 4, 4, 1, 1, 0, 1))), 4, 10);
        Onnx.ModelProto model = t.model(logits, -1, 10).toBuilder().addMetadataProps(Onnx.StringStringEntryProto
                .newBuilder().setKey(OnnxBackbone.CLASSES).setValue(String.join(",", classes()))).addMetadataProps(
                Onnx.StringStringEntryProto.newBuilder().setKey(OnnxBackbone.MEAN).setValue("0.5"))
                .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(OnnxBackbone.STD).setValue("0.5"))
                .build();
        Path file = write("confused.onnx", model.toByteArray());
        fails(file, () -> OnnxBackbone.load(file, new OnnxBackbone.Settings(null, null, null, null,
                OnnxGraph.Layout.NHWC, null)), "is said to take NHWC images", "as NCHW");
        OnnxBackbone backbone = OnnxBackbone.load(file);
        Dataset slice = SampleSlice.read(dir.resolve("slice"), new int[] {1, 1, 1});
        fails(file, () -> backbone.checkFits(slice), "the model takes 32×32×1 images", "looks NHWC");
    }

    @Test
    void anNhwcModelIsFedChannelsLast() throws IOException {
        TestGraphs t = new TestGraphs().input("input", -1, 8, 8, 3);
        String nchw = "to_nchw";
        Onnx.ModelProto base = t.model("unused", -1, 1);
        Onnx.GraphProto.Builder g = base.getGraph().toBuilder().clearOutput().addNode(Onnx.NodeProto.newBuilder()
                .setOpType("Transpose").setName(nchw).addInput("input").addOutput(nchw)
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("perm").addAllInts(List.of(0L, 3L, 1L, 2L))
                        .setType(Onnx.AttributeProto.AttributeType.INTS)));
        TestGraphs rest = new TestGraphs();
        String conv = rest.conv(nchw, 3, 4, 3, 1, 1, 1);
        String logits = rest.gemm(rest.op("Flatten", rest.op("GlobalAveragePool", rest.op("Relu", conv))), 4, 2);
        Onnx.GraphProto tail = rest.model(logits, -1, 2).getGraph();
        g.addAllNode(tail.getNodeList()).addAllInitializer(tail.getInitializerList()).addAllOutput(tail.getOutputList());
        Path file = write("nhwc.onnx", base.toBuilder().setGraph(g).build().toByteArray());
        OnnxGraph graph = OnnxGraph.inspect(file, OnnxModelFile.read(file), null, null);
        assertEquals(OnnxGraph.Layout.NHWC, graph.input().layout());
        assertEquals(List.of(3, 8, 8), List.of(graph.input().channels(), graph.input().height(),
                graph.input().width()));
        assertArrayEquals(new long[] {5, 8, 8, 3}, graph.input().shape(5));
    }

    @Test
    void externalDataIsReadOnlyFromTheModelsFolder() throws IOException {
        Onnx.ModelProto chain = OnnxGraphTest.chain();
        Onnx.TensorProto first = chain.getGraph().getInitializer(0);
        Files.write(dir.resolve("weights.bin"), first.getRawData().toByteArray());
        Path inside = write("inside.onnx", withExternal(chain, "weights.bin").toByteArray());
        Onnx.ModelProto read = OnnxModelFile.read(inside);
        assertEquals(first.getRawData(), read.getGraph().getInitializer(0).getRawData());
        assertEquals(Onnx.TensorProto.DataLocation.DEFAULT, read.getGraph().getInitializer(0).getDataLocation());

        Path sub = Files.createDirectories(dir.resolve("model"));
        Path outside = sub.resolve("outside.onnx");
        Files.write(outside, withExternal(chain, "../weights.bin").toByteArray());
        fails(outside, () -> OnnxModelFile.read(outside), "outside the model's folder");
        Path absolute = sub.resolve("absolute.onnx");
        Files.write(absolute, withExternal(chain, "/etc/passwd").toByteArray());
        fails(absolute, () -> OnnxModelFile.read(absolute), "outside the model's folder");
        Path missing = write("missing.onnx", withExternal(chain, "nowhere.bin").toByteArray());
        fails(missing, () -> OnnxModelFile.read(missing), "is missing");
    }

    private static Onnx.ModelProto withExternal(Onnx.ModelProto model, String location) {
        Onnx.TensorProto first = model.getGraph().getInitializer(0);
        Onnx.TensorProto external = first.toBuilder().clearRawData()
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length")
                        .setValue(Integer.toString(first.getRawData().size())))
                .build();
        return model.toBuilder().setGraph(model.getGraph().toBuilder().setInitializer(0, external)).build();
    }

    private static List<String> classes() {
        return List.of("ankle-boot", "bag", "coat", "dress", "pullover", "sandal", "shirt", "sneaker", "t-shirt-top",
                "trouser");
    }
}
