package org.exitbench.deploy.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exitbench.model.onnx.OnnxRuntimeSessions;

/**
 * The decision models of a segments export ({@link DecisionOnnxWriter#model}) on ONNX Runtime: exit k's rule and
 * threshold test on the rows still running, fed with their branch probabilities and the classes and top
 * probabilities the earlier exits gave them. Used by the predictor and by the export's own check, so both run the
 * very graph that was written.
 */
final class OnnxDecisions implements AutoCloseable {

    private static final Set<String> OUTPUTS = Set.of(DecisionOnnxWriter.SCORE, DecisionOnnxWriter.FIRES);

    private final List<OrtSession> sessions = new ArrayList<>();
    private final int classes;

    /**
     * @param models  per exit, its decision model's bytes
     * @param names   per exit, what to call it in a message (its file)
     * @throws OnnxExportException when ONNX Runtime refuses a model
     */
    OnnxDecisions(List<byte[]> models, List<String> names, int classes, int threads) {
        this.classes = classes;
        try {
            for (int k = 0; k < models.size(); k++) {
                sessions.add(OrtCalls.open(models.get(k), threads, names.get(k)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Exit k's decision on {@code rows} rows.
     *
     * @param probabilities   rows × C branch probabilities
     * @param previousClass   rows × k classes of exits 0..k−1 (row-major; empty for k = 0)
     * @param previousConfidence rows × k top probabilities of exits 0..k−1
     */
    Decided decide(int k, float[] probabilities, int rows, long[] previousClass, float[] previousConfidence) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(DecisionOnnxWriter.PROBABILITIES, OrtCalls.tensor(probabilities, 0, rows * classes,
                    new long[] {rows, classes}));
            if (k > 0) {
                inputs.put(DecisionOnnxWriter.PREVIOUS_CLASS, OnnxTensor.createTensor(
                        OnnxRuntimeSessions.environment(), LongBuffer.wrap(previousClass, 0, rows * k),
                        new long[] {rows, k}));
                inputs.put(DecisionOnnxWriter.PREVIOUS_CONFIDENCE, OrtCalls.tensor(previousConfidence, 0, rows * k,
                        new long[] {rows, k}));
            }
            try (OrtSession.Result result = sessions.get(k).run(inputs, OUTPUTS)) {
                float[] score = OrtCalls.floats(result, DecisionOnnxWriter.SCORE);
                boolean[] fires = (boolean[]) result.get(DecisionOnnxWriter.FIRES).orElseThrow().getValue();
                return new Decided(score, fires);
            }
        } catch (OrtException e) {
            throw new OnnxExportException("ONNX Runtime failed to run the decision model of exit " + (k + 1) + ": "
                    + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OrtCalls::close);
        }
    }

    /**
     * One exit's decision on a batch.
     *
     * @param score per row, the rule's score
     * @param fires per row, whether the exit takes it
     */
    record Decided(float[] score, boolean[] fires) {
    }

    @Override
    public void close() {
        sessions.forEach(OrtCalls::close);
    }
}
