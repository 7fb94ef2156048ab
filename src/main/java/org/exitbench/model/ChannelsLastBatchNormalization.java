package org.exitbench.model;

import java.lang.reflect.Field;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's batch-norm layer with {@link ChannelsLastBatchNormHelper} in place of its oneDNN helper: the same
 * parameters, defaults, running statistics and results, with faster training on NHWC activations. Every other
 * part of DL4J sees a plain {@link BatchNormalization} (this class extends it), so saving, loading, transfer
 * learning, MAC counting and {@link BatchNormFolding} treat it as one; a saved model names this class.
 *
 * <p>The helper is installed where DL4J itself created its oneDNN helper (helpers switched on, gamma and beta
 * learnt); otherwise the layer behaves exactly as DL4J's.
 */
public class ChannelsLastBatchNormalization extends BatchNormalization {

    private static final long serialVersionUID = 1L;

    /** DL4J's defaults (decay 0.9, eps 1e-5, log10 standard deviation stored), NCHW; for deserialisation. */
    public ChannelsLastBatchNormalization() {
        super();
    }

    /** A layer with DL4J's defaults for activations of the given layout. */
    public static ChannelsLastBatchNormalization of(CNN2DFormat format) {
        ChannelsLastBatchNormalization layer = new ChannelsLastBatchNormalization();
        layer.setCnn2DFormat(format);
        return layer;
    }

    @Override
    public ChannelsLastBatchNormalization clone() {
        return (ChannelsLastBatchNormalization) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        Layer layer = super.instantiate(conf, trainingListeners, layerIndex, layerParamsView, initializeParams,
                networkDataType);
        try {
            Field field = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            field.setAccessible(true);
            if (field.get(layer) instanceof BatchNormalizationHelper oneDnn && !isLockGammaBeta()) {
                field.set(layer, new ChannelsLastBatchNormHelper(oneDnn));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's batch-norm layer has no 'helper' field in this version", e);
        }
        return layer;
    }
}
