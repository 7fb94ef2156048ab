package org.exitbench.deploy.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.Prediction;
import org.exitbench.model.ExitPoints;

/**
 * Classifies images with an ONNX export on ONNX Runtime, really stopping at the first exit that fires.
 *
 * <ul>
 *   <li>Segments shape: segment k runs only on the rows no earlier exit took (the batch is compacted after each
 *       exit, as the DL4J predictor does), exit k's model scores them, and the exit test is made here, exactly as
 *       the workbench makes it ({@link ExitDecision}). Timings per segment and exit as {@link Prediction} describes.
 *   </li>
 *   <li>Single shape: each image runs alone through {@code cascade.onnx}, whose {@code If} nodes make the exit
 *       test; a prediction's only timing is the whole call ({@code segmentNanos} has one entry, {@code branchNanos}
 *       none), since the runtime does not report the parts.</li>
 * </ul>
 * Inputs are pixel values 0..255 (an {@link ImageDataset} row, or float arrays in NCHW); the models normalise them.
 * Gray images given to a colour cascade have their value repeated in every channel.
 *
 * <p>Sessions are native resources: {@link #close()} releases them. ONNX Runtime's sessions may run calls from
 * several threads at once and this class keeps no per-call state in fields, so one predictor may serve several
 * threads.
 */
public final class OnnxEarlyExitPredictor implements AutoCloseable {

    private final OnnxCascade cascade;
    private final OnnxManifest manifest;
    private final Thresholds thresholds;
    private final int exits;
    private final int classes;
    private final int top;
    private final int threads;
    private final List<OrtSession> segments = new ArrayList<>();
    private final List<OrtSession> branches = new ArrayList<>();
    private final OrtSession single;

