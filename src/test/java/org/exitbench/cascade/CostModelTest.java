package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void aSampleLeavingAtAnExitPaysForEveryBranchEvaluatedOnTheWay() {
        CostModel m = new CostModel(new long[] {100, 250, 400}, new long[] {5, 7, 11}, 1_000);
        assertEquals(100 + 5, m.costOfExit(0));
        assertEquals(250 + 5 + 7, m.costOfExit(1));
        assertEquals(400 + 5 + 7 + 11, m.costOfExit(2));
        assertEquals(1_000 + 23, m.costOfExit(3), "no exit fired: the full backbone and all branches");
        assertEquals(23, m.branchOverhead());
        assertEquals(3, m.exitCount());
    }

    @Test
    void isImmutable() {
        long[] toExit = {1, 2};
        CostModel m = new CostModel(toExit, new long[] {0, 0}, 3);
        toExit[0] = 2;
        m.backboneMacsToExit()[1] = 3;
        assertEquals(1, m.costOfExit(0));
        assertEquals(2, m.costOfExit(1));
        assertEquals(m, new CostModel(new long[] {1, 2}, new long[] {0, 0}, 3));
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertMessage("backboneMacsToExit[1] = 50 is less than backboneMacsToExit[0] = 100",
                () -> new CostModel(new long[] {100, 50}, new long[] {1, 1}, 200));
        assertMessage("branchMacs has 1 values, but backboneMacsToExit has 2",
                () -> new CostModel(new long[] {100, 150}, new long[] {1}, 200));
        assertMessage("branchMacs[0] is negative", () -> new CostModel(new long[] {100}, new long[] {-1}, 200));
        assertMessage("backboneMacsToExit[0] = 300 exceeds fullBackboneMacs = 200",
                () -> new CostModel(new long[] {300}, new long[] {1}, 200));
        assertMessage("fullBackboneMacs must be positive", () -> new CostModel(new long[] {0}, new long[] {1}, 0));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
