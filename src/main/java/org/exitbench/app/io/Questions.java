package org.exitbench.app.io;

/**
 * The questions view-models ask before something would be lost, and the errors they must show as a dialog. The app
 * shows dialogs ({@link AlertQuestions}); tests answer directly.
 */
public interface Questions {

    /** What to do with unsaved changes. */
    enum UnsavedChoice {
        /** Save them, then go on. */
        SAVE,
        /** Drop them and go on. */
        DISCARD,
        /** Stay where we are. */
        CANCEL
    }

    /**
     * @param what what is unsaved, as a sentence ("The thresholds of run … were changed and not saved.")
     * @param next what happens next ("open another workspace")
     * @return what the user chose
     */
    UnsavedChoice unsavedChanges(String what, String next);

    /**
     * @param title    the question in a few words ("Delete run 20261125-115238?")
     * @param details  what it means, as sentences
     * @param action   the label of the button that does it ("Delete")
     * @return whether the user confirmed
     */
    boolean confirm(String title, String details, String action);

    /**
     * Shows an error the user must acknowledge.
     *
     * @param title   what failed, in a few words
     * @param message why, as sentences (never a stack trace)
     */
    void error(String title, String message);
}