    /**
     * Opens the export's sessions.
     *
     * @param threads ONNX Runtime's intra-op threads per session
     * @param top     how many of the most probable classes a prediction lists
     * @throws OnnxExportException when ONNX Runtime refuses a model
     */
    public OnnxEarlyExitPredictor(OnnxCascade cascade, int threads, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, was " + top);
        }
        this.cascade = cascade;
        this.manifest = cascade.manifest();
        this.thresholds = cascade.thresholds();
        this.exits = cascade.exitCount();
        this.classes = manifest.classNames().size();
        this.top = Math.min(top, classes);
        this.threads = threads;
        try {
            if (cascade.single()) {
                single = open(manifest.cascade());
            } else {
                single = null;
                for (OnnxManifest.Exit exit : manifest.exits()) {
                    segments.add(open(exit.segment()));
                    branches.add(open(exit.branch()));
                }
                segments.add(open(manifest.headSegment()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private OrtSession open(String file) {
        return OrtCalls.open(cascade.model(file), threads, cascade.folder().resolve(file).toString());
    }

    /** @return the export this predictor runs */
    public OnnxCascade cascade() {
        return cascade;
    }

    /** @return ONNX Runtime's intra-op threads per session */
    public int threads() {
        return threads;
    }

    /** Classifies image {@code index} of a dataset. */
    public Prediction predict(ImageDataset images, int index) {
        return predict(images, index, 1).get(0);
    }

    /** Classifies images {@code from .. from + count − 1} (one batch in the segments shape, one by one else). */
    public List<Prediction> predict(ImageDataset images, int from, int count) {
        return predictPixels(pixels(images, from, count, manifest.inputChannels(), manifest.inputHeight(),
                manifest.inputWidth()), count);
    }

    /**
     * Classifies images given as pixel values 0..255, N×C×H×W row-major.
     *
     * @throws IllegalArgumentException when the array does not hold {@code count} images of the cascade's size
     */
    public List<Prediction> predictPixels(float[] pixels, int count) {
        int size = manifest.inputChannels() * manifest.inputHeight() * manifest.inputWidth();
        if (count < 1 || pixels.length != (long) count * size) {
            throw new IllegalArgumentException(pixels.length + " values are not " + count + " images of "
                    + manifest.inputChannels() + "×" + manifest.inputHeight() + "×" + manifest.inputWidth());
        }
        return single != null ? predictOneByOne(pixels, count, size) : predictSegments(pixels, count);
    }

    private List<Prediction> predictOneByOne(float[] pixels, int count, int size) {
        List<Prediction> out = new ArrayList<>(count);
        long[] shape = {1, manifest.inputChannels(), manifest.inputHeight(), manifest.inputWidth()};
        float[] image = new float[size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(pixels, i * size, image, 0, size);
            long started = System.nanoTime();
            var result = OrtCalls.run(single, image, shape, Set.of(CascadeOnnxAssembler.EXIT,
                    CascadeOnnxAssembler.PROBABILITIES));
            long elapsed = System.nanoTime() - started;
            int exit = (int) result.get(CascadeOnnxAssembler.EXIT).values()[0];
            Prediction p = answer(exit, result.get(CascadeOnnxAssembler.PROBABILITIES).values(), 0);
            out.add(withTimes(p, new long[] {elapsed}, new long[0]));
        }
        return out;
    }

    private List<Prediction> predictSegments(float[] pixels, int n) {
        Prediction[] out = new Prediction[n];
        long[][] segmentNanos = new long[n][];
        long[][] branchNanos = new long[n][];
        int[] alive = new int[n];
        for (int i = 0; i < n; i++) {
            alive[i] = i;
        }
        int aliveCount = n;
        float[] current = pixels;
        long[] shape = {n, manifest.inputChannels(), manifest.inputHeight(), manifest.inputWidth()};
        for (int k = 0; k <= exits && aliveCount > 0; k++) {
            long started = System.nanoTime();
            OrtCalls.Output map = OrtCalls.runSingle(segments.get(k), current, shape);
            long segmentDone = System.nanoTime();
            if (k == exits) {
                for (int i = 0; i < aliveCount; i++) {
                    int row = alive[i];
                    segmentNanos[row] = append(segmentNanos[row], (segmentDone - started) / aliveCount);
                    out[row] = answer(exits, map.values(), i * classes);
                }
                break;
            }
            float[] p = OrtCalls.runSingle(branches.get(k), map.values(), map.shape()).values();
            int survivors = 0;
            int[] kept = new int[aliveCount];
            for (int i = 0; i < aliveCount; i++) {
                if (ExitDecision.fires(thresholds, k, p, i * classes, classes)) {
                    out[alive[i]] = answer(k, p, i * classes);
                } else {
                    kept[survivors++] = i;
                }
            }
            shape = map.shape().clone();
            if (survivors < aliveCount && survivors > 0) {
                int rowSize = (int) (map.values().length / aliveCount);
                float[] compact = new float[survivors * rowSize];
                for (int s = 0; s < survivors; s++) {
                    System.arraycopy(map.values(), kept[s] * rowSize, compact, s * rowSize, rowSize);
                }
                current = compact;
                shape[0] = survivors;
            } else {
                current = map.values();
            }
            long branchDone = System.nanoTime();
            for (int i = 0; i < aliveCount; i++) {
                int row = alive[i];
                segmentNanos[row] = append(segmentNanos[row], (segmentDone - started) / aliveCount);
                branchNanos[row] = append(branchNanos[row], (branchDone - segmentDone) / aliveCount);
            }
            for (int s = 0; s < survivors; s++) {
                alive[s] = alive[kept[s]];
            }
            aliveCount = survivors;
        }
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            predictions.add(withTimes(out[i], segmentNanos[i], branchNanos[i] == null ? new long[0] : branchNanos[i]));
        }
        return predictions;
    }

    private static Prediction withTimes(Prediction p, long[] segmentNanos, long[] branchNanos) {
        return new Prediction(p.classIndex(), p.className(), p.exit(), p.exitVertex(), p.early(), p.confidence(),
                p.top(), segmentNanos, branchNanos);
    }

    /** The answer of exit {@code exit} (K = head) from its probabilities. */
    private Prediction answer(int exit, float[] p, int at) {
        String vertex = exit < exits ? manifest.exits().get(exit).vertex() : ExitPoints.FINAL;
        return Prediction.fromProbabilities(exit, vertex, exit < exits, p, at, manifest.classNames(), top);
    }

    /** @return dataset rows as pixel values 0..255, NCHW, gray repeated into colour channels */
    public static float[] pixels(ImageDataset images, int from, int count, int channels, int height, int width) {
        EarlyExitPredictor.requireRows(images, from, count, channels, height, width);
        int plane = height * width;
        byte[] image = new byte[images.imageBytes()];
        float[] values = new float[count * channels * plane];
        for (int i = 0; i < count; i++) {
            images.copyImage(from + i, image, 0);
            for (int ch = 0; ch < channels; ch++) {
                int source = (images.channels() == 1 ? 0 : ch) * plane;
                int base = (i * channels + ch) * plane;
                for (int p = 0; p < plane; p++) {
                    values[base + p] = image[source + p] & 0xFF;
                }
            }
        }
        return values;
    }

    private static long[] append(long[] values, long value) {
        long[] grown = values == null ? new long[1] : java.util.Arrays.copyOf(values, values.length + 1);
        grown[grown.length - 1] = value;
        return grown;
    }

    /** Releases the sessions. */
    @Override
    public void close() {
        List<OrtSession> all = new ArrayList<>(segments);
        all.addAll(branches);
        if (single != null) {
            all.add(single);
        }
        for (OrtSession session : all) {
            try {
                session.close();
            } catch (OrtException e) {
                // Closing releases native memory; a failure here leaves nothing to recover.
            }
        }
    }
}
