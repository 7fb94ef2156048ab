package org.exitbench.app.theme;

import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;

/**
 * Spinners as wide as the longest value they can show, at every text size and in every font. A width in pixels
 * fitted the test's font but cut the learning rate to "0.010(" in a real one at projector-sized text; a width in
 * text columns grows with the font, whichever it is.
 */
public final class SpinnerWidth {

    /**
     * A text field's column is as wide as a "W"; digits and the decimal point are narrower (about 0.64 and 0.32 of
     * it in DejaVu Sans, the widest of the fonts seen), so 0.7 column a character is enough, and one column more
     * leaves the caret room.
     */
    private static final double COLUMNS_PER_CHARACTER = 0.7;
    /**
     * JavaFX 21's spinner is as wide as its editor's preferred width and draws its arrow buttons inside it, so the
     * arrows' 2 em (34 px at 17 px text, measured) come out of the editor: at 2 columns "3" had no room at all.
     */
    private static final int ARROW_COLUMNS = 2;

    private SpinnerWidth() {
    }

    /**
     * Sizes {@code spinner}'s editor for the longest of its factory's lowest and highest values as its converter
     * writes them (an integer or decimal factory; otherwise it is left as it is), and keeps the spinner from being
     * squeezed below that.
     *
     * @param spinner the spinner
     */
    public static void fitToValues(Spinner<?> spinner) {
        String longest = longestValue(spinner.getValueFactory());
        if (longest != null) {
            fitTo(spinner, longest);
        }
    }

    /**
     * Sizes {@code spinner}'s editor for {@code longest} and keeps the spinner from being squeezed below that.
     *
     * @param spinner the spinner
     * @param longest the longest text it shows
     */
    public static void fitTo(Spinner<?> spinner, String longest) {
        // Set, not styled: the spinner's own width would otherwise be fixed and cut the editor again.
        spinner.setPrefWidth(Region.USE_COMPUTED_SIZE);
        spinner.getEditor().setPrefColumnCount(columns(longest));
        spinner.setMinWidth(Region.USE_PREF_SIZE);
    }

    /** @return the text columns an editor needs to show {@code text} whole, with room for the caret and arrows */
    static int columns(String text) {
        return (int) Math.ceil(text.length() * COLUMNS_PER_CHARACTER) + 1 + ARROW_COLUMNS;
    }

    /** @return the longer of the factory's lowest and highest values as shown, or null for another kind */
    static String longestValue(SpinnerValueFactory<?> factory) {
        if (factory instanceof SpinnerValueFactory.IntegerSpinnerValueFactory ints) {
            return longer(ints.getConverter(), ints.getMin(), ints.getMax());
        }
        if (factory instanceof SpinnerValueFactory.DoubleSpinnerValueFactory doubles) {
            return longer(doubles.getConverter(), doubles.getMin(), doubles.getMax());
        }
        return null;
    }

    private static <T> String longer(StringConverter<T> converter, T min, T max) {
        String low = converter.toString(min);
        String high = converter.toString(max);
        return high.length() >= low.length() ? high : low;
    }
}
