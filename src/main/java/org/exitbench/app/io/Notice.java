package org.exitbench.app.io;

import java.util.Objects;

/**
 * A short message for the user that needs no answer, shown as a notification: what was done ("Saved …"), or what
 * went wrong and why (one or two sentences, never a stack trace).
 *
 * @param title a few words
 * @param text  the message
 * @param error whether it reports a failure
 */
public record Notice(String title, String text, boolean error) {

    public Notice {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
    }

    /** @return an informational notice */
    public static Notice info(String title, String text) {
        return new Notice(title, text, false);
    }

    /** @return a notice of a failure */
    public static Notice error(String title, String text) {
        return new Notice(title, text, true);
    }
}
