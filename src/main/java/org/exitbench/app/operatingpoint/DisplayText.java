package org.exitbench.app.operatingpoint;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.util.StringConverter;
import org.exitbench.data.Split;

/**
 * How the panes write numbers and names, so that the same quantity reads the same everywhere: percentages with
 * one decimal, accuracy changes in percentage points with a true minus sign, MACs in millions.
 */
public final class DisplayText {

    /** What a value shows when it is undefined (NaN: nothing to divide by). */
    public static final String UNDEFINED = "—";

    private DisplayText() {
    }

    /** @return {@code 0.8731} as "87.3 %"; NaN as "—" */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? UNDEFINED : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    /** @return {@code 0.8731} as "87 %"; NaN as "—" */
    public static String wholePercent(double fraction) {
        return Double.isNaN(fraction) ? UNDEFINED : String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
    }

    /** @return a change of {@code -0.0123} as "−1.2 pts", {@code 0.004} as "+0.4 pts"; NaN as "—" */
    public static String points(double change) {
        if (Double.isNaN(change)) {
            return UNDEFINED;
        }
        String magnitude = String.format(Locale.ROOT, "%.1f pts", Math.abs(100 * change));
        if (magnitude.startsWith("0.0")) {
            return "±" + magnitude;
        }
        return (change < 0 ? "\u2212" : "+") + magnitude;
    }

    /** @return {@code 290_100_000} MACs as "290.1 M MACs" */
    public static String macs(double macs) {
        return String.format(Locale.ROOT, "%.1f M MACs", macs / 1e6);
    }

    /** @return a CPM margin with two decimals, or three when it needs them: "0.20", "0.035" */
    public static String margin(double m) {
        String three = String.format(Locale.ROOT, "%.3f", m);
        return three.endsWith("0") ? three.substring(0, three.length() - 1) : three;
    }

    /** @return a count with thousands separators: "2,500" */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** @return a threshold as the sliders show it: "0.873", "never" for +∞, "always" for −∞ */
    public static String threshold(double tau) {
        if (tau == Double.POSITIVE_INFINITY) {
            return "never";
        }
        if (tau == Double.NEGATIVE_INFINITY) {
            return "always";
        }
        return String.format(Locale.ROOT, "%.3f", tau);
    }

    /** @return a probability or score as "0.87" */
    public static String probability(double p) {
        return Double.isNaN(p) ? UNDEFINED : String.format(Locale.ROOT, "%.2f", p);
    }

    /** @return the name a user reads for a split: "train", "validation", "test" */
    public static String splitName(Split split) {
        return switch (split) {
            case TRAIN -> "train";
            case VALID -> "validation";
            case TEST -> "test";
        };
    }

    /** @return "exit 1" … for branches (0-based index), "backbone head" for index {@code exitCount} */
    public static String exitName(int exit, int exitCount) {
        return exit == exitCount ? "backbone head" : "exit " + (exit + 1);
    }

    /** @return {@link #exitName} with a capital letter, for the start of a line or a tab */
    public static String exitTitle(int exit, int exitCount) {
        return exit == exitCount ? "Backbone head" : "Exit " + (exit + 1);
    }

    /**
     * @param text how a choice is named
     * @param <T>  the choices' type
     * @return a converter for choice boxes: names choices by {@code text} (nothing for none); choices are picked,
     *         never typed
     */
    public static <T> StringConverter<T> choiceNames(Function<T, String> text) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return value == null ? "" : text.apply(value);
            }

            @Override
            public T fromString(String string) {
                throw new UnsupportedOperationException("choices are picked, not typed");
            }
        };
    }

    /**
     * @param format   a {@link String#format} pattern for one number ("%.1f")
     * @param fallback the value to keep when the text typed is not a number
     * @return a converter for number fields: shown with {@code format}, read with '.' or ',' as decimal point
     */
    public static StringConverter<Double> decimal(String format, Supplier<Double> fallback) {
        return new StringConverter<>() {
            @Override
            public String toString(Double value) {
                return value == null ? "" : String.format(Locale.ROOT, format, value);
            }

            @Override
            public Double fromString(String text) {
                try {
                    return Double.valueOf(text.strip().replace(',', '.'));
                } catch (NumberFormatException e) {
                    return fallback.get();
                }
            }
        };
    }
}
