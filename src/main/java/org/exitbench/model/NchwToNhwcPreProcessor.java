package org.exitbench.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns an NCHW image batch into a contiguous NHWC one in front of a network's first NHWC layer, and the
 * gradient back, so that a network computing in NHWC still takes the NCHW batches that
 * {@link org.exitbench.data.ImageDataSetIterator} produces. The layout is then a private choice of
 * {@link NetworkSettings}: trainers, evaluators and the feature extractor feed every backbone the same way.
 *
 * <p>oneDNN runs convolution and batch-norm natively in NHWC on AVX-512 machines; in NCHW every convolution
 * reorders its input and output (docs/performance.md). The copy made here is one pass over the input images,
 * the smallest activation of the network.
 */
public final class NchwToNhwcPreProcessor extends BaseInputPreProcessor {

    private static final long serialVersionUID = 1L;

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        requireRank4(input);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(0, 2, 3, 1), 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        requireRank4(output);
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(0, 3, 1, 2), 'c');
    }

    @Override
    public NchwToNhwcPreProcessor clone() {
        return (NchwToNhwcPreProcessor) super.clone();
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional conv) || conv.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("NchwToNhwcPreProcessor takes NCHW image batches, was given "
                    + inputType);
        }
        return InputType.convolutional(conv.getHeight(), conv.getWidth(), conv.getChannels(), CNN2DFormat.NHWC);
    }

    private static void requireRank4(INDArray array) {
        if (array.rank() != 4) {
            throw new IllegalArgumentException("NchwToNhwcPreProcessor takes rank-4 image batches, was given shape "
                    + java.util.Arrays.toString(array.shape()));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NchwToNhwcPreProcessor;
    }

    @Override
    public int hashCode() {
        return NchwToNhwcPreProcessor.class.hashCode();
    }
}
