package org.exitbench.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The training-mode batch statistics of DL4J's batch-norm layer, and their gradients, computed as matrix–vector
 * products over channels-last activations; normalisation and inference stay with DL4J's oneDNN helper.
 *
 * <p>Why: with oneDNN on, DL4J 1.0.0-M2.1 computes a batch's mean and variance with generic per-channel reductions
 * before calling oneDNN, and its batch-norm backward asks oneDNN for one term only and computes the others with
 * about ten more passes over the activation (broadcasts and per-channel reductions). On ResNet-18 that made
 * batch-norm about a quarter of a training step (docs/performance.md). For an activation viewed as an
 * M×C matrix X (M = batch × height × width, channels last, as in NHWC), with a column of M ones 1:
 * <ul>
 *   <li>forward: sums = Xᵀ·1 and sums of squares = (X∘X)ᵀ·1, so mean = sums / M and the biased variance
 *       = sums of squares / M − mean²; then oneDNN normalises with them;</li>
 *   <li>backward, for the gradient G at the output: dβ = Gᵀ·1, dγ = σ⁻¹((G∘X)ᵀ·1 − mean·dβ), and
 *       dX = G·a + X·b + c per channel, with a = γσ⁻¹, b = −aσ⁻¹dγ / M and c = −a·dβ / M − b·mean,
 *       which is the usual batch-norm gradient (Ioffe and Szegedy 2015) rearranged.</li>
 * </ul>
 * The results equal DL4J's within float rounding (ChannelsLastBatchNormalizationTest).
 *
 * <p>Inputs that are not channels-last (NCHW maps with more than one pixel) go to DL4J's oneDNN helper unchanged.
 */
final class ChannelsLastBatchNormHelper implements BatchNormalizationHelper {

    private final BatchNormalizationHelper oneDnn;
    private INDArray ones;
    private INDArray meanCache;
    private INDArray varCache;
    /** Whether the last training forward pass went to {@link #oneDnn}, whose caches then hold the statistics. */
    private boolean delegated;

    /** @param oneDnn DL4J's oneDNN helper of the same layer, for inference and for channels-first inputs */
    ChannelsLastBatchNormHelper(BatchNormalizationHelper oneDnn) {
        this.oneDnn = oneDnn;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return oneDnn.checkSupported(eps, fixedGammaBeta);
    }

    @Override
    public boolean checkSupported() {
        return oneDnn.checkSupported();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn.helperMemoryUse();
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        delegated = !training || !channelsLast(x, format, mean.length()) || x.dataType() != DataType.FLOAT;
        if (delegated) {
            return oneDnn.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }
        INDArray rows = asRows(x, format);
        long m = rows.size(0);
        long c = rows.size(1);
        INDArray sums = columnSums(rows);
        INDArray squares = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, m, c);
        rows.mul(rows, squares);
        INDArray sumsOfSquares = columnSums(squares);
        INDArray batchMean = sums.divi(m);
        // Biased variance, as DL4J and oneDNN use for normalisation; clamped where rounding makes it negative.
        INDArray batchVar = Transforms.max(sumsOfSquares.divi(m).subi(batchMean.mul(batchMean)), 0.0, false);
        if (meanCache == null || meanCache.length() != c) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.createUninitialized(DataType.FLOAT, c);
                varCache = Nd4j.createUninitialized(DataType.FLOAT, c);
            }
        }
        meanCache.assign(batchMean.reshape(c));
        varCache.assign(batchVar.reshape(c));
        // oneDNN normalises with the statistics given: the "inference" kernel with the batch's own statistics.
        return oneDnn.preOutput(x, false, shape, gamma, beta, meanCache, varCache, decay, eps, format, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (delegated) {
            return oneDnn.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format,
                    workspaceMgr);
        }
        INDArray x = asRows(input, format);
        INDArray g = asRows(epsilon, format);
        long m = x.size(0);
        long c = x.size(1);
        INDArray mean = meanCache.reshape(1, c);
        INDArray invStd = Transforms.pow(varCache.add(eps), -0.5, false).reshape(1, c);

        INDArray dBeta = columnSums(g);
        INDArray product = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, m, c);
        g.mul(x, product);
        INDArray dGamma = columnSums(product).subi(mean.mul(dBeta)).muli(invStd);

        INDArray a = gamma.reshape(1, c).mul(invStd);
        INDArray b = a.mul(invStd).muli(dGamma).divi(-m);
        INDArray shift = a.mul(dBeta).divi(-m).subi(b.mul(mean));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape());
        INDArray dxRows = dx.reshape(m, c);
        Nd4j.exec(new BroadcastMulOp(g, a.reshape(c), dxRows, 1));
        Nd4j.exec(new BroadcastMulOp(x, b.reshape(c), product, 1));
        dxRows.addi(product).addiRowVector(shift);

        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dx);
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return delegated ? oneDnn.getMeanCache(dataType) : meanCache;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return delegated ? oneDnn.getVarCache(dataType) : varCache;
    }

    /**
     * Whether the channels are the last axis: NHWC maps, or NCHW maps of one pixel (DL4J's view of dense inputs),
     * with as many channels as the layer has.
     */
    private static boolean channelsLast(INDArray x, CNN2DFormat format, long channels) {
        if (x.rank() != 4) {
            return false;
        }
        return format == CNN2DFormat.NHWC ? x.size(3) == channels
                : x.size(2) * x.size(3) == 1 && x.size(1) == channels;
    }

    /** The activation as an M×C row-major matrix, without copying when it is contiguous. */
    private static INDArray asRows(INDArray x, CNN2DFormat format) {
        long c = format == CNN2DFormat.NHWC ? x.size(3) : x.size(1);
        INDArray contiguous = Shape.hasDefaultStridesForShape(x) && x.ordering() == 'c' ? x : x.dup('c');
        return contiguous.reshape('c', x.length() / c, c);
    }

    /**
     * The sum of each column of an M×C matrix, as a 1×C row: Xᵀ·1 as one matrix–vector product, which reads X
     * once (a 1×M by M×C product instead makes OpenBLAS copy all of X first, several times slower).
     */
    private INDArray columnSums(INDArray rows) {
        INDArray sums = Nd4j.createUninitialized(DataType.FLOAT, rows.size(1), 1);
        Nd4j.exec(new Mmul(rows, ones(rows.size(0)), sums, 1.0, 0.0,
                MMulTranspose.builder().transposeA(true).build()));
        return sums.reshape(1, rows.size(1));
    }

    /** A column of M ones, kept between calls outside any workspace. */
    private INDArray ones(long m) {
        if (ones == null || ones.length() != m) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(DataType.FLOAT, m, 1);
            }
        }
        return ones;
    }
}
