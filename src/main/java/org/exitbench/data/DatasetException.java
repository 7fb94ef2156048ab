package org.exitbench.data;

import java.nio.file.Path;
import java.util.Optional;
import org.exitbench.progress.ExitbenchException;

/**
 * A problem with a dataset on disk: an unreadable or corrupt image, an empty class folder, a missing split,
 * an unknown layout, a truncated binary file, a label out of range. The message always names the file or
 * folder and says what is wrong, so it can be shown to a user as is.
 */
public class DatasetException extends ExitbenchException {

    private final transient Path file;

    /**
     * @param file    the file or folder at fault, or {@code null} when none applies
     * @param problem what is wrong, as a sentence fragment ("is not a PNG, JPEG or BMP image")
     */
    public DatasetException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file    the file or folder at fault, or {@code null} when none applies
     * @param problem what is wrong
     * @param cause   the underlying error, if any
     */
    public DatasetException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
    }

    /** @return the file or folder at fault, when there is one */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
