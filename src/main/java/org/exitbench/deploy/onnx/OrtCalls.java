package org.exitbench.deploy.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.model.onnx.OnnxRuntimeSessions;

/** The few ONNX Runtime calls the export and the predictor make, with ONNX Runtime's checked errors unchecked. */
final class OrtCalls {

    private OrtCalls() {
    }

    /** An output read back: row-major values and shape. */
    record Output(float[] values, long[] shape) {
    }

    /** @throws OnnxExportException when ONNX Runtime refuses the model, naming what it was */
    static OrtSession open(Onnx.ModelProto model, int threads, String what) {
        return open(model.toByteArray(), threads, what);
    }

    static OrtSession open(byte[] model, int threads, String what) {
        try {
            return OnnxRuntimeSessions.open(model, threads);
        } catch (OrtException e) {
            throw new OnnxExportException(what + " is refused by ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** Runs a one-input session and reads the named float outputs. */
    static Map<String, Output> run(OrtSession session, float[] input, long[] shape, Set<String> outputs) {
        String name = session.getInputNames().iterator().next();
        try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), FloatBuffer.wrap(input),
                shape); OrtSession.Result result = session.run(Map.of(name, x), outputs)) {
            Map<String, Output> read = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> entry : result) {
                OnnxTensor t = (OnnxTensor) entry.getValue();
                long[] dims = t.getInfo().getShape();
                if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
                    LongBuffer longs = t.getLongBuffer();
                    float[] values = new float[longs.remaining()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = longs.get(i);
                    }
                    read.put(entry.getKey(), new Output(values, dims));
                } else {
                    FloatBuffer floats = t.getFloatBuffer();
                    float[] values = new float[floats.remaining()];
                    floats.get(values);
                    read.put(entry.getKey(), new Output(values, dims));
                }
            }
            return read;
        } catch (OrtException e) {
            throw new OnnxExportException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    /**
     * A tensor over a fresh direct buffer holding {@code values[from .. from + length)}. ONNX Runtime reads a direct
     * buffer in place, where a heap array would be copied into one on every call.
     */
    static OnnxTensor tensor(float[] values, int from, int length, long[] shape) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(values, from, length).rewind();
        try {
            return OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), buffer, shape);
        } catch (OrtException e) {
            throw new OnnxExportException("ONNX Runtime refused an input of shape " + java.util.Arrays.toString(shape)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a one-input session on a tensor, computing only the named outputs; the caller closes the result (and
     * may feed one of its tensors to the next session first, which saves copying it through Java).
     */
    static OrtSession.Result run(OrtSession session, String input, OnnxTensor x, Set<String> outputs) {
        try {
            return session.run(Map.of(input, x), outputs);
        } catch (OrtException e) {
            throw new OnnxExportException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    /** @return a float output's values */
    static float[] floats(OrtSession.Result result, String name) {
        FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow(() -> new OnnxExportException(
                "ONNX Runtime returned no output " + name))).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** @return the first value of an int64 output */
    static long firstLong(OrtSession.Result result, String name) {
        return ((OnnxTensor) result.get(name).orElseThrow(() -> new OnnxExportException(
                "ONNX Runtime returned no output " + name))).getLongBuffer().get(0);
    }

    /** Closes native ONNX Runtime objects; a failure to close leaves nothing to recover. */
    static void close(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing releases native memory; a failure here leaves nothing to recover.
        }
    }

    /** Runs a one-input, one-output session. */
    static Output runSingle(OrtSession session, float[] input, long[] shape) {
        String out = session.getOutputNames().iterator().next();
        return run(session, input, shape, Set.of(out)).get(out);
    }

    /** @return the model with the named inner tensors added to its outputs (to read them back) */
    static Onnx.ModelProto exposing(Onnx.ModelProto model, List<String> tensors) {
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (String tensor : tensors) {
            if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(tensor))) {
                graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(tensor)
                        .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                                .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()))));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
