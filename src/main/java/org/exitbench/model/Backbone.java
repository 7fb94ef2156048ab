package org.exitbench.model;

import java.util.List;
import java.util.Map;
import org.exitbench.data.ChannelStats;

/**
 * A frozen backbone, whichever engine runs it: a DL4J network trained in Exitbench ({@link TrainedBackbone}) or an
 * imported ONNX model run by ONNX Runtime ({@link org.exitbench.model.onnx.OnnxBackbone}). Everything after the
 * feature cache (branches, CPM, cascades, sweeps, panes) sees only this: class names, normalisation, exit points,
 * MACs, a fingerprint, and the features it extracts.
 */
public interface Backbone {

    /** @return the class names, index = output unit */
    List<String> classNames();

    /** @return the normalisation its inputs need */
    ChannelStats stats();

    /** @return where the early exits attach (vertex or tensor names), shallow to deep */
    ExitPoints exitPoints();

    /** @return free-form facts about how it was made, in order */
    Map<String, String> provenance();

    /**
     * @return the same backbone with other exit points
     * @throws IllegalArgumentException (or a file exception naming the model) when they are not valid exit points
     */
    Backbone withExitPoints(ExitPoints exitPoints);

    /** @return the exact MACs, cumulative at the exit points */
    MacTable macTable();

    /**
     * @return a SHA-256 (64 hex digits) over everything that decides the backbone's function: equal fingerprints
     *         mean the same features on the same images. Exit points are not part of it.
     */
    String fingerprint();

    /** @return C of the C×H×W images it takes */
    int inputChannels();

    /** @return H of the images it takes */
    int inputHeight();

    /** @return W of the images it takes */
    int inputWidth();

    /** @return the number of classes */
    default int numClasses() {
        return classNames().size();
    }

    /** @return one line for people, e.g. "small ResNet 16/32/64/128" or "ONNX small-resnet.onnx (…)" */
    String describe();

    /**
     * Prepares feature extraction at the current exit points.
     *
     * @param pooling   the pooling at every exit
     * @param batchSize images per forward pass
     * @param threads   compute threads, where the engine takes a number (ONNX Runtime); DL4J uses its own setting
     */
    BackboneFeatures features(FeaturePooling pooling, int batchSize, int threads);
}
