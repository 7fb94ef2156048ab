package org.exitbench.app.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.collections.FXCollections;
import javafx.scene.control.SpinnerValueFactory;
import org.exitbench.app.operatingpoint.DisplayText;
import org.junit.jupiter.api.Test;

/** How wide a spinner's editor is made, without the toolkit: from the longest value its factory can show. */
class SpinnerWidthTest {

    @Test
    void theLongestValueIsTheLowestOrHighestAsTheConverterWritesIt() {
        SpinnerValueFactory.DoubleSpinnerValueFactory rate = new SpinnerValueFactory.DoubleSpinnerValueFactory(
                1e-5, 1, 0.01, 0.001);
        rate.setConverter(DisplayText.decimal("%.4f", rate::getValue));
        assertEquals("1.0000", SpinnerWidth.longestValue(rate), "the learning rate's four decimals");
        SpinnerValueFactory.DoubleSpinnerValueFactory margin = new SpinnerValueFactory.DoubleSpinnerValueFactory(
                -1, 1, 0, 0.01);
        margin.setConverter(DisplayText.decimal("%.3f", margin::getValue));
        assertEquals("-1.000", SpinnerWidth.longestValue(margin), "the minus sign counts");
        assertEquals("10000", SpinnerWidth.longestValue(
                new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 10_000, 30)));
        assertNull(SpinnerWidth.longestValue(new SpinnerValueFactory.ListSpinnerValueFactory<>(
                FXCollections.observableList(List.of("a", "b")))), "another kind of factory is left alone");
    }

    @Test
    void anEditorHasAColumnForEveryDigitItShowsOneForTheCaretAndTwoForTheArrows() {
        // A column is as wide as a "W" (1 em): a digit takes about 0.64 of one, so 0.7 a character with one to spare;
        // the arrow buttons, 2 em, are drawn over the editor's width.
        assertEquals(8, SpinnerWidth.columns("0.0100"));
        assertEquals(4, SpinnerWidth.columns("1"));
        for (int length = 1; length <= 12; length++) {
            int columns = SpinnerWidth.columns("9".repeat(length));
            assertTrue(columns * 1.0 >= 0.64 * length + 1 + 2, length + " digits get " + columns + " columns");
        }
    }
}
