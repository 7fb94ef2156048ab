package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdsTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    private static Thresholds sample() {
        return Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {
            {0.1f, INF, -INF},
            {0.9523456789012345, 0.5, 1.0},
        });
    }

    @Test
    void withMethodsReturnCopiesAndLeaveTheOriginal() {
        Thresholds t = sample();
        Thresholds changed = t.withThreshold(1, 2, 0.25);
        assertEquals(1.0, t.get(1, 2));
        assertEquals(0.25, changed.get(1, 2));
        Thresholds row = t.withRow(0, new double[] {1, 2, 3});
        assertArrayEquals(new double[] {1, 2, 3}, row.row(0));
        assertArrayEquals(t.row(1), row.row(1));
        assertEquals(ExitRule.ENTROPY, t.withRule(ExitRule.ENTROPY).rule());
        t.row(0)[0] = 42;
        assertEquals((double) 0.1f, t.get(0, 0));
        assertTrue(t.admits(0, 0, 0.1f));
        assertFalse(t.admits(0, 1, 1.0));
        assertTrue(t.admits(0, 2, 0.0));
    }

    @Test
    void nanIsRefusedEverywhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sample().withThreshold(1, 0, Double.NaN));
        assertTrue(e.getMessage().startsWith("thresholds[1][0] is NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {{0.5, Double.NaN}}));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {{0.5, 0.5}, {0.5}}));
        assertTrue(ragged.getMessage().startsWith("thresholds[1] has 1 values, expected 2"), ragged.getMessage());
    }

    @Test
    void jsonRoundTripKeepsEveryValueExactlyAndWritesInfinitiesReadably() {
        Thresholds t = sample().withRule(ExitRule.ENTROPY);
        String json = t.toJson();
        assertTrue(json.contains("\"Infinity\""), json);
        assertTrue(json.contains("\"-Infinity\""), json);
        assertTrue(json.contains("\"rule\" : \"ENTROPY\""), json);
        Thresholds back = Thresholds.fromJson(json, "t.json");
        assertEquals(t, back);
        assertEquals(0.9523456789012345, back.get(1, 0), 0.0);
        assertEquals((double) 0.1f, back.get(0, 0), 0.0, "a float widened to double survives exactly");
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("thresholds.json");
        Files.writeString(file, sample().toJson());
        assertEquals(sample(), Thresholds.read(file));

        Files.writeString(file, "{ \"format\": ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Thresholds.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not valid JSON"), e.getMessage());
    }

    @Test
    void shapeAndTypeErrorsNameTheField() {
        String good = sample().toJson();
        assertError(good.replace("\"exits\" : 2", "\"exits\" : 3"),
                "t.json: field 'thresholds' has 2 rows, but 'exits' is 3");
        assertError(good.replace("\"classes\" : 3", "\"classes\" : 4"),
                "t.json: field 'thresholds[0]' has 3 values, but 'classes' is 4");
        assertError(good.replace("\"-Infinity\"", "\"minus infinity\""),
                "t.json: field 'thresholds[0][2]' is \"minus infinity\"; expected a number");
        assertError(good.replace("0.5", "null"), "t.json: field 'thresholds[1][1]' is null");
        assertError(good.replace("\"MAX_SOFTMAX\"", "\"LOGIT\""), "t.json: field 'rule' is \"LOGIT\"");
        assertError(good.replace("\"rule\"", "\"rules\""), "t.json: field 'rule' is missing");
        assertError(good.replace("\"version\" : 1", "\"version\" : 2"), "t.json: field 'version' is 2");
        assertError(good.replace("exitbench-thresholds", "something-else"), "t.json: field 'format'");
        assertError(good.replace("\"exits\" : 2", "\"exits\" : \"two\""), "t.json: field 'exits' is missing or not");
        assertError("[1, 2]", "t.json: expected a JSON object");
    }

    private static void assertError(String json, String expectedStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Thresholds.fromJson(json, "t.json"));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
