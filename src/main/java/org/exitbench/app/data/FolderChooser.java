package org.exitbench.app.data;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

/** Asks the user for a dataset folder. The app shows a {@link DirectoryChooser}; tests answer directly. */
@FunctionalInterface
public interface FolderChooser {

    /** The system's folder dialog. */
    FolderChooser DIALOG = (owner, start) -> {
        DirectoryChooser dialog = new DirectoryChooser();
        dialog.setTitle("Open a dataset folder (ImageFolder, CIFAR-10 binary or IDX)");
        if (start != null && Files.isDirectory(start)) {
            dialog.setInitialDirectory(start.toFile());
        }
        File chosen = dialog.showDialog(owner);
        return Optional.ofNullable(chosen).map(File::toPath);
    };

    /**
     * @param owner the window the dialog belongs to
     * @param start the folder to start in, or {@code null}
     * @return the chosen folder, or empty when the user cancelled
     */
    Optional<Path> choose(Window owner, Path start);
}
