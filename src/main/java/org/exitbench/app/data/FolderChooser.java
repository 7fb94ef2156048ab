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

    /** The system's folder dialog, asking for a dataset. */
    FolderChooser DIALOG = titled("Open a dataset folder (ImageFolder, CIFAR-10 binary or IDX)");

    /** The system's folder dialog, asking for a workspace folder. */
    FolderChooser WORKSPACE_DIALOG = titled("Choose a workspace folder");

    /**
     * @param title the dialog's title
     * @return the system's folder dialog with that title
     */
    static FolderChooser titled(String title) {
        return (owner, start) -> {
            DirectoryChooser dialog = new DirectoryChooser();
            dialog.setTitle(title);
            if (start != null && Files.isDirectory(start)) {
                dialog.setInitialDirectory(start.toFile());
            }
            File chosen = dialog.showDialog(owner);
            return Optional.ofNullable(chosen).map(File::toPath);
        };
    }

    /**
     * @param owner the window the dialog belongs to
     * @param start the folder to start in, or {@code null}
     * @return the chosen folder, or empty when the user cancelled
     */
    Optional<Path> choose(Window owner, Path start);
}
