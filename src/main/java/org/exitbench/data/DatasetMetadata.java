package org.exitbench.data;

import java.util.List;

/**
 * Facts about how a dataset was read that a user should be able to see.
 *
 * @param validationCarvedFromTrain true when the dataset had no validation split and one was carved from train
 * @param validationFraction        the fraction of each training class moved to validation, when carved
 * @param splitSeed                 the seed of the carve, when carved
 * @param resizedTo                 "HxW" when images were resized on request, otherwise {@code null}
 * @param skipped                   files that could not be read and were skipped on request, with the reason
 * @param colourAmongGrey           the colour images of a dataset whose other images, more numerous, are gray: they
 *                                  alone make it three-channel, which a user rarely means (a stray photo, a
 *                                  file re-saved by an editor), so they are named wherever the channel count
 *                                  matters; empty otherwise
 */
public record DatasetMetadata(boolean validationCarvedFromTrain, double validationFraction, long splitSeed,
                              String resizedTo, List<SkippedFile> skipped, List<String> colourAmongGrey) {

    public DatasetMetadata {
        skipped = List.copyOf(skipped);
        colourAmongGrey = List.copyOf(colourAmongGrey);
    }

    /** Metadata with no colour images among gray ones. */
    public DatasetMetadata(boolean validationCarvedFromTrain, double validationFraction, long splitSeed,
                           String resizedTo, List<SkippedFile> skipped) {
        this(validationCarvedFromTrain, validationFraction, splitSeed, resizedTo, skipped, List.of());
    }

    /** Metadata of a dataset read as it is on disk, with nothing carved, resized or skipped. */
    public static DatasetMetadata asOnDisk() {
        return new DatasetMetadata(false, 0, 0, null, List.of());
    }

    /**
     * A file the reader skipped because it could not be decoded.
     *
     * @param file   the path of the file
     * @param reason what was wrong with it
     */
    public record SkippedFile(String file, String reason) {
    }
}
