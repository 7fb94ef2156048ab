package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.data.Augmentation;
import org.exitbench.model.BackboneSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint state file: what it keeps, and how a damaged one is reported. */
class TrainingCheckpointTest {

    @TempDir
    Path dir;

    private static TrainingCheckpoint beforeFirstEpoch() {
        BackboneTrainingConfig config = BackboneTrainingConfig.builder(3).augmentation(new Augmentation(2, true))
                .build();
        return new TrainingCheckpoint(BackboneSpec.smallResNet(List.of(8, 16), List.of(1, 2), 3, 32, 32, 2), config,
                new TrainingCheckpoint.DataSignature(List.of("cat", "dog"), 3, 32, 32, 100, 20),
                new double[] {0.1, 0.2, 0.3}, new double[] {0.4, 0.5, 0.6}, 0, "epoch-0000.zip", 0, Double.NaN,
                null, 0, false, false, List.of(), Map.of("dataset", "pets", "seed", "42"));
    }

    @Test
    void roundTripsEveryFieldIncludingNaN() throws IOException {
        TrainingCheckpoint state = beforeFirstEpoch();
        Files.writeString(dir.resolve("epoch-0000.zip"), "model");
        state.write(dir);

        TrainingCheckpoint read = TrainingCheckpoint.read(dir).orElseThrow();
        assertEquals(state.config(), read.config());
        assertEquals(state.data(), read.data());
        assertEquals(state.stats(), read.stats());
        assertTrue(Double.isNaN(read.bestValidationAccuracy()));
        assertEquals(List.copyOf(state.provenance().keySet()), List.copyOf(read.provenance().keySet()));
        assertEquals(state.provenance(), read.provenance());
        assertEquals(state.spec(), read.spec());
        assertEquals(state.lastModelFile(), read.lastModelFile());

        EpochRecord epoch = new EpochRecord(1, 0.05, 1.25, Double.NaN, 0.5, 3.5);
        TrainingCheckpoint later = new TrainingCheckpoint(state.spec(), state.config(), state.data(), state.statsMean(),
                state.statsStd(), 1, "epoch-0000.zip", 1, 0.5, "epoch-0000.zip", 0, true, false, List.of(epoch),
                Map.of());
        later.write(dir);
        TrainingCheckpoint readLater = TrainingCheckpoint.read(dir).orElseThrow();
        assertEquals(List.of(epoch), readLater.history());
        assertArrayEquals(state.statsStd(), readLater.statsStd());
        assertTrue(readLater.finished());
    }

    @Test
    void aDirectoryWithoutStateHasNoCheckpoint() {
        assertTrue(TrainingCheckpoint.read(dir).isEmpty());
        assertTrue(TrainingCheckpoint.read(dir.resolve("missing")).isEmpty());
    }

    @Test
    void aDamagedStateFileIsReportedByName() throws IOException {
        Files.writeString(dir.resolve(TrainingCheckpoint.STATE_FILE), "{\"format\": \"exitbench.training-che");
        TrainingCheckpointException e = assertThrows(TrainingCheckpointException.class,
                () -> TrainingCheckpoint.read(dir));
        assertTrue(e.getMessage().contains(TrainingCheckpoint.STATE_FILE), e.getMessage());
    }

    @Test
    void aMissingModelFileIsReportedByName() {
        beforeFirstEpoch().write(dir);
        TrainingCheckpointException e = assertThrows(TrainingCheckpointException.class,
                () -> TrainingCheckpoint.read(dir));
        assertTrue(e.getMessage().contains("epoch-0000.zip") && e.getMessage().contains("missing"), e.getMessage());
    }
}
