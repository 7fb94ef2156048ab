package org.exitbench.deploy.onnx;

import org.exitbench.progress.ExitbenchException;

/**
 * An ONNX export that cannot be written faithfully (a layer without an ONNX translation, ONNX Runtime disagreeing
 * with DL4J beyond tolerance, a part ONNX Runtime refuses) or an ONNX export that cannot be read back; the message
 * names the layer, part or file.
 */
public class OnnxExportException extends ExitbenchException {

    private static final long serialVersionUID = 1L;

    public OnnxExportException(String message) {
        super(message);
    }

    public OnnxExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
