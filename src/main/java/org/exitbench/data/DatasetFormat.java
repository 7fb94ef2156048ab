package org.exitbench.data;

/** The on-disk layouts Exitbench reads. */
public enum DatasetFormat {
    /** {@code <root>/{train,valid,test}/<class>/*.{png,jpg,jpeg,bmp}}, the layout of CINIC-10. */
    IMAGE_FOLDER("ImageFolder"),
    /** CIFAR-10 binary batches: {@code data_batch_1..5.bin}, {@code test_batch.bin}, {@code batches.meta.txt}. */
    CIFAR10_BINARY("CIFAR-10 binary"),
    /** MNIST / Fashion-MNIST IDX files, raw or gzip-compressed. */
    IDX("IDX");

    private final String displayName;

    DatasetFormat(String displayName) {
        this.displayName = displayName;
    }

    /** @return the layout's name as a user knows it ("ImageFolder", "CIFAR-10 binary", "IDX") */
    public String displayName() {
        return displayName;
    }
}
