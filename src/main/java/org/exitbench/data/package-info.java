/**
 * Image datasets in memory and the readers that load them.
 *
 * <p>A {@link org.exitbench.data.Dataset} holds its splits as {@link org.exitbench.data.ImageDataset}s: compact
 * uint8 N×C×H×W pixels, labels and class names. Readers cover the ImageFolder layout
 * ({@code train/ valid/ test/ <class>/}, as CINIC-10), CIFAR-10 binary batches and MNIST-style IDX files;
 * every problem with the user's files is a {@link org.exitbench.data.DatasetException} that names the file.
 * This package knows nothing of models or the UI, and never modifies the files it reads.
 */
package org.exitbench.data;
