package org.exitbench.cascade.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionFileTest {

    @Test
    void aRuleAndItsThresholdsReadBackAndMismatchesAreNamed(@TempDir Path dir) throws Exception {
        Thresholds thresholds = Thresholds.of(ExitRule.DERIVED, new double[][] {{0.5, 0.6}, {0.7,
            Double.POSITIVE_INFINITY}});
        DecisionFile file = new DecisionFile(new AgreementRule(new TemperatureRule(new double[] {1.2, 0.8})),
                thresholds, "test");
        Path path = dir.resolve("d.json");
        file.write(path);
        assertEquals(file, DecisionFile.read(path));

        assertThrows(IllegalArgumentException.class, () -> new DecisionFile(MaxSoftmaxRule.INSTANCE, thresholds, ""));
        Files.writeString(path, file.toJson().replace("\"temperatures\"", "\"temperature\""));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> DecisionFile.read(path));
        assertTrue(unknown.getMessage().startsWith(path + ": rule.base.temperature: unknown field"),
                unknown.getMessage());
        Files.writeString(path, file.toJson().replace("[ 1.2, 0.8 ]", "[ 1.2 ]"));
        IllegalArgumentException exits = assertThrows(IllegalArgumentException.class, () -> DecisionFile.read(path));
        assertTrue(exits.getMessage().contains("the rule has 1 exits, the thresholds 2"), exits.getMessage());
        Files.writeString(path, file.toJson().replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> DecisionFile.read(path));
        assertTrue(version.getMessage().contains("'formatVersion' is 7"), version.getMessage());
    }
}
