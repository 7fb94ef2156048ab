package org.exitbench.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.ImageDataset;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.BackboneFileException;
import org.exitbench.model.ExitFeatureShape;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.LogitsKind;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Feature extraction for an {@link OnnxBackbone}: one ONNX Runtime session over the model with the exit tensors
 * declared as extra outputs (no re-export needed), run batch by batch; each exit map is pooled here with the same
 * {@link FeaturePooling} the DL4J extractor uses, so the cache is the same whichever engine made it.
 *
 * <p>Logits are the graph's output as is, unless a Softmax node produces it: then they are the log of its
 * probabilities ({@link LogitsKind#LOG_SOFTMAX}), which softmax and argmax treat alike.
 */
final class OnnxFeatureExtractor implements BackboneFeatures {

    private final OnnxBackbone backbone;
    private final FeaturePooling pooling;
    private final int batchSize;
    private final List<ExitFeatureShape> shapes;
    private final LogitsKind logitsKind;
    private final OrtSession session;
    private final Set<String> outputs;

    OnnxFeatureExtractor(OnnxBackbone backbone, FeaturePooling pooling, int batchSize, int threads) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.backbone = backbone;
        this.pooling = pooling;
        this.batchSize = batchSize;
        OnnxGraph graph = backbone.graph();
        List<ExitFeatureShape> exitShapes = new ArrayList<>();
        for (String tap : backbone.exitPoints().vertices()) {
            OnnxGraph.Candidate c = graph.candidate(tap);
            exitShapes.add(new ExitFeatureShape(tap, c.channels(), c.height(), c.width(),
                    pooling.featureDim(c.channels())));
        }
        this.shapes = List.copyOf(exitShapes);
        boolean softmax = graph.model().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOutputList().contains(graph.output()) && n.getOpType().equals("Softmax"));
        this.logitsKind = softmax ? LogitsKind.LOG_SOFTMAX : LogitsKind.PRE_SOFTMAX;

        Onnx.GraphProto.Builder g = graph.model().getGraph().toBuilder();
        outputs = new LinkedHashSet<>(backbone.exitPoints().vertices());
        outputs.add(graph.output());
        for (String tap : backbone.exitPoints().vertices()) {
            g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(tap).setType(Onnx.TypeProto.newBuilder()
                    .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                            .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
        }
        try {
            session = OnnxRuntimeSessions.open(graph.model().toBuilder().setGraph(g).build().toByteArray(), threads);
        } catch (OrtException e) {
            throw new BackboneFileException(backbone.file(), "ONNX Runtime cannot open it with outputs at the exits "
                    + backbone.exitPoints().vertices() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ExitFeatureShape> exitShapes() {
        return shapes;
    }

    @Override
    public LogitsKind logitsKind() {
        return logitsKind;
    }

    @Override
    public SplitFeatures extract(ImageDataset images, ProgressListener progress, CancellationToken cancel) {
        checkFits(images);
        int n = images.size();
        int classes = backbone.numClasses();
        int[] dims = new int[shapes.size()];
        List<float[]> features = new ArrayList<>();
        for (int e = 0; e < shapes.size(); e++) {
            dims[e] = shapes.get(e).featureDim();
            long values = (long) n * dims[e];
            if (values > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(n + " images × " + dims[e] + " features at exit '"
                        + shapes.get(e).vertex() + "' do not fit in one array; use a smaller pooling grid");
            }
            features.add(new float[(int) values]);
        }
        float[] logits = new float[n * classes];
        int[] predictions = new int[n];
        progress.report("Extracting features", 0, n);
        for (int start = 0; start < n; start += batchSize) {
            cancel.throwIfCancelled();
            int count = Math.min(batchSize, n - start);
            run(images, start, count, features, logits);
            for (int i = start; i < start + count; i++) {
                predictions[i] = argmax(logits, i * classes, classes);
            }
            progress.report("Extracting features", start + count, n);
        }
        return new SplitFeatures(dims, features, classes, logits, predictions, images.labels());
    }

    /** One forward pass over images {@code start … start + count − 1}, written at those positions. */
    private void run(ImageDataset images, int start, int count, List<float[]> features, float[] logits) {
        OnnxGraph.Input in = backbone.graph().input();
        FloatBuffer input = normalised(images, start, count, in, backbone.stats());
        int classes = backbone.numClasses();
        try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), input, in.shape(count));
             OrtSession.Result result = session.run(Map.of(in.name(), x), outputs)) {
            Map<String, OnnxValue> byName = new HashMap<>();
            result.forEach(e -> byName.put(e.getKey(), e.getValue()));
            for (int e = 0; e < shapes.size(); e++) {
                ExitFeatureShape shape = shapes.get(e);
                float[] maps = floats((OnnxTensor) byName.get(shape.vertex()),
                        (long) count * shape.channels() * shape.height() * shape.width(), shape.vertex());
                pooling.pool(maps, count, shape.channels(), shape.height(), shape.width(), features.get(e),
                        (long) start * shape.featureDim());
            }
            float[] out = floats((OnnxTensor) byName.get(backbone.graph().output()), (long) count * classes,
                    backbone.graph().output());
            if (logitsKind == LogitsKind.LOG_SOFTMAX) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) Math.log(Math.max(out[i], Float.MIN_NORMAL));
                }
            }
            System.arraycopy(out, 0, logits, start * classes, count * classes);
        } catch (OrtException e) {
            throw new BackboneFileException(backbone.file(), "ONNX Runtime failed on images " + start + " to "
                    + (start + count - 1) + ": " + e.getMessage(), e);
        }
    }

    private float[] floats(OnnxTensor tensor, long expected, String name) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer == null || buffer.remaining() != expected) {
            throw new BackboneFileException(backbone.file(), "tensor '" + name + "' gives "
                    + (buffer == null ? "no float values" : buffer.remaining() + " values") + ", expected " + expected);
        }
        float[] values = new float[(int) expected];
        buffer.get(values);
        return values;
    }

    /** The images normalised as the backbone needs, in its input's layout. */
    static FloatBuffer normalised(ImageDataset images, int start, int count, OnnxGraph.Input in, ChannelStats stats) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int plane = h * w;
        float[] values = new float[count * c * plane];
        byte[] image = new byte[images.imageBytes()];
        boolean nhwc = in.layout() == OnnxGraph.Layout.NHWC;
        for (int i = 0; i < count; i++) {
            images.copyImage(start + i, image, 0);
            int base = i * c * plane;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    float v = stats.normalize(ch, image[ch * plane + p] & 0xFF);
                    values[nhwc ? base + p * c + ch : base + ch * plane + p] = v;
                }
            }
        }
        return FloatBuffer.wrap(values);
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    private void checkFits(ImageDataset images) {
        if (images.channels() != backbone.inputChannels() || images.height() != backbone.inputHeight()
                || images.width() != backbone.inputWidth()) {
            throw new IllegalArgumentException("the images are " + images.channels() + "×" + images.height() + "×"
                    + images.width() + ", the backbone takes " + backbone.inputChannels() + "×"
                    + backbone.inputHeight() + "×" + backbone.inputWidth());
        }
        if (!images.classNames().equals(backbone.classNames())) {
            throw new IllegalArgumentException("the images' classes " + images.classNames()
                    + " differ from the backbone's " + backbone.classNames());
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close an ONNX Runtime session", e);
        }
    }
}
