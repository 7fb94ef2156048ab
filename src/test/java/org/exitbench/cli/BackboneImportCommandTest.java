package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitbench.model.onnx.OnnxBackbone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exitbench backbone import} on the committed ONNX fixture and on bad input. */
class BackboneImportCommandTest {

    private static final String SAMPLE = "sample-data/fashion-mnist";
    private static final String MODEL = SAMPLE + "/onnx/small-resnet.onnx";

    @TempDir
    Path dir;

    @Test
    void importListsTheCandidatesChecksTheDataAndWritesASelfDescribingModel() {
        Path out = dir.resolve("mine.onnx");
        CommandLineRun run = CommandLineRun.of("backbone", "import", MODEL, "--data", SAMPLE, "--exits",
                "/stages/stages.0/Relu_1_output_0,/stages/stages.2/Relu_1_output_0", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Input:       input [N, 1, 32, 32] NCHW, 1 channel, 32×32"), run.out());
        assertTrue(run.out().contains("15,877,376 per image"), run.out());
        assertTrue(run.out().contains("[x] /stages/stages.0/Relu_1_output_0"), run.out());
        assertTrue(run.out().contains("[ ] /stages/stages.1/Relu_1_output_0"), run.out());
        assertTrue(run.out().contains("Fits the dataset"), run.out());
        OnnxBackbone saved = OnnxBackbone.load(out);
        assertEquals(List.of("/stages/stages.0/Relu_1_output_0", "/stages/stages.2/Relu_1_output_0"),
                saved.exitPoints().vertices());
        assertEquals(OnnxBackbone.load(Path.of(MODEL)).fingerprint(), saved.fingerprint(),
                "the metadata written does not change what the backbone computes");
        CommandLineRun info = CommandLineRun.of("backbone", "info", out.toString());
        assertEquals(0, info.exitCode(), info.err());
        assertTrue(info.out().contains("Backbone:      ONNX mine.onnx, input input [N, 1, 32, 32] NCHW"), info.out());
        assertTrue(info.out().contains("exit final"), info.out());
    }

    @Test
    void aBadModelOrAMismatchIsOneClearErrorNamingTheFile() throws IOException {
        Path notOnnx = Files.writeString(dir.resolve("notes.onnx"), "hello\n".repeat(50));
        CommandLineRun run = CommandLineRun.of("backbone", "import", notOnnx.toString(), "--data", SAMPLE);
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(notOnnx + ": is not an ONNX model"), run.err());

        CommandLineRun classes = CommandLineRun.of("backbone", "import", MODEL, "--data", SAMPLE, "--classes",
                "a,b,c");
        assertEquals(1, classes.exitCode());
        assertTrue(classes.err().contains(MODEL + ": gives 10 logits, but 3 class names"), classes.err());

        CommandLineRun exit = CommandLineRun.of("backbone", "import", MODEL, "--data", SAMPLE, "--exits",
                "/stages/stages.1/conv1/Conv_output_0");
        assertEquals(1, exit.exitCode());
        assertTrue(exit.err().contains("does not cut the graph"), exit.err());
    }
}
