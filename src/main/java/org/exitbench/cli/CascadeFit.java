package org.exitbench.cli;

import org.exitbench.data.ImageDataset;
import org.exitbench.deploy.CascadeManifest;
import org.exitbench.progress.ExitbenchException;

/**
 * Checks, before a cascade runs, that the user's images fit it, so that a mismatch is reported as bad input naming
 * the images while the predictor's own {@link IllegalArgumentException} keeps meaning a programming error.
 */
final class CascadeFit {

    private CascadeFit() {
    }

    /**
     * @param manifest the cascade's description
     * @param images   the images it will classify
     * @param what     the images in words, for the message (a dataset folder, "the images given")
     * @throws ExitbenchException when their size differs, or they are in colour and the cascade is not
     */
    static void check(CascadeManifest manifest, ImageDataset images, String what) {
        check(manifest.inputChannels(), manifest.inputHeight(), manifest.inputWidth(), images, what);
    }

    /** {@link #check(CascadeManifest, ImageDataset, String)} for a cascade taking channels × height × width. */
    static void check(int channels, int height, int width, ImageDataset images, String what) {
        if (images.height() != height || images.width() != width) {
            throw new ExitbenchException(what + ": the images are " + images.height() + "\u00d7" + images.width()
                    + " pixels, the cascade takes " + height + "\u00d7" + width);
        }
        // Gray images go into a colour cascade as three equal channels; colour into gray has no such reading.
        if (images.channels() != channels && images.channels() != 1) {
            throw new ExitbenchException(what + ": the images have " + images.channels() + " channels, the "
                    + "cascade takes " + channels);
        }
    }
}
