package org.exitbench.app.io;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** Asks the user for a file to save to or open. The app shows the system's dialogs; tests answer directly. */
public interface FileDialogs {

    /** The kinds of file the panes write and read. */
    enum Kind {
        JSON("Thresholds (JSON)", "json"),
        CSV("Table (CSV)", "csv"),
        PNG("Image (PNG)", "png"),
        MODEL("Backbone (Exitbench or DL4J .zip, ONNX .onnx)", "zip"),
        IMAGE("Image (PNG, JPEG, BMP, GIF)", "png");

        private final String description;
        private final String extension;

        Kind(String description, String extension) {
            this.description = description;
            this.extension = extension;
        }

        /** @return the file name extension, without the dot */
        public String extension() {
            return extension;
        }

        /** @return {@code name} with this kind's extension added unless it already has it */
        public String withExtension(String name) {
            return name.toLowerCase(java.util.Locale.ROOT).endsWith("." + extension) ? name : name + "." + extension;
        }

        FileChooser.ExtensionFilter filter() {
            // A backbone may also be an imported ONNX model, run by ONNX Runtime.
            if (this == IMAGE) {
                return new FileChooser.ExtensionFilter(description, "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif",
                        "*.PNG", "*.JPG", "*.JPEG");
            }
            return this == MODEL ? new FileChooser.ExtensionFilter(description, "*.zip", "*.onnx")
                    : new FileChooser.ExtensionFilter(description, "*." + extension);
        }
    }

    /** The system's file dialogs. */
    FileDialogs SYSTEM = new FileDialogs() {
        @Override
        public Optional<Path> save(Window owner, String title, Kind kind, String suggestedName) {
            FileChooser dialog = new FileChooser();
            dialog.setTitle(title);
            dialog.getExtensionFilters().add(kind.filter());
            dialog.setInitialFileName(kind.withExtension(suggestedName));
            File chosen = dialog.showSaveDialog(owner);
            return Optional.ofNullable(chosen).map(file -> Path.of(kind.withExtension(file.getPath())));
        }

        @Override
        public Optional<Path> open(Window owner, String title, Kind kind) {
            FileChooser dialog = new FileChooser();
            dialog.setTitle(title);
            dialog.getExtensionFilters().add(kind.filter());
            return Optional.ofNullable(dialog.showOpenDialog(owner)).map(File::toPath);
        }
    };

    /**
     * Dialogs that answer at once without showing anything (tests, benchmarks, scripted runs).
     *
     * @param choice gives the file every dialog answers with; empty as if the user cancelled
     * @return the dialogs
     */
    static FileDialogs answering(Supplier<Optional<Path>> choice) {
        return new FileDialogs() {
            @Override
            public Optional<Path> save(Window owner, String title, Kind kind, String suggestedName) {
                return choice.get();
            }

            @Override
            public Optional<Path> open(Window owner, String title, Kind kind) {
                return choice.get();
            }
        };
    }

    /**
     * @param owner         the window the dialog belongs to
     * @param title         the dialog's title
     * @param kind          what is saved
     * @param suggestedName the file name offered
     * @return the chosen file (the system dialog has already asked before replacing one), or empty when cancelled
     */
    Optional<Path> save(Window owner, String title, Kind kind, String suggestedName);

    /** @return the chosen file, or empty when the user cancelled */
    Optional<Path> open(Window owner, String title, Kind kind);
}
