package org.exitbench.store;

import java.nio.file.Path;
import java.util.Optional;
import org.exitbench.progress.ExitbenchException;

/**
 * A problem with a file Exitbench wrote or reads back: truncated, corrupt (checksum mismatch), of an unknown
 * format, or written by a newer version. The message always names the file and says what is wrong, so it can
 * be shown to a user as is; a file that fails these checks is never used.
 */
public class StoreException extends ExitbenchException {

    private final transient Path file;
    private final String problem;

    /**
     * @param file    the file at fault
     * @param problem what is wrong, as a sentence fragment ("is truncated: 12 of 400 bytes")
     */
    public StoreException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file    the file at fault
     * @param problem what is wrong
     * @param cause   the underlying error, if any
     */
    public StoreException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** @return what is wrong, without the file's name (for re-wrapping in a more specific exception) */
    public String problem() {
        return problem;
    }

    /** @return the file at fault, when there is one */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
