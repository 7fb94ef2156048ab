package org.exitbench.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's 1-D subsampling layer with a fast path for the branches' stride-2 pooling: windows of 2 with stride 2,
 * no padding, max or average, on an NCW sequence. The same configuration, no parameters, the same results (the
 * maximum of two floats, or their mean, is exact either way; gradients go to the first of two equal values, as in
 * DL4J), and a subclass of {@link Subsampling1DLayer}, so every part of DL4J and Exitbench treats it as one.
 *
 * <p>Why it exists: DL4J 1.0.0-M2.1 hands this pooling to oneDNN's reference NCHW pooling kernel (one
 * {@code std::function} call per output), which took about half of every update of a wide branch (128 filters over
 * a 64-channel vector: 29 of 83 ms CPU forward, 12 more backward, at batch 256) and most of its scoring time. Here
 * the forward pass is one element-wise maximum (or sum) of the even and odd positions, and backpropagation two
 * strided assignments (docs/performance.md, "Wide branches").
 */
public class PairPooling1DLayer extends Subsampling1DLayer {

    private static final long serialVersionUID = 1L;

    /** For deserialisation. */
    public PairPooling1DLayer() {
        super();
    }

    /**
     * A copy of a subsampling configuration, every setting included.
     *
     * @throws IllegalArgumentException for anything but a plain {@link Subsampling1DLayer} (or this class)
     */
    public static PairPooling1DLayer of(Subsampling1DLayer layer) {
        if (layer.getClass() != Subsampling1DLayer.class && !(layer instanceof PairPooling1DLayer)) {
            throw new IllegalArgumentException("only plain 1-D subsampling layers can be copied, not "
                    + layer.getClass().getSimpleName());
        }
        PairPooling1DLayer copy = new PairPooling1DLayer();
        Subsampling1DLayer source = layer.clone();
        LayerConfigurationCopy.copyFields(Subsampling1DLayer.class, source, copy, "a DL4J subsampling configuration");
        return copy;
    }

    @Override
    public PairPooling1DLayer clone() {
        return (PairPooling1DLayer) super.clone();
    }

    /** @return whether the fast path computes this configuration: kernel 2, stride 2, no padding, max or average */
    boolean isPairPooling() {
        int[] kernel = getKernelSize();
        int[] stride = getStride();
        int[] padding = getPadding();
        return kernel[0] == 2 && stride[0] == 2 && padding[0] == 0 && getConvolutionMode() == ConvolutionMode.Truncate
                && (getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                || getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.AVG)
                && getDilation()[0] == 1;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        Implementation layer = new Implementation(conf, networkDataType, isPairPooling());
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    /** DL4J's 1-D subsampling layer with the pair pooling computed by element-wise ND4J operations. */
    static final class Implementation extends org.deeplearning4j.nn.layers.convolution.subsampling.Subsampling1DLayer {

        private final boolean pairPooling;

        Implementation(NeuralNetConfiguration conf, DataType dataType, boolean pairPooling) {
            super(conf, dataType);
            this.pairPooling = pairPooling;
        }

        private boolean max() {
            return ((SubsamplingLayer) conf().getLayer()).getPoolingType()
                    == org.deeplearning4j.nn.conf.layers.PoolingType.MAX;
        }

        private boolean fast() {
            return pairPooling && input != null && input.rank() == 3 && input.size(2) >= 2 && maskArray == null;
        }

        /** @return the even (0) or odd (1) positions of a sequence batch, the first 2·⌊L/2⌋ of them */
        private static INDArray positions(INDArray sequence, int parity) {
            long pairs = sequence.size(2) / 2;
            INDArrayIndex taken = NDArrayIndex.interval(parity, 2, 2 * pairs);
            return sequence.get(NDArrayIndex.all(), NDArrayIndex.all(), taken);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (!fast()) {
                return super.activate(training, workspaceMgr);
            }
            INDArray in = input.castTo(dataType);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                    new long[] {in.size(0), in.size(1), in.size(2) / 2}, 'c');
            INDArray even = positions(in, 0);
            INDArray odd = positions(in, 1);
            if (max()) {
                Nd4j.exec(new Max(even, odd, out));
            } else {
                out.assign(even).addi(odd).muli(0.5);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (!fast()) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            INDArray in = input.castTo(dataType);
            INDArray gradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, in.shape(), 'c');
            INDArray toEven = positions(gradient, 0);
            INDArray toOdd = positions(gradient, 1);
            INDArray eps = epsilon.castTo(dataType);
            if (max()) {
                // The first of two equal values takes the gradient, as DL4J's pooling does.
                INDArray secondWins = positions(in, 1).gt(positions(in, 0)).castTo(dataType);
                toOdd.assign(eps.mul(secondWins));
                toEven.assign(eps.sub(toOdd));
            } else {
                INDArray half = eps.mul(0.5);
                toEven.assign(half);
                toOdd.assign(half);
            }
            return new Pair<>(new DefaultGradient(), gradient);
        }
    }
}
