package org.exitbench.deploy.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.Set;

/**
 * The whole backbone of an ONNX export ({@value OnnxCascadeExport#BACKBONE}) on ONNX Runtime: what a deployment
 * without early exits runs, and so the baseline an ONNX cascade's measured speedup is taken against.
 */
public final class ExportedBackbone implements AutoCloseable {

    private final OrtSession session;
    private final String input;
    private final Set<String> output;
    private final long[] shape;
    private final int classes;

    /**
     * @param threads ONNX Runtime's intra-op threads
     * @throws OnnxExportException when ONNX Runtime refuses the model
     */
    public ExportedBackbone(OnnxCascade cascade, int threads) {
        OnnxManifest m = cascade.manifest();
        this.session = OrtCalls.open(cascade.model(m.backbone()), threads, cascade.folder().resolve(m.backbone())
                .toString());
        this.input = session.getInputNames().iterator().next();
        this.output = Set.of(session.getOutputNames().iterator().next());
        this.shape = new long[] {1, m.inputChannels(), m.inputHeight(), m.inputWidth()};
        this.classes = m.classNames().size();
    }

    /**
     * Classifies one image.
     *
     * @param pixels C×H×W pixel values 0..255
     * @return the class of largest probability
     */
    public int classify(float[] pixels) {
        try (OnnxTensor x = OrtCalls.tensor(pixels, 0, pixels.length, shape);
             OrtSession.Result result = OrtCalls.run(session, input, x, output)) {
            return ExitDecision.argmax(OrtCalls.floats(result, output.iterator().next()), 0, classes);
        }
    }

    @Override
    public void close() {
        OrtCalls.close(session);
    }
}
