package org.exitbench.app.workspace;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.app.io.Questions;

/** Questions answered as a test decides, each question and error recorded. */
public final class ScriptedQuestions implements Questions {

    private final List<String> asked = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private UnsavedChoice unsavedAnswer = UnsavedChoice.CANCEL;
    private boolean confirmAnswer;

    /** Answers every unsaved-changes question with {@code answer} from now on. */
    public void onUnsaved(UnsavedChoice answer) {
        unsavedAnswer = answer;
    }

    /** Answers every confirmation with {@code answer} from now on. */
    public void onConfirm(boolean answer) {
        confirmAnswer = answer;
    }

    /** @return every question asked, as "unsaved: …" or "confirm: …" */
    public List<String> asked() {
        return asked;
    }

    /** @return every error shown, as "title: message" */
    public List<String> errors() {
        return errors;
    }

    @Override
    public UnsavedChoice unsavedChanges(String what, String next) {
        asked.add("unsaved: " + what + " / " + next);
        return unsavedAnswer;
    }

    @Override
    public boolean confirm(String title, String details, String action) {
        asked.add("confirm: " + title);
        return confirmAnswer;
    }

    @Override
    public void error(String title, String message) {
        errors.add(title + ": " + message);
    }
}
