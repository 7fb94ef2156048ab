package org.exitbench.data;

/**
 * The largest image Exitbench decodes, in pixels. Image files are compressed, so a 1 MB PNG can declare
 * 20000 × 20000 pixels and decode to 1.6 GB: decoders check the size in the header against this budget before
 * decoding, and refuse with a message naming the file and its size instead of running out of memory.
 *
 * <p>50 megapixels by default (a 7000 × 7000 photograph passes); a user with bigger images sets the system property
 * {@value #PROPERTY}.
 */
public final class ImagePixelBudget {

    /** The system property that overrides the default. */
    public static final String PROPERTY = "exitbench.limits.maxImagePixels";
    /** The default budget. */
    public static final long DEFAULT = 50_000_000L;

    private ImagePixelBudget() {
    }

    /**
     * @return the budget in force
     * @throws IllegalArgumentException naming the property when it is set to something that is not a positive
     *                                  whole number
     */
    public static long current() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the property's name.
        }
        throw new IllegalArgumentException("the system property " + PROPERTY + " must be a positive whole number, "
                + "not '" + value + "'");
    }
}
