package org.exitbench.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's 2-D convolution layer without a needless copy in NHWC: the same configuration, parameters and results,
 * and a subclass of {@link ConvolutionLayer}, so every part of DL4J and Exitbench treats it as one.
 *
 * <p>In DL4J 1.0.0-M2.1 an NHWC convolution copies its whole input to NCHW at the start of every forward pass,
 * and again in backpropagation, even when oneDNN, which takes the NHWC input directly, does the work; that copy
 * is then thrown away. With the oneDNN helper active this layer hands the input to it as it is. Without the
 * helper, or in NCHW, it behaves exactly as DL4J's layer.
 */
public class ChannelsLastConvolutionLayer extends ConvolutionLayer {

    private static final long serialVersionUID = 1L;

    /** For deserialisation. */
    public ChannelsLastConvolutionLayer() {
        super();
    }

    /** A layer configured by DL4J's builder. */
    public ChannelsLastConvolutionLayer(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    /** A copy of any plain convolution layer configuration, every setting included. */
    public static ChannelsLastConvolutionLayer of(ConvolutionLayer layer) {
        if (layer.getClass() != ConvolutionLayer.class && !(layer instanceof ChannelsLastConvolutionLayer)) {
            throw new IllegalArgumentException("only plain 2-D convolutions can be copied, not "
                    + layer.getClass().getSimpleName());
        }
        ChannelsLastConvolutionLayer copy = new ChannelsLastConvolutionLayer();
        ConvolutionLayer source = layer.clone();
        LayerConfigurationCopy.copyFields(ConvolutionLayer.class, source, copy, "a DL4J convolution configuration");
        return copy;
    }

    @Override
    public ChannelsLastConvolutionLayer clone() {
        return (ChannelsLastConvolutionLayer) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("ChannelsLastConvolutionLayer", getLayerName(), layerIndex, getNIn(),
                getNOut());
        Implementation layer = new Implementation(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    /** DL4J's convolution layer with the NHWC forward pass handed to the oneDNN helper without a copy. */
    static final class Implementation extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
                                                     LayerWorkspaceMgr workspaceMgr) {
            ConvolutionLayer conf = layerConf();
            if (helper == null || helperCountFail > 0 || conf.getCnn2dDataFormat() != CNN2DFormat.NHWC
                    || dataType != DataType.FLOAT) {
                return super.preOutput(training, forBackprop, workspaceMgr);
            }
            if (preOutput != null && forBackprop) {
                return new Pair<>(preOutput, null);
            }
            assertInputSet(false);
            INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            validateInputRank();
            validateInputDepth(weights.size(1));
            INDArray in = input.castTo(dataType);
            int[] kernel = conf.getKernelSize();
            int[] strides = conf.getStride();
            int[] dilation = conf.getDilation();
            int[] pad = conf.getPadding();
            if (convolutionMode == ConvolutionMode.Same) {
                int[] outSize = ConvolutionUtils.getOutputSize(in, kernel, strides, null, convolutionMode, dilation,
                        CNN2DFormat.NHWC);
                pad = ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                        new int[] {(int) in.size(1), (int) in.size(2)}, kernel, strides, dilation);
            }
            if (!hasBias()) {
                if (dummyBias == null) {
                    try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                        dummyBias = Nd4j.create(dataType, 1, conf.getNOut());
                    }
                }
                bias = dummyBias;
            }
            INDArray out = helper.preOutput(in, weights, bias, kernel, strides, pad, conf.getCudnnAlgoMode(),
                    conf.getCudnnFwdAlgo(), convolutionMode, dilation, CNN2DFormat.NHWC, workspaceMgr);
            return out == null ? super.preOutput(training, forBackprop, workspaceMgr) : new Pair<>(out, null);
        }
    }
}
