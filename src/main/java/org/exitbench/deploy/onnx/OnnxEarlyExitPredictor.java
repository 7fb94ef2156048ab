package org.exitbench.deploy.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.deploy.EarlyExitPredictor;
import org.exitbench.deploy.Prediction;
import org.exitbench.model.ExitPoints;

/**
 * Classifies images with an ONNX export on ONNX Runtime, really stopping at the first exit that fires.
 *
 * <ul>
 *   <li>Segments shape: stage k runs backbone segment k and exit k's branch as one ONNX Runtime call, only on the
 *       rows no earlier exit took (the batch is compacted after each exit, as the DL4J predictor does); the exit
 *       test is made here, exactly as the workbench makes it ({@link ExitDecision}); with a derived decision rule
 *       (temperature, learned head, agreement) inside the stage, by the graph of the export's decision model
 *       ({@link DecisionStage}), fed the earlier exits' classes and top probabilities of each row. The stages are assembled in
 *       memory from the export's segment and exit files ({@link CascadeOnnxAssembler#stage}): one call instead of
 *       two per exit, the map handed on channels last, and kept in ONNX Runtime's memory on its way to the next
 *       stage unless rows must be dropped from it. A prediction's
 *       {@code segmentNanos[k]} is stage k's call (segment and branch), {@code branchNanos[k]} the exit test.</li>
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

    private static final Set<String> STAGE_OUTPUTS = Set.of(CascadeOnnxAssembler.MAP_OUT,
            CascadeOnnxAssembler.PROBABILITIES);
    private static final Set<String> HEAD_OUTPUTS = Set.of(CascadeOnnxAssembler.PROBABILITIES);
    private static final Set<String> SINGLE_OUTPUTS = Set.of(CascadeOnnxAssembler.EXIT,
            CascadeOnnxAssembler.PROBABILITIES);

    private final OnnxCascade cascade;
    private final OnnxManifest manifest;
    private final Thresholds thresholds;
    private final int exits;
    private final int classes;
    private final int top;
    private final int threads;
    /** Segments shape: K stages (segment k + exit k) and the head; each session's input name beside it. */
    private final List<OrtSession> stages = new ArrayList<>();
    private final List<String> stageInputs = new ArrayList<>();
    private final OrtSession single;
    private final String singleInput;
    /** Segments shape with a derived decision rule (issue 20): the stages make the exit test themselves. */
    private final boolean fusedDecision;
    private static final Set<String> DECIDING_OUTPUTS = Set.of(CascadeOnnxAssembler.MAP_OUT,
            CascadeOnnxAssembler.PROBABILITIES, DecisionOnnxWriter.FIRES);

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
                single = open(cascade.model(manifest.cascade()), cascade.folder().resolve(manifest.cascade()));
                singleInput = single.getInputNames().iterator().next();
                fusedDecision = false;
            } else {
                single = null;
                singleInput = null;
                fusedDecision = thresholds.rule() == org.exitbench.cascade.ExitRule.DERIVED;
                for (OnnxManifest.Exit exit : manifest.exits()) {
                    int k = stages.size();
                    Onnx.ModelProto stage = CascadeOnnxAssembler.stage(parse(exit.segment()), parse(exit.branch()),
                            k > 0);
                    String input = stage.getGraph().getInput(0).getName();
                    if (fusedDecision) {
                        stage = DecisionStage.withDecision(stage, cascade.decisionRule(), thresholds, k, classes);
                    }
                    stages.add(open(stage.toByteArray(), cascade.folder().resolve(exit.segment())));
                    stageInputs.add(input);
                }
                Onnx.ModelProto head = CascadeOnnxAssembler.stage(parse(manifest.headSegment()), null, exits > 0);
                addStage(open(head.toByteArray(), cascade.folder().resolve(manifest.headSegment())));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void addStage(OrtSession session) {
        stages.add(session);
        stageInputs.add(session.getInputNames().iterator().next());
    }

    private Onnx.ModelProto parse(String file) {
        try {
            return Onnx.ModelProto.parseFrom(cascade.model(file));
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxExportException(cascade.folder().resolve(file) + " is not an ONNX model: " + e.getMessage(),
                    e);
        }
    }

    private OrtSession open(byte[] model, java.nio.file.Path file) {
        return OrtCalls.open(model, threads, file.toString());
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
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            int exit;
            float[] p;
            try (OnnxTensor image = OrtCalls.tensor(pixels, i * size, size, shape);
                 OrtSession.Result result = OrtCalls.run(single, singleInput, image, SINGLE_OUTPUTS)) {
                exit = (int) OrtCalls.firstLong(result, CascadeOnnxAssembler.EXIT);
                p = OrtCalls.floats(result, CascadeOnnxAssembler.PROBABILITIES);
            }
            long elapsed = System.nanoTime() - started;
            out.add(withTimes(answer(exit, p, 0), new long[] {elapsed}, new long[0]));
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
        // With a derived rule: each row's earlier classes and top probabilities, which the rule may read.
        long[][] previousClass = fusedDecision ? new long[n][exits] : null;
        float[][] previousConfidence = fusedDecision ? new float[n][exits] : null;
        // The stage input: a tensor made here (closed here) or one held by the previous stage's result.
        OnnxTensor input = OrtCalls.tensor(pixels, 0, pixels.length, new long[] {n, manifest.inputChannels(),
            manifest.inputHeight(), manifest.inputWidth()});
        OnnxTensor ownInput = input;
        OrtSession.Result inputOwner = null;
        try {
            for (int k = 0; k <= exits && aliveCount > 0; k++) {
                long started = System.nanoTime();
                OrtSession.Result result = fusedDecision && k < exits
                        ? runDeciding(k, input, aliveCount, alive, previousClass, previousConfidence)
                        : OrtCalls.run(stages.get(k), stageInputs.get(k), input,
                                k == exits ? HEAD_OUTPUTS : STAGE_OUTPUTS);
                long ran = System.nanoTime();
                OrtCalls.close(ownInput);
                OrtCalls.close(inputOwner);
                ownInput = null;
                inputOwner = result;
                float[] p = OrtCalls.floats(result, CascadeOnnxAssembler.PROBABILITIES);
                if (k == exits) {
                    for (int i = 0; i < aliveCount; i++) {
                        int row = alive[i];
                        segmentNanos[row] = append(segmentNanos[row], (ran - started) / aliveCount);
                        out[row] = answer(exits, p, i * classes);
                    }
                    break;
                }
                int survivors = 0;
                int[] kept = new int[aliveCount];
                boolean[] fires = fusedDecision ? fired(result, k, p, aliveCount, alive, previousClass,
                        previousConfidence) : null;
                for (int i = 0; i < aliveCount; i++) {
                    if (fires != null ? fires[i] : ExitDecision.fires(thresholds, k, p, i * classes, classes)) {
                        out[alive[i]] = answer(k, p, i * classes);
                    } else {
                        kept[survivors++] = i;
                    }
                }
                OnnxTensor map = (OnnxTensor) result.get(CascadeOnnxAssembler.MAP_OUT).orElseThrow();
                if (survivors < aliveCount && survivors > 0) {
                    input = compact(map, kept, survivors, aliveCount);
                    ownInput = input;
                } else {
                    input = map;
                }
                long tested = System.nanoTime();
                for (int i = 0; i < aliveCount; i++) {
                    int row = alive[i];
                    segmentNanos[row] = append(segmentNanos[row], (ran - started) / aliveCount);
                    branchNanos[row] = append(branchNanos[row], (tested - ran) / aliveCount);
                }
                for (int s = 0; s < survivors; s++) {
                    alive[s] = alive[kept[s]];
                }
                aliveCount = survivors;
            }
        } finally {
            OrtCalls.close(ownInput);
            OrtCalls.close(inputOwner);
        }
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            predictions.add(withTimes(out[i], segmentNanos[i], branchNanos[i] == null ? new long[0] : branchNanos[i]));
        }
        return predictions;
    }

    /** Runs stage k with its exit test, fed the running rows' earlier classes and top probabilities. */
    private OrtSession.Result runDeciding(int k, OnnxTensor input, int rows, int[] alive, long[][] previousClass,
                                          float[][] previousConfidence) {
        java.util.Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
        inputs.put(stageInputs.get(k), input);
        try {
            if (k > 0) {
                long[] classesBefore = new long[rows * k];
                float[] confidencesBefore = new float[rows * k];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(previousClass[alive[i]], 0, classesBefore, i * k, k);
                    System.arraycopy(previousConfidence[alive[i]], 0, confidencesBefore, i * k, k);
                }
                inputs.put(DecisionOnnxWriter.PREVIOUS_CLASS, OnnxTensor.createTensor(
                        org.exitbench.model.onnx.OnnxRuntimeSessions.environment(),
                        java.nio.LongBuffer.wrap(classesBefore), new long[] {rows, k}));
                inputs.put(DecisionOnnxWriter.PREVIOUS_CONFIDENCE, OrtCalls.tensor(confidencesBefore, 0,
                        confidencesBefore.length, new long[] {rows, k}));
            }
            return stages.get(k).run(inputs, DECIDING_OUTPUTS);
        } catch (ai.onnxruntime.OrtException e) {
            throw new OnnxExportException("ONNX Runtime failed to run stage " + (k + 1) + " with its exit test: "
                    + e.getMessage(), e);
        } finally {
            inputs.forEach((name, tensor) -> {
                if (tensor != input) {
                    OrtCalls.close(tensor);
                }
            });
        }
    }

    /**
     * @return per running row, whether stage k's exit test let it leave; records the rows' answers at exit k for
     *         the exits after it
     */
    private boolean[] fired(OrtSession.Result result, int k, float[] p, int rows, int[] alive, long[][] previousClass,
                            float[][] previousConfidence) {
        boolean[] fires;
        try {
            fires = (boolean[]) result.get(DecisionOnnxWriter.FIRES).orElseThrow().getValue();
        } catch (ai.onnxruntime.OrtException e) {
            throw new OnnxExportException("cannot read stage " + (k + 1) + "'s exit test: " + e.getMessage(), e);
        }
        for (int i = 0; i < rows; i++) {
            int c = ExitDecision.argmax(p, i * classes, classes);
            previousClass[alive[i]][k] = c;
            previousConfidence[alive[i]][k] = p[i * classes + c];
        }
        return fires;
    }

    /** @return the rows {@code kept[0 .. survivors)} of a map of {@code rows} rows, as a new tensor */
    private static OnnxTensor compact(OnnxTensor map, int[] kept, int survivors, int rows) {
        long[] shape = map.getInfo().getShape();
        java.nio.FloatBuffer values = map.getFloatBuffer();
        int rowSize = values.remaining() / rows;
        float[] compact = new float[survivors * rowSize];
        for (int s = 0; s < survivors; s++) {
            values.get(kept[s] * rowSize, compact, s * rowSize, rowSize);
        }
        shape[0] = survivors;
        return OrtCalls.tensor(compact, 0, compact.length, shape);
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
        stages.forEach(OrtCalls::close);
        OrtCalls.close(single);
    }
}
