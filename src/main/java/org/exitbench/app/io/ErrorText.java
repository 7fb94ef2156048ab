package org.exitbench.app.io;

/** Turns an exception into the sentence a user reads: its message, never a stack trace. */
public final class ErrorText {

    private ErrorText() {
    }

    /**
     * @param failure what went wrong
     * @return its message as a sentence (ending with a full stop), or its kind when it has no message; an
     *         {@link java.io.UncheckedIOException}'s own message, which names the file, is kept as it is
     */
    public static String of(Throwable failure) {
        String text = failure.getMessage();
        if (text == null || text.isBlank()) {
            Throwable cause = failure.getCause();
            text = cause != null && cause.getMessage() != null && !cause.getMessage().isBlank() ? cause.getMessage()
                    : failure.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(
                            java.util.Locale.ROOT);
        }
        String trimmed = text.strip();
        if (!trimmed.isEmpty()) {
            trimmed = Character.toUpperCase(trimmed.charAt(0)) + trimmed.substring(1);
        }
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }
}
