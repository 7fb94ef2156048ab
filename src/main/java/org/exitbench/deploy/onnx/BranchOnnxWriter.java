package org.exitbench.deploy.onnx;

import java.util.List;
import onnx.Onnx;
import org.deeplearning4j.nn.api.Layer;
import org.exitbench.model.BranchPooling;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeaturePooling;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes an exit as ONNX nodes: the workbench's fixed pooling of the exit's feature map ({@link FeaturePooling}),
 * then the branch network of any {@link BranchType} (one or two convolutions each with ReLU, the branch's pooling,
 * dense softmax).
 * Input: the map in NCHW; output: the branch's class probabilities, [N, classes].
 *
 * <p>Adaptive average pooling to a k×k grid is written as one matrix product with a fixed [H·W, k²] averaging
 * matrix, which reproduces PyTorch-style overlapping bins exactly (FeaturePooling's bins) for any map size.
 */
final class BranchOnnxWriter {

    private BranchOnnxWriter() {
    }

    /**
     * A branch as a standalone model.
     *
     * @return a model with input {@code map} [batch, C, H, W] and output {@code probabilities} [batch, classes]
     */
    static Onnx.ModelProto model(ExitBranch branch, FeaturePooling pooling, int channels, int height, int width,
                                 String docString) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(docString);
        g.input("map", Onnx.TensorProto.DataType.FLOAT, "batch", (long) channels, (long) height, (long) width);
        String out = write(g, branch, pooling, "map", channels, height, width, "exit");
        g.add("Identity", List.of(out), List.of(g.reserve("probabilities")));
        g.output("probabilities", Onnx.TensorProto.DataType.FLOAT, "batch", (long) branch.input().classes());
        return g.model(docString);
    }

    /**
     * Writes pooling and branch into a graph.
     *
     * @param map    the tensor holding the exit's map, NCHW
     * @param prefix prepended to the names of the nodes and weights written
     * @return the tensor holding the probabilities
     */
    static String write(OnnxGraphBuilder g, ExitBranch branch, FeaturePooling pooling, String map, int channels, int height,
                        int width, String prefix) {
        BranchSpec spec = branch.spec();
        int grid = pooling.grid();
        if (branch.input().channels() != channels || branch.input().grid() != grid) {
            throw new IllegalArgumentException("the branch reads " + branch.input() + ", the exit gives "
                    + channels + " channels pooled to " + grid + "×" + grid);
        }
        String pooled;
        if (grid == 1) {
            pooled = g.node("GlobalAveragePool", prefix + "_pooled", List.of(map));
        } else {
            String flat = g.node("Reshape", prefix + "_cells", List.of(map,
                    g.longs(prefix + "_cells_shape", new long[] {-1, channels, (long) height * width}, 3)));
            pooled = g.node("MatMul", prefix + "_pooled", List.of(flat, g.floats(prefix + "_pooling",
                    averagingMatrix(pooling, height, width), (long) height * width, (long) grid * grid)));
        }
        String x = switch (spec.type()) {
            case CONV1D_CHANNELS -> {
                String vector = grid == 1 ? pooled : g.node("ReduceMean", prefix + "_cell_mean", List.of(pooled),
                        OnnxGraphBuilder.ints("axes", 2), OnnxGraphBuilder.integer("keepdims", 1));
                yield reshape(g, prefix + "_sequence", vector, -1, 1, channels);
            }
            case CONV1D_TOKENS -> pooled;
            case CONV2D -> reshape(g, prefix + "_grid", pooled, -1, channels, grid, grid);
        };
        int filters = spec.filters();
        int kernel = spec.kernel();
        int half = (kernel - 1) / 2;
        String activated = x;
        for (int layer = 1; layer <= spec.layers(); layer++) {
            // The first layer keeps the names one-layer branches always had; a second reads the first's filters.
            String name = prefix + "_" + BranchSpec.convolutionName(layer);
            Layer conv = branch.graph().getLayer(BranchSpec.convolutionName(layer));
            int inChannels = layer > 1 ? filters : spec.type() == BranchType.CONV1D_CHANNELS ? 1 : channels;
            float[] bias = Dl4jOnnxWriter.floats(conv.getParam("b"));
            String convolved;
            if (spec.type() == BranchType.CONV2D) {
                String w = g.floats(name + ".W", Dl4jOnnxWriter.floats(conv.getParam("W")), filters, inChannels,
                        kernel, kernel);
                convolved = g.node("Conv", name, List.of(activated, w, g.floats(name + ".b", bias, filters)),
                        OnnxGraphBuilder.ints("kernel_shape", kernel, kernel),
                        OnnxGraphBuilder.ints("pads", half, half, half, half));
            } else {
                String w = g.floats(name + ".W", conv1dWeights(conv.getParam("W"), filters, inChannels, kernel),
                        filters, inChannels, kernel);
                convolved = g.node("Conv", name, List.of(activated, w, g.floats(name + ".b", bias, filters)),
                        OnnxGraphBuilder.ints("kernel_shape", kernel), OnnxGraphBuilder.ints("pads", half, half));
            }
            activated = g.node("Relu", layer == 1 ? prefix + "_relu" : prefix + "_relu" + layer, List.of(convolved));
        }
        BranchPooling branchPooling = spec.pooling();
        boolean max = branchPooling == BranchPooling.MAX_STRIDE_2 || branchPooling == BranchPooling.GLOBAL_MAX;
        String reduced;
        if (branchPooling.isGlobal()) {
            reduced = g.node(max ? "GlobalMaxPool" : "GlobalAveragePool", prefix + "_pool", List.of(activated));
        } else {
            reduced = g.node(max ? "MaxPool" : "AveragePool", prefix + "_pool", List.of(activated),
                    OnnxGraphBuilder.ints("kernel_shape", 2), OnnxGraphBuilder.ints("strides", 2));
        }
        String features = g.node("Flatten", prefix + "_features", List.of(reduced), OnnxGraphBuilder.integer("axis", 1));
        Layer output = branch.graph().getLayer(BranchSpec.OUTPUT);
        INDArray w = output.getParam("W");
        String logits = g.node("Gemm", prefix + "_logits", List.of(features,
                g.floats(prefix + "_dense.W", Dl4jOnnxWriter.floats(w), w.size(0), w.size(1)),
                g.floats(prefix + "_dense.b", Dl4jOnnxWriter.floats(output.getParam("b")), w.size(1))));
        return g.node("Softmax", prefix + "_probabilities", List.of(logits), OnnxGraphBuilder.integer("axis", 1));
    }

    private static String reshape(OnnxGraphBuilder g, String name, String in, long... shape) {
        return g.node("Reshape", name, List.of(in, g.longs(name + "_shape", shape, shape.length)));
    }

    /**
     * The matrix P with P[y·W + x][i·k + j] = 1 / |bin(i, j)| when (y, x) lies in bin (i, j): a map's cells times P
     * are FeaturePooling's averages, bins as {@link FeaturePooling} draws them.
     */
    static float[] averagingMatrix(FeaturePooling pooling, int height, int width) {
        int grid = pooling.grid();
        float[] p = new float[height * width * grid * grid];
        for (int i = 0; i < grid; i++) {
            int y0 = (int) Math.floor((double) i * height / grid);
            int y1 = (int) Math.ceil((double) (i + 1) * height / grid);
            for (int j = 0; j < grid; j++) {
                int x0 = (int) Math.floor((double) j * width / grid);
                int x1 = (int) Math.ceil((double) (j + 1) * width / grid);
                float share = (float) (1.0 / ((y1 - y0) * (x1 - x0)));
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        p[(y * width + x) * grid * grid + i * grid + j] = share;
                    }
                }
            }
        }
        return p;
    }

    /**
     * The weights of a DL4J 1.0.0-M2.1 {@code Convolution1DLayer} as ONNX's [filter][inChannel][tap]. Its parameter
     * {@code W} has the shape [filters, inChannels, kernel, 1], but the layer hands the buffer to the native conv1d
     * op reshaped (not permuted) to that op's [kernel, inChannels, filters] layout, so the weight of (filter,
     * channel, tap) is element {@code (tap · inChannels + channel) · filters + filter} of the row-major buffer (the
     * same reading as the DL4J predictor's branch kernel; the export-time check guards it).
     */
    private static float[] conv1dWeights(INDArray w, int filters, int inChannels, int kernel) {
        float[] raw = Dl4jOnnxWriter.floats(w);
        float[] out = new float[raw.length];
        for (int f = 0; f < filters; f++) {
            for (int c = 0; c < inChannels; c++) {
                for (int t = 0; t < kernel; t++) {
                    out[(f * inChannels + c) * kernel + t] = raw[(t * inChannels + c) * filters + f];
                }
            }
        }
        return out;
    }
}
