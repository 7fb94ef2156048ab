package org.exitbench.model;

import java.nio.file.Path;
import org.exitbench.store.StoreException;

/**
 * A backbone file that cannot be used: missing, not a model zip, truncated, corrupt, of an unsupported version,
 * or not matching what it claims to be. The message names the file and what is wrong.
 */
public class BackboneFileException extends StoreException {

    public BackboneFileException(Path file, String problem) {
        super(file, problem);
    }

    public BackboneFileException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }

    /**
     * A plain DL4J model zip without Exitbench's metadata. The caller can still load it with
     * {@link BackboneFile#loadPlain}, supplying the spec, class names and normalisation.
     */
    public static final class MissingMetadata extends BackboneFileException {

        public MissingMetadata(Path file) {
            super(file, "is a plain DL4J model without Exitbench metadata (" + BackboneFile.METADATA_ENTRY
                    + "); load it as a plain model and give its input size, class names and normalisation");
        }
    }
}
