package org.exitbench.deploy;

import java.nio.file.Path;
import org.exitbench.store.StoreException;

/**
 * An exported cascade file that cannot be used: missing, not a zip, truncated, corrupt, of another kind (a backbone
 * or a plain DL4J model), of an unsupported format version, or inconsistent. The message names the file and says
 * what is wrong.
 */
public class CascadeFileException extends StoreException {

    public CascadeFileException(Path file, String problem) {
        super(file, problem);
    }

    public CascadeFileException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
