package org.exitbench.data;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feeds an {@link ImageDataset} to DL4J in mini-batches: features as float32 N×C×H×W normalised with
 * {@link ChannelStats}, labels one-hot.
 *
 * <p>Shuffling and augmentation are seeded per epoch ({@code seed + epoch}), so a given seed produces the same
 * batches on every run and a resumed training sees the same epoch it would have seen. Normalisation and
 * augmentation happen here, batch by batch, so the dataset stays in compact uint8 form.
 */
public final class ImageDataSetIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final transient ImageDataset data;
    private final int batchSize;
    private final ChannelStats stats;
    private final Augmentation augmentation;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private int epoch;
    private int cursor;
    private transient DataSetPreProcessor preProcessor;

    /**
     * @param data         the images
     * @param batchSize    images per batch (the last batch of an epoch may be smaller)
     * @param stats        normalisation, usually {@code ChannelStats.of(trainSplit)}
     * @param augmentation what to apply to each image; {@link Augmentation#NONE} for evaluation
     * @param shuffle      whether to visit the images in a new seeded order each epoch
     * @param seed         the seed of shuffling and augmentation
     */
    public ImageDataSetIterator(ImageDataset data, int batchSize, ChannelStats stats, Augmentation augmentation,
                                boolean shuffle, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        if (stats.channels() != data.channels()) {
            throw new IllegalArgumentException("stats have " + stats.channels() + " channels, images have "
                    + data.channels());
        }
        this.data = data;
        this.batchSize = batchSize;
        this.stats = stats;
        this.augmentation = augmentation;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[data.size()];
        startEpoch(0);
    }

    /** An iterator for evaluation or feature extraction: dataset order, no augmentation. */
    public static ImageDataSetIterator inOrder(ImageDataset data, int batchSize, ChannelStats stats) {
        return new ImageDataSetIterator(data, batchSize, stats, Augmentation.NONE, false, 0L);
    }

    /**
     * Positions the iterator at the start of the given epoch, as if {@link #reset()} had been called that many
     * times. Used to resume training from a checkpoint with the same data order.
     */
    public void startEpoch(int newEpoch) {
        this.epoch = newEpoch;
        this.cursor = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(seed + newEpoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    /** @return the epoch the iterator is in (0-based) */
    public int epoch() {
        return epoch;
    }

    /** @return the dataset position of each image in the current epoch's order */
    public int[] epochOrder() {
        return order.clone();
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("epoch " + epoch + " is exhausted; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int imageBytes = data.imageBytes();
        float[] features = new float[n * imageBytes];
        float[] labels = new float[n * data.numClasses()];
        byte[] image = new byte[imageBytes];
        // Augmentation draws are tied to (seed, epoch, position in epoch), not to how batches are cut.
        for (int k = 0; k < n; k++) {
            int position = cursor + k;
            int index = order[position];
            data.copyImage(index, image, 0);
            int dy = 0;
            int dx = 0;
            boolean flip = false;
            if (augmentation.isActive()) {
                // SplittableRandom, not Random: Random's first draws from neighbouring seeds are correlated (its
                // first nextBoolean() is the same for thousands of consecutive positions), SplittableRandom mixes
                // the seed before its first output.
                SplittableRandom random =
                        new SplittableRandom((seed * 1_000_003L + epoch) * 2_147_483_647L + position);
                int p = augmentation.cropPadding();
                if (p > 0) {
                    dy = random.nextInt(2 * p + 1) - p;
                    dx = random.nextInt(2 * p + 1) - p;
                }
                flip = augmentation.horizontalFlip() && random.nextBoolean();
            }
            int base = k * imageBytes;
            for (int ch = 0; ch < c; ch++) {
                float zero = stats.normalize(ch, 0);
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) + dx;
                        float value = (sy < 0 || sy >= h || sx < 0 || sx >= w)
                                ? zero
                                : stats.normalize(ch, image[(ch * h + sy) * w + sx] & 0xFF);
                        features[base + (ch * h + y) * w + x] = value;
                    }
                }
            }
            labels[k * data.numClasses() + data.label(index)] = 1f;
        }
        cursor += n;
        INDArray f = Nd4j.create(features, new long[] {n, c, h, w}, 'c');
        INDArray l = Nd4j.create(labels, new long[] {n, data.numClasses()}, 'c');
        DataSet batch = new DataSet(f, l);
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public int inputColumns() {
        return data.imageBytes();
    }

    @Override
    public int totalOutcomes() {
        return data.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    /** Starts the next epoch: a new seeded order and new augmentation draws. */
    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return data.classNames();
    }
}
