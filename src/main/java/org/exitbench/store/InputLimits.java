package org.exitbench.store;

/**
 * How much a file may make Exitbench read, decode or compute before it is refused. Every reader of user files
 * checks its input against these numbers before allocating anything in proportion to what the file declares, so a
 * small hostile or damaged file (a zip bomb, an image header claiming 20000 × 20000 pixels, a sweep grid of 10⁸
 * trials) ends with a message naming the file instead of an OutOfMemoryError or a hang. (Images have their own
 * budget in the {@code data} package, {@code ImagePixelBudget}, read from {@code exitbench.limits.maxImagePixels}.)
 *
 * <p>The defaults cover every real input the workbench is made for with a wide margin (ResNet-18 is 45 MB of
 * parameters; CINIC-10 images are 32 × 32); each can be raised with a system property, e.g.
 * {@code -Dexitbench.limits.maxEntryBytes=4000000000}, where a user really has bigger inputs.
 *
 * @param maxEntryBytes  largest uncompressed zip entry read (model coefficients included), in bytes
 * @param maxJsonBytes   largest JSON document read (manifests, configurations, settings), in bytes
 * @param maxSweepTrials largest number of trials a sweep definition may expand to
 */
public record InputLimits(long maxEntryBytes, long maxJsonBytes, long maxSweepTrials) {

    /** The system property prefix that overrides a default, e.g. {@code exitbench.limits.maxEntryBytes}. */
    public static final String PROPERTY_PREFIX = "exitbench.limits.";

    /** 1 GiB: ten times ResNet-18's coefficients, far below what a zip bomb expands to. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 30;
    /** 64 MiB: the largest manifest or configuration seen is below 1 MB. */
    public static final long DEFAULT_MAX_JSON_BYTES = 64L << 20;
    /** 10,000 trials: the paper's grids have a few hundred. */
    public static final long DEFAULT_MAX_SWEEP_TRIALS = 10_000L;

    public InputLimits {
        if (maxEntryBytes <= 0 || maxJsonBytes <= 0 || maxSweepTrials <= 0) {
            throw new IllegalArgumentException("every input limit must be positive");
        }
    }

    /** @return the built-in limits, without system-property overrides */
    public static InputLimits builtIn() {
        return new InputLimits(DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_SWEEP_TRIALS);
    }

    /**
     * @return the limits in force: the built-in ones, each replaced by its system property where one is set
     * @throws IllegalArgumentException naming the property when one is set to something that is not a positive
     *                                  whole number
     */
    public static InputLimits current() {
        return new InputLimits(property("maxEntryBytes", DEFAULT_MAX_ENTRY_BYTES),
                property("maxJsonBytes", DEFAULT_MAX_JSON_BYTES),
                property("maxSweepTrials", DEFAULT_MAX_SWEEP_TRIALS));
    }

    private static long property(String name, long fallback) {
        String value = System.getProperty(PROPERTY_PREFIX + name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the property's name.
        }
        throw new IllegalArgumentException("the system property " + PROPERTY_PREFIX + name + " must be a positive "
                + "whole number, not '" + value + "'");
    }
}
