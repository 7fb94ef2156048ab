package org.exitbench.app.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Node;
import javafx.stage.Window;
import org.exitbench.store.AtomicFiles;

/**
 * The panes' "PNG" and "CSV" buttons: ask where to save, write atomically, and say in one sentence what happened
 * ({@link #messageProperty()}), naming the file, or why it failed.
 */
public final class ExportActions {

    private final FileDialogs dialogs;
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    /** @param dialogs asks for the file */
    public ExportActions(FileDialogs dialogs) {
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
    }

    /** @return the outcome of the latest export, or empty */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /**
     * Asks for a file and writes a snapshot of {@code node} there as PNG.
     *
     * @param node          what to capture
     * @param what          what it is, for the dialog and the message ("the accuracy-vs-compute chart")
     * @param suggestedName the file name offered
     */
    public void png(Node node, String what, String suggestedName) {
        dialogs.save(windowOf(node), "Save " + what + " as PNG", FileDialogs.Kind.PNG, suggestedName)
                .ifPresent(file -> write(what, file, () -> PngSnapshot.write(node, file)));
    }

    /**
     * Asks for a file and writes {@code csv} there.
     *
     * @param owner         a node of the window the dialog belongs to
     * @param csv           produces the table, called only when a file was chosen
     * @param what          what it is ("the per-class exit distribution")
     * @param suggestedName the file name offered
     */
    public void csv(Node owner, Supplier<String> csv, String what, String suggestedName) {
        dialogs.save(windowOf(owner), "Save " + what + " as CSV", FileDialogs.Kind.CSV, suggestedName)
                .ifPresent(file -> write(what, file, () -> AtomicFiles.writeString(file, csv.get())));
    }

    private interface Writing {
        void run() throws IOException;
    }

    private void write(String what, Path file, Writing writing) {
        try {
            writing.run();
            message.set("Saved " + what + " to " + file + ".");
        } catch (IOException | RuntimeException e) {
            // AtomicFiles wraps the IOException; its cause says what went wrong without repeating the path.
            Throwable reason = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            message.set("Could not save " + what + " to " + file + ": " + (reason.getMessage() == null
                    ? reason.getClass().getSimpleName() : reason.getMessage()) + ".");
        }
    }

    private static Window windowOf(Node node) {
        return node.getScene() == null ? null : node.getScene().getWindow();
    }
}
