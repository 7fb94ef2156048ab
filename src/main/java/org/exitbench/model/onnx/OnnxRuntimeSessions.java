package org.exitbench.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Creates ONNX Runtime sessions the one way Exitbench runs them: the process-wide environment, every graph
 * optimisation on, a given number of intra-op threads and one inter-op thread (our graphs are chains, so
 * inter-op parallelism has nothing to overlap).
 *
 * <p>Used by imported backbones (feature extraction, segments) and by exported ONNX cascades alike, so the two
 * ends of the ONNX support time and behave the same.
 */
public final class OnnxRuntimeSessions {

    private OnnxRuntimeSessions() {
    }

    /** The process-wide ONNX Runtime environment (created on first use, never closed). */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * A session over the serialized model {@code modelBytes}.
     *
     * @param modelBytes  a serialized {@code ModelProto}
     * @param threads     intra-op threads, at least 1
     * @throws OrtException when ONNX Runtime refuses the model (its message says why)
     */
    public static OrtSession open(byte[] modelBytes, int threads) throws OrtException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(modelBytes, options);
        }
    }
}
