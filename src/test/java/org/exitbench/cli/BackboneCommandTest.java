package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.train.BackboneTrainingListener;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.SampleSlice;
import org.exitbench.train.TrainingCheckpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code exitbench backbone train|info} on a slice of the bundled sample, through picocli as a user runs them. */
@Tag("slow")
class BackboneCommandTest {

    @TempDir
    Path dir;

    private Path slice;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void copySlice() {
        slice = SampleSlice.copy(dir.resolve("slice"), new int[] {10, 3, 3});
    }

    private int run(CancellationToken cancel, BackboneTrainingListener observer, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == BackboneTrainCommand.class) {
                    return type.cast(new BackboneTrainCommand(cancel, observer));
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        CommandLine cli = new CommandLine(new ExitbenchCli(), factory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private int run(String... args) {
        return run(new CancellationToken(), BackboneTrainingListener.NONE, args);
    }

    /**
     * A quick training command; {@code more} adds options or, for an option already there, replaces its value
     * (picocli refuses an option given twice).
     */
    private String[] trainArgs(Path model, String... more) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--data", slice.toString());
        options.put("--arch", "small");
        options.put("--widths", "4,8");
        options.put("--blocks", "1,1");
        options.put("--epochs", "2");
        options.put("--batch", "25");
        options.put("--optimizer", "adam");
        options.put("--lr", "0.01");
        options.put("--out", model.toString());
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < more.length; i++) {
            if (i + 1 < more.length && !more[i + 1].startsWith("--")) {
                options.put(more[i], more[++i]);
            } else {
                flags.add(more[i]);
            }
        }
        List<String> args = new ArrayList<>(List.of("backbone", "train"));
        options.forEach((option, value) -> {
            args.add(option);
            args.add(value);
        });
        args.addAll(flags);
        return args.toArray(String[]::new);
    }

    @Test
    void trainsSavesAndDescribesABackbone() {
        Path model = dir.resolve("model.zip");
        assertEquals(0, run(trainArgs(model)), err.toString());

        assertTrue(out.toString().contains("Accuracy: train "), out.toString());
        assertTrue(out.toString().contains("Saved " + model), out.toString());
        assertTrue(err.toString().contains("epoch 1/2") && err.toString().contains("val acc"), err.toString());
        assertTrue(err.toString().contains("img/s") && err.toString().contains("ETA"), err.toString());
        TrainedBackbone saved = BackboneFile.load(model, false);
        assertEquals("Small ResNet 4/8 × 1/1, 1×32×32, 10 classes", saved.spec().describe());
        assertTrue(saved.provenance().containsKey("testAccuracy"), saved.provenance().toString());
        assertTrue(Files.isRegularFile(dir.resolve("model-checkpoints").resolve(TrainingCheckpoint.STATE_FILE)));

        out.getBuffer().setLength(0);
        assertEquals(0, run("backbone", "info", model.toString()), err.toString());
        String info = out.toString();
        assertTrue(info.contains("Small ResNet 4/8 × 1/1"), info);
        assertTrue(info.contains("ankle-boot, bag, coat"), info);
        assertTrue(info.contains("exit stage1") && info.contains("exit final"), info);
        assertTrue(info.contains("(verified)") && info.contains("optimizer") && info.contains("ADAM"), info);
    }

    @Test
    void refusesToReplaceAnExistingModelWithoutForce() throws IOException {
        Path model = Files.writeString(dir.resolve("model.zip"), "an earlier result");
        assertEquals(1, run(trainArgs(model)));
        assertTrue(err.toString().contains("already exists") && err.toString().contains("--force"), err.toString());
        assertEquals("an earlier result", Files.readString(model));
        assertFalse(Files.exists(dir.resolve("model-checkpoints")), "nothing may be trained before the check");
    }

    @Test
    void aCancelledRunKeepsItsCheckpointAndResumes() {
        Path model = dir.resolve("model.zip");
        CancellationToken cancel = new CancellationToken();
        BackboneTrainingListener cancelAfterEpochOne = e -> {
            if (e.kind() == BackboneTrainingProgress.Kind.EPOCH_END && e.epoch() == 1) {
                cancel.cancel();
            }
        };
        assertEquals(BackboneTrainCommand.CANCELLED, run(cancel, cancelAfterEpochOne, trainArgs(model)));
        assertTrue(err.toString().contains("after epoch 1 of 2 is kept in") && err.toString().contains("--resume"),
                err.toString());
        assertFalse(Files.exists(model));

        err.getBuffer().setLength(0);
        assertEquals(0, run(trainArgs(model, "--resume", "--epochs", "5")), err.toString());
        assertTrue(err.toString().contains("ignoring --arch, --widths, --blocks, --epochs"), err.toString());
        assertTrue(err.toString().contains("epoch 2/2") && !err.toString().contains("epoch 1/2"), err.toString());
        assertEquals("2", BackboneFile.load(model, false).provenance().get("epochsRun"));
    }

    @Test
    void startingOverAnEarlierCheckpointNeedsResume() {
        assertEquals(0, run(trainArgs(dir.resolve("first.zip"), "--epochs", "1", "--checkpoint-dir",
                dir.resolve("ckpt").toString())));
        err.getBuffer().setLength(0);
        assertEquals(1, run(trainArgs(dir.resolve("second.zip"), "--checkpoint-dir", dir.resolve("ckpt").toString())));
        assertTrue(err.toString().contains("add --resume"), err.toString());
    }

    @Test
    void badSettingsNameTheOption() {
        assertEquals(2, run(trainArgs(dir.resolve("m.zip"), "--lr", "-1")));
        assertTrue(err.toString().contains("learningRate (--lr) must be a positive number"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("backbone", "train", "--data", slice.toString(), "--arch", "resnet18", "--widths", "8",
                "--out", dir.resolve("m.zip").toString()));
        assertTrue(err.toString().contains("--widths and --blocks apply to --arch small only"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run(trainArgs(dir.resolve("m.zip"), "--resume")));
        assertTrue(err.toString().contains("no checkpoint to resume"), err.toString());
    }

    @Test
    void infoReportsAFileThatIsNotABackbone() throws IOException {
        Path bogus = Files.writeString(dir.resolve("bogus.zip"), "not a zip");
        assertEquals(1, run("backbone", "info", bogus.toString()));
        assertTrue(err.toString().contains("bogus.zip"), err.toString());
    }
}
