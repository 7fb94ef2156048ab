package org.exitbench.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link IdxImporter} should write: which IDX files to draw from, how many images of each class go to each
 * split, how to pad them, and where the ImageFolder dataset goes.
 *
 * @param images        the IDX training images (idx3-ubyte, raw or .gz); train and valid are drawn from them
 * @param labels        their labels (idx1-ubyte)
 * @param testImages    the IDX test images (t10k) to draw test from, or {@code null} to draw test from
 *                      {@code images} as well, disjoint from train and valid
 * @param testLabels    their labels, or {@code null} exactly when {@code testImages} is
 * @param out           the folder to create; it must not exist or be empty
 * @param classNames    the class names in label order; each becomes a folder name
 * @param trainPerClass images per class in train, 1 or more
 * @param validPerClass images per class in valid; 0 writes no valid folder (readers then carve one)
 * @param testPerClass  images per class in test, 1 or more
 * @param padTo         pad each image with zeros, centred, to this height and width; 0 keeps the size
 * @param seed          the seed of the selection
 */
public record IdxImportRequest(Path images, Path labels, Path testImages, Path testLabels, Path out,
                               List<String> classNames, int trainPerClass, int validPerClass, int testPerClass,
                               int padTo, long seed) {

    public IdxImportRequest {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(out, "out");
        classNames = List.copyOf(classNames);
        if ((testImages == null) != (testLabels == null)) {
            throw new IllegalArgumentException("test images and test labels must be given together");
        }
        if (trainPerClass < 1 || testPerClass < 1 || validPerClass < 0) {
            throw new IllegalArgumentException("need at least 1 train and 1 test image per class and no negative "
                    + "count, was " + trainPerClass + " / " + validPerClass + " / " + testPerClass);
        }
        if (padTo < 0) {
            throw new IllegalArgumentException("padTo must be 0 (no padding) or positive, was " + padTo);
        }
    }

    /** @return whether test images come from files of their own rather than from the training files */
    public boolean hasTestFiles() {
        return testImages != null;
    }
}
