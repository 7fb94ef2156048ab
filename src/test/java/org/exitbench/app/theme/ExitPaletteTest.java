package org.exitbench.app.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each exit has one colour of its own, distinct from the others and from the backbone's grey. */
class ExitPaletteTest {

    @Test
    void everyExitHasADistinctColourAndTheBackboneIsNeutralGrey() {
        Set<String> colours = new HashSet<>();
        for (int exit = 1; exit <= ExitPalette.exitCount(); exit++) {
            colours.add(ExitPalette.exitHex(exit));
        }
        colours.add(ExitPalette.backboneHex());
        assertEquals(ExitPalette.exitCount() + 1, colours.size());
        assertEquals(4, ExitPalette.exitCount());
        assertEquals(0.0, ExitPalette.backboneColor().getSaturation(), 1e-9);
        assertNotEquals(ExitPalette.wrongHex(), ExitPalette.exitHex(1));
    }

    @Test
    void exitsAreNumberedFromOne() {
        assertEquals("#0072B2", ExitPalette.exitHex(1));
        assertThrows(IllegalArgumentException.class, () -> ExitPalette.exitHex(0));
        assertThrows(IllegalArgumentException.class, () -> ExitPalette.exitHex(5));
    }

    @Test
    void stylesheetsSeeTheSameColoursAsLookedUpColours() {
        String css = ExitPalette.lookedUpColors();
        for (int exit = 1; exit <= ExitPalette.exitCount(); exit++) {
            assertEquals(1, css.split("-exit-" + exit + ": " + ExitPalette.exitHex(exit) + ";", -1).length - 1);
        }
        assertEquals(1, css.split("-backbone: " + ExitPalette.backboneHex() + ";", -1).length - 1);
    }

    @Test
    void exitIndicesCountFromZeroAndTheLastIsTheBackboneHead() {
        assertEquals(ExitPalette.exitHex(1), ExitPalette.hexOfIndex(0, 3));
        assertEquals(ExitPalette.exitHex(3), ExitPalette.hexOfIndex(2, 3));
        assertEquals(ExitPalette.backboneHex(), ExitPalette.hexOfIndex(3, 3));
        assertEquals(ExitPalette.backboneHex(), ExitPalette.hexOfIndex(1, 1));
        assertEquals(ExitPalette.exitHex(1), ExitPalette.hexOfIndex(4, 6), "beyond four exits the colours repeat");
        assertThrows(IllegalArgumentException.class, () -> ExitPalette.hexOfIndex(4, 3));
    }
}
