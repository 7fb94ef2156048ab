package org.exitbench.data;

/** The on-disk layouts Exitbench reads. */
public enum DatasetFormat {
    /** {@code <root>/{train,valid,test}/<class>/*.{png,jpg,jpeg,bmp}}, the layout of CINIC-10. */
    IMAGE_FOLDER,
    /** CIFAR-10 binary batches: {@code data_batch_1..5.bin}, {@code test_batch.bin}, {@code batches.meta.txt}. */
    CIFAR10_BINARY,
    /** MNIST / Fashion-MNIST IDX files, raw or gzip-compressed. */
    IDX
}
